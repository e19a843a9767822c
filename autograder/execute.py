"""Preprocesadores de nbgrader para ejecutar entregas con límites y aislamiento.

Se enchufan en ``Autograde.autograde_preprocessors`` (ver :func:`autograde_preprocessors`) en
lugar del ``Execute`` de nbgrader; el resto de la cadena de nbgrader (``SaveAutoGrades``, etc.)
no cambia:

- :class:`GuardTests` antepone a cada celda de prueba la restauración de ``numpy``/``shared``
  (:mod:`autograder.guard`) y :class:`UnguardTests` la quita después de ejecutar.
- :class:`SandboxedExecute` lanza el núcleo con :mod:`autograder.sandbox` (carpeta propia, otro
  usuario, montajes privados, límite de memoria), limita el tiempo por celda *y* por cuaderno, y
  si el núcleo muere (``os._exit``, fallo) o se agota el tiempo, marca las celdas que faltan con
  un error: las pruebas ya aprobadas conservan sus puntos y el lote sigue.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import time

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat import NotebookNode
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    Execute,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    SaveAutoGrades,
)
from traitlets import Float, Integer, List, Unicode

from autograder.guard import RESTORE_LINE

STOPPED = "CalificadorDetenido"
SEPARATOR = " — "  # separa el motivo (estado) del detalle de la celda


def _is_test(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


class GuardTests(NbGraderPreprocessor):
    """Antepone :data:`autograder.guard.RESTORE_LINE` a cada celda de prueba."""

    def preprocess_cell(self, cell, resources, index):
        if _is_test(cell) and not cell.source.startswith(RESTORE_LINE):
            cell.source = RESTORE_LINE + cell.source
        return cell, resources


class UnguardTests(NbGraderPreprocessor):
    """Quita la línea que puso :class:`GuardTests` (el cuaderno calificado queda como el original)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and cell.source.startswith(RESTORE_LINE):
            cell.source = cell.source[len(RESTORE_LINE) :]
        return cell, resources


class SandboxKernelManager(AsyncKernelManager):
    """Lanza el núcleo a través de ``python -m autograder.sandbox`` con la especificación ``spec``."""

    spec: dict = {}

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        zygote = self.spec.get("zygote")
        if zygote and os.path.exists(zygote):
            return [sys.executable, "-m", "autograder.sandbox", "--via", zygote, json.dumps(self.spec), "--", *command]
        return [sys.executable, "-m", "autograder.sandbox", json.dumps(self.spec), "--", *command]


class SandboxedExecute(Execute):
    """``Execute`` de nbgrader con aislamiento, límite por cuaderno y tolerancia a núcleos muertos."""

    notebook_timeout = Float(600, help="Segundos para todo el cuaderno (0: sin límite).").tag(config=True)
    memory_limit = Integer(8 << 30, help="Bytes de memoria virtual del núcleo (0: sin límite).").tag(config=True)
    sandbox_uid = Integer(-1, help="Usuario con el que corre el núcleo si somos root (-1: no cambiar).").tag(
        config=True
    )
    sandbox_root = Unicode("", help="Carpeta donde crear las carpetas de trabajo (vacío: la temporal).").tag(
        config=True
    )
    hide_paths = List(Unicode(), help="Rutas que el núcleo no debe ver.").tag(config=True)
    threads = Integer(1, help="Hilos de BLAS/OpenMP del núcleo.").tag(config=True)
    mpl_cache = Unicode("", help="Caché de fuentes de matplotlib que se copia al núcleo.").tag(config=True)
    zygote = Unicode("", help="Socket del zigoto que crea núcleos con fork() (vacío: sin zigoto).").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self.interrupt_on_timeout = False  # al agotar el tiempo se mata el núcleo: ver preprocess_cell

    def preprocess(self, nb, resources=None, km=None):
        self._stopped = None
        self._deadline = time.monotonic() + self.notebook_timeout if self.notebook_timeout else None
        base = self.sandbox_root or None
        if base:
            os.makedirs(base, exist_ok=True)
        workdir = tempfile.mkdtemp(prefix="entrega-", dir=base)
        _copy_lesson_files((resources or {}).get("metadata", {}).get("path"), workdir)
        uid = self.sandbox_uid if self.sandbox_uid >= 0 and os.geteuid() == 0 else None
        SandboxKernelManager.spec = {
            "workdir": workdir,
            "uid": uid,
            "gid": uid,
            "hide": list(self.hide_paths),
            "memory": self.memory_limit or None,
            "threads": self.threads,
            "mpl_cache": self.mpl_cache,
            "zygote": self.zygote,
        }
        self.timeout_func = self._cell_timeout
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if uid is not None:
                kill_user_processes(uid)
            shutil.rmtree(workdir, ignore_errors=True)

    def _cell_timeout(self, cell):
        if self._deadline is None:
            return self.timeout
        remaining = max(1, int(self._deadline - time.monotonic() + 0.999))
        return min(self.timeout, remaining) if self.timeout else remaining

    def _near_memory_limit(self) -> bool:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is None or not self.memory_limit:
            return False
        try:
            with open(f"/proc/{process.pid}/status") as status:
                size = int(status.read().split("VmSize:")[1].split()[0]) * 1024
        except (OSError, IndexError, ValueError):
            return False
        return size >= 0.9 * self.memory_limit

    def _stop(self, message: str) -> None:
        self._stopped = message
        self._kill_kernel()

    def _kill_kernel(self) -> None:
        uid = SandboxKernelManager.spec.get("uid")
        if uid is not None:
            kill_user_processes(uid)
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                process.kill()

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._stopped is None and self._deadline is not None and time.monotonic() >= self._deadline:
            self._stop(f"Se agotó el tiempo total del cuaderno ({self.notebook_timeout:g} s)")
        elif self._stopped is None:
            try:
                return super().preprocess_cell(cell, resources, index)
            except CellTimeoutError:
                past_deadline = self._deadline is not None and time.monotonic() >= self._deadline - 1
                if self._near_memory_limit():  # atascado al borde del límite de memoria
                    self._stop(memory_message(self.memory_limit))
                elif past_deadline:
                    self._stop(f"Se agotó el tiempo total del cuaderno ({self.notebook_timeout:g} s)")
                else:
                    self._stop(f"Una celda superó el límite de tiempo ({self._cell_timeout(cell):g} s)")
                cell.outputs = [_error(STOPPED, f"{self._stopped}{SEPARATOR}se detuvo en esta celda.")]
                return cell, resources
            except DeadKernelError:
                self._stop("El núcleo de Python se detuvo (os._exit, un fallo grave o falta de memoria)")
                cell.outputs = [_error(STOPPED, f"{self._stopped}{SEPARATOR}se detuvo en esta celda.")]
                return cell, resources
        cell.outputs = [_error(STOPPED, f"{self._stopped}{SEPARATOR}esta celda no se ejecutó.")]
        return cell, resources


def _copy_lesson_files(folder: str | None, workdir: str) -> None:
    """Los archivos de la lección (datos, módulos auxiliares) junto al cuaderno, como en nbgrader."""
    if not folder or not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        source = os.path.join(folder, name)
        if name.startswith(".") or name.endswith(".ipynb") or name == "timestamp.txt":
            continue
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(workdir, name), symlinks=False)
        elif os.path.isfile(source):
            shutil.copy(source, workdir)


def memory_message(limit: int) -> str:
    return f"memoria agotada (límite de {limit >> 20} MiB)" if limit else "memoria agotada"


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def kill_user_processes(uid: int) -> None:
    """Mata todos los procesos de ``uid`` (los que haya dejado el código del estudiante)."""
    pid = os.fork()
    if pid == 0:  # hijo: se convierte en ese usuario y envía SIGKILL a todos sus procesos
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def autograde_preprocessors() -> list:
    """La cadena de ``Autograde`` de nbgrader con la ejecución aislada y la guardia de pruebas."""
    return [
        GuardTests,
        SandboxedExecute,
        UnguardTests,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
