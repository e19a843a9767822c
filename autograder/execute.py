"""Preprocesadores de nbgrader: la entrega corre en una caja y sus pruebas, en el juez.

:func:`autograde_preprocessors` es la cadena de ``Autograde`` del curso (la usan
``python -m autograder grade``, ``nbgrader autograde`` y el botón de formgrader, a través de
``autograder/nbgrader_config.py``). Cambia el ``Execute`` de nbgrader por
:class:`SandboxedExecute`:

- las celdas del estudiante (y las del instructor) se ejecutan en su núcleo, dentro de una caja
  (:mod:`autograder.sandbox`): sin ver el repositorio ni otras entregas, sin red, con límites;
- cada celda de prueba se ejecuta en el juez (:mod:`autograder.judge`), un proceso de confianza
  que alcanza los objetos del estudiante a través del agente del núcleo. El código de la prueba se
  toma del cuaderno fuente del curso por su ``grade_id``, nunca de la entrega;
- hay límite de tiempo por celda *y* por cuaderno; si el núcleo muere o se agota el tiempo, las
  celdas que faltan se marcan con un error (las pruebas ya aprobadas conservan sus puntos);
- lo que pasó (:class:`autograder.outcome.Note`) queda en los metadatos del cuaderno calificado,
  ``nb.metadata["autograder"]``, como datos.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
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
    SaveAutoGrades,
)
from nbgrader.utils import is_grade, is_solution
from traitlets import Dict, Float, Integer, Unicode

from autograder import wire
from autograder.agent import SOCKET_NAME
from autograder.outcome import Note, Status
from autograder.sandbox import Isolation, Limits, SandboxSpec, kill_box, read_control

STOPPED = "CalificadorDetenido"
METADATA_KEY = "autograder"
READ_ONLY_CACHES = {".keras/datasets": "~/.keras/datasets"}
HIDDEN_REGION = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
log = logging.getLogger("autograder")


class IsolationRefused(RuntimeError):
    """No hay aislamiento posible y el instructor no pidió calificar sin él."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            "No se puede aislar el código de los estudiantes en esta máquina "
            f"({reason}). El calificador no ejecuta entregas sin aislamiento: usa Linux con espacios de "
            "nombres de usuario (comprueba `unshare -Ur true`), o, si confías en las entregas, "
            "`make grade ... GRADE_ARGS=--sin-aislamiento` (`python -m autograder grade ... "
            "--sin-aislamiento`). / Student code cannot be isolated on this machine; pass "
            "--no-isolation to grade anyway."
        )
        self.reason = reason


# --- Comprobación del aislamiento (una vez por proceso) ----------------------------------------

_probe_cache: dict[str, tuple[Isolation, str]] = {}


def probe_isolation() -> tuple[Isolation, str]:
    """``(nivel, motivo)``: ensaya una caja en un proceso nuevo (nunca en este, que tiene hilos)."""
    if "probe" not in _probe_cache:
        folder = tempfile.mkdtemp(prefix="calificador-prueba-caja-")
        try:
            done = subprocess.run(
                [sys.executable, "-m", "autograder.sandbox", "--probe", folder],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            answer = (done.stdout.strip().splitlines() or ["sin respuesta"])[-1]
        except (OSError, subprocess.SubprocessError) as error:
            answer = str(error)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        level = Isolation.NAMESPACES if answer == "ok" else Isolation.NONE
        _probe_cache["probe"] = (level, "" if answer == "ok" else answer)
    return _probe_cache["probe"]


# --- Servidores con todo importado: núcleos (zigoto) y jueces ------------------------------------


# Lo que Dask pone en el entorno de sus procesos de trabajo para ellos mismos
# (``distributed.nanny.pre-spawn-environ``) y que no debe pasar al zigoto ni al juez: con
# ``MALLOC_TRIM_THRESHOLD_=65536`` glibc devuelve la memoria al sistema en cuanto se libera, y un
# entrenamiento de Keras en el núcleo (que hereda del zigoto) gasta ~20 % más de CPU en pedirla otra vez.
WORKER_TUNING = {"MALLOC_TRIM_THRESHOLD_"}


class ForkServer:
    """Un proceso hijo que importa una vez y hace ``fork()`` por cada petición en un socket Unix."""

    def __init__(self, command: list[str], path: str) -> None:
        self.path, self.command = path, command
        self.errors = path + ".stderr"
        env = {k: v for k, v in os.environ.items() if k not in WORKER_TUNING}
        with open(self.errors, "wb") as errors:  # nunca una tubería sin lector: se bloquearía
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
                env=env,
            )

    def ready(self) -> ForkServer:
        """Espera a que escuche (la primera vez importa la lección: TensorFlow tarda)."""
        deadline = time.monotonic() + 300
        while not os.path.exists(self.path) and self.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if not os.path.exists(self.path):
            self.stop()
            with open(self.errors, "rb") as errors:
                detail = errors.read()[-2000:].decode(errors="replace")
            raise RuntimeError(f"no arrancó {self.command[2]}: {detail}")
        return self

    def alive(self) -> bool:
        """El proceso sigue vivo (quizá aún importando: :meth:`ready` espera)."""
        return self.process.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


class SharedServer(ForkServer):
    """Un servidor que arrancó otro proceso (el principal del lote, para todos sus procesos de
    trabajo): aquí solo está su socket, y lo para quien lo arrancó."""

    def __init__(self, path: str) -> None:  # noqa: D107 - sin proceso propio
        self.path, self.command, self.process, self.errors = path, ["", "", path], None, ""

    def ready(self) -> SharedServer:
        if not os.path.exists(self.path):
            raise RuntimeError(f"no está el servidor compartido {self.path}")
        return self

    def alive(self) -> bool:
        return os.path.exists(self.path)

    def stop(self) -> None:
        pass


def start_zygote(path: str, modules: list[str], threads: int) -> ForkServer:
    """El zigoto de núcleos (:func:`autograder.sandbox.zygote`) con ``modules`` importados, en ``path``."""
    return ForkServer(
        [sys.executable, "-m", "autograder.sandbox", "--zygote", path, json.dumps(modules), str(threads)], path
    )


def start_judge_server(modules: list[str]) -> ForkServer:
    """Un servidor de jueces (:func:`autograder.judge.zygote`) con ``modules`` importados, en una carpeta suya."""
    folder = tempfile.mkdtemp(prefix="calificador-juez-")
    os.chmod(folder, 0o700)
    path = os.path.join(folder, "juez.sock")
    return ForkServer([sys.executable, "-m", "autograder.judge", path, json.dumps(modules)], path)


def stop_judge_server(server: ForkServer) -> None:
    """Para un servidor de :func:`start_judge_server` y borra su carpeta."""
    server.stop()
    shutil.rmtree(os.path.dirname(server.path), ignore_errors=True)


_judge_servers: dict[tuple[str, ...], ForkServer] = {}


def judge_server(modules: list[str]) -> ForkServer:
    """El servidor de jueces de este proceso para una lista de módulos (se arranca si hace falta)."""
    key = tuple(modules)
    server = _judge_servers.get(key)
    if server is None or not server.alive():
        server = _judge_servers[key] = start_judge_server(modules)
    return server


class JudgeSession:
    """Un juez (un ``fork()`` del servidor) para un cuaderno: ``start`` y una orden ``run`` por prueba."""

    def __init__(self, server: ForkServer) -> None:
        self.conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.conn.connect(server.ready().path)

    def call(self, header: dict, timeout: float) -> dict:
        self.conn.settimeout(timeout)
        wire.send(self.conn, header)
        answer, _ = wire.receive(self.conn)
        if "error" in answer:
            raise RuntimeError(f"el juez falló: {answer['error']}\n{answer.get('traceback', '')}")
        return answer

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()


# --- Núcleo en su caja ------------------------------------------------------------------------


class SandboxKernelManager(AsyncKernelManager):
    """Lanza el núcleo con ``python -m autograder.sandbox`` (o lo pide al zigoto), por sockets Unix."""

    spec: SandboxSpec | None = None
    zygote: str = ""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        spec = type(self).spec
        self.transport = "ipc"  # dentro de la caja no hay red: ZeroMQ por sockets Unix
        self.ip = os.path.join(spec.workdir, "zmq")
        self.connection_file = os.path.join(spec.workdir, ".conexion-nucleo.json")

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        spec = type(self).spec.to_json()
        zygote = type(self).zygote
        if zygote and os.path.exists(zygote):
            return [sys.executable, "-m", "autograder.sandbox", "--via", zygote, spec, "--", *command]
        return [sys.executable, "-m", "autograder.sandbox", spec, "--", *command]


class SandboxedExecute(Execute):
    """``Execute`` de nbgrader con caja, juez, límite por cuaderno y tolerancia a núcleos muertos."""

    notebook_timeout = Float(600, help="Segundos para todo el cuaderno (0: sin límite).").tag(config=True)
    limits = Dict(help="Límites de la caja: campos de autograder.sandbox.Limits (memory, cpu...).").tag(config=True)
    isolation = Unicode(
        "auto",
        help="'auto': caja con espacios de nombres, o negarse si no se puede; 'none': sin aislamiento.",
    ).tag(config=True)
    sandbox_uid = Integer(100_000, help="Como root, el uid de la caja (-1: no cambiar de usuario).").tag(config=True)
    sandbox_root = Unicode("", help="Carpeta donde crear las carpetas de trabajo (vacío: la temporal).").tag(
        config=True
    )
    zygote = Unicode("", help="Socket del zigoto que crea núcleos con fork() (vacío: sin zigoto).").tag(config=True)
    course_root = Unicode("", help="Raíz del curso donde están los cuadernos fuente (vacío: la de nbgrader).").tag(
        config=True
    )

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self.interrupt_on_timeout = False  # al agotar el tiempo se mata la caja: ver preprocess_cell

    # --- Cuaderno ---

    def preprocess(self, nb, resources=None, km=None):
        resources = resources if resources is not None else {}
        self._notes: list[Note] = []
        self._stopped: Note | None = None
        self._judge_stats = {"cells": 0, "seconds": 0.0, "requests": 0, "agent_seconds": 0.0}
        self._frames: dict[str, list] = {}  # grade_id -> líneas del estudiante donde saltó un error
        self._deadline = time.monotonic() + self.notebook_timeout if self.notebook_timeout else None
        source = self._source_notebook(resources)
        self._tests = _trusted_tests(source)
        level = self._isolation()
        base = Path(tempfile.mkdtemp(prefix="entrega-", dir=self.sandbox_root or None))
        os.chmod(base, 0o711)
        uid = self.sandbox_uid if os.geteuid() == 0 and self.sandbox_uid >= 0 else None
        spec = SandboxSpec(
            workdir=str(base / "trabajo"),
            root_mount=str(base / "raiz"),
            isolation=level.value,
            limits=Limits(**self.limits),
            uid=uid,
            expose=_needed_paths(),
            channel=str(base / "canal"),
            read_only={
                os.path.join(str(base / "trabajo"), rel): os.path.expanduser(src)
                for rel, src in READ_ONLY_CACHES.items()
                if os.path.isdir(os.path.expanduser(src))
            },
            control=str(base / "control.json"),
            env={"NBGRADER_EXECUTION": os.environ.get("NBGRADER_EXECUTION", "autograde")},
        )
        for folder in (spec.workdir, spec.root_mount, spec.channel):
            os.makedirs(folder, mode=0o700)
        os.chmod(spec.channel, 0o755)
        _copy_lesson_files(resources.get("metadata", {}).get("path"), spec.workdir)
        self._spec = spec
        SandboxKernelManager.spec = spec
        SandboxKernelManager.zygote = self.zygote
        self._judge = None
        try:
            self._judge = self._start_judge(source, uid)
            nb, resources = super().preprocess(nb, resources, km)
        finally:
            self._kill_box()
            if self._judge is not None:
                self._judge.close()
            _log_kernel_errors(Path(spec.workdir) / ".nucleo.log")
            shutil.rmtree(base, ignore_errors=True)
        nb.metadata[METADATA_KEY] = {
            "notes": [note.to_dict() for note in self._notes],
            "isolation": level.value,
            "judge": self._judge_stats,
            "frames": self._frames,
        }
        return nb, resources

    def _start_judge(self, source, uid: int | None) -> JudgeSession | None:
        """Un juez para este cuaderno, escuchando ya antes de que arranque el núcleo."""
        from autograder.judge import modules_to_preload, trusted_setup

        if source is None or not self._tests:
            return None
        setup = trusted_setup(source)
        judge = JudgeSession(judge_server(modules_to_preload(setup)))
        env = {"NBGRADER_EXECUTION": os.environ.get("NBGRADER_EXECUTION", "autograde")}
        listen = os.path.join(self._spec.channel, SOCKET_NAME)
        judge.call({"op": "start", "listen": listen, "setup": setup, "env": env, "uid": uid}, timeout=300)
        return judge

    def _isolation(self) -> Isolation:
        if self.isolation == "none":
            return Isolation.NONE
        level, reason = probe_isolation()
        if level is Isolation.NONE:
            raise IsolationRefused(reason)
        return level

    def _source_notebook(self, resources: dict):
        """El cuaderno fuente del instructor (de ``solutions/``), de donde salen las pruebas de confianza."""
        info = resources.get("nbgrader", {})
        if not info.get("assignment") or not info.get("notebook"):
            return None
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        if self.course_root:
            coursedir.root = self.course_root
        path = Path(coursedir.format_path(coursedir.source_directory, ".", info["assignment"])) / (
            info["notebook"] + ".ipynb"
        )
        return nbformat.read(path, as_version=4) if path.exists() else None

    # --- Celdas ---

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._stopped is None and self._deadline is not None and time.monotonic() >= self._deadline:
            self._stop(Note.of(Status.NOTEBOOK_TIMEOUT, limit=self.notebook_timeout))
        if self._stopped is not None:
            cell.outputs = [_stopped_output(self._stopped, "esta celda no se ejecutó")]
            return cell, resources
        test = self._tests.get(cell.metadata.get("nbgrader", {}).get("grade_id")) if is_test(cell) else None
        test = test if self._judge is not None else None
        if test is not None:
            self._run_test(cell, test)
        else:
            self._run_in_kernel(cell, resources, index)
        self._scan_outputs(cell)
        return cell, resources

    def _run_in_kernel(self, cell, resources, index) -> None:
        try:
            super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            self._stop(self._timeout_note(cell))
            cell.outputs = [_stopped_output(self._stopped, "se detuvo en esta celda")]
        except DeadKernelError:
            self._stop(Note.of(Status.KERNEL_DIED))
            cell.outputs = [_stopped_output(self._stopped, "se detuvo en esta celda")]

    def _run_test(self, cell, test: dict) -> None:
        timeout = self._cell_timeout(cell)
        try:
            answer = self._judge.call(
                {"op": "run", "source": test["source"], "timeout": timeout, "propagate": test["propagate"]},
                timeout=timeout + 30,
            )
        except (OSError, wire.WireError, RuntimeError) as error:  # el juez murió o no respondió
            log.error("Juez: %s", error)
            self._stop(Note.of(Status.GRADER_ERROR, detail=str(error)[:300]))
            cell.outputs = [_stopped_output(self._stopped, "se detuvo en esta celda")]
            return
        outputs = [dict(output) for output in answer["outputs"]]
        for output in outputs:
            frames = output.pop("cuaderno", None)  # nbformat no admite claves propias en una salida
            if frames:
                self._frames[cell.metadata["nbgrader"]["grade_id"]] = frames
        cell.outputs = [NotebookNode(output) for output in outputs]
        self._judge_stats["cells"] += 1
        self._judge_stats["seconds"] += float(answer.get("seconds", 0))
        self._judge_stats["requests"] += int(answer.get("requests", 0))
        self._judge_stats["agent_seconds"] += float(answer.get("agent_seconds", 0))
        if answer.get("timed_out"):
            self._stop(self._timeout_note(cell))
            cell.outputs.append(_stopped_output(self._stopped, "se detuvo en esta celda"))
        elif answer.get("agent_lost"):
            if self._kernel_alive():
                self._note(Note.of(Status.INTERPRETER_MODIFIED, detail="el agente del juez dejó de responder"))
            else:
                self._stop(Note.of(Status.KERNEL_DIED))

    def _scan_outputs(self, cell) -> None:
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "SystemExit":
                self._note(Note.of(Status.SYS_EXIT))
            elif output.get("ename") == "MemoryError":
                self._note(Note.of(Status.MEMORY, limit=self._memory_mib()))

    def _note(self, note: Note) -> None:
        if note not in self._notes:
            self._notes.append(note)

    def _stop(self, note: Note) -> None:
        memory = next((n for n in self._notes if n.status == Status.MEMORY), None)
        if note.status == Status.KERNEL_DIED and memory is not None:
            note = memory  # murió después de quedarse sin memoria: esa es la causa
        self._stopped = note
        self._note(note)
        self._kill_box()

    def _timeout_note(self, cell) -> Note:
        if self._near_memory_limit():
            return Note.of(Status.MEMORY, limit=self._memory_mib())
        if self._deadline is not None and time.monotonic() >= self._deadline - 1:
            return Note.of(Status.NOTEBOOK_TIMEOUT, limit=self.notebook_timeout)
        return Note.of(Status.CELL_TIMEOUT, limit=self._cell_timeout(cell))

    def _cell_timeout(self, cell) -> int:
        if self._deadline is None:
            return self.timeout
        remaining = max(1, int(self._deadline - time.monotonic() + 0.999))
        return min(self.timeout, remaining) if self.timeout else remaining

    def _memory_mib(self) -> int:
        return int(Limits(**self.limits).memory) >> 20

    # --- Procesos de la caja ---

    def _box(self):
        return read_control(self._spec.control) if getattr(self, "_spec", None) else None

    def _kernel_alive(self) -> bool:
        box = self._box()
        return bool(box and box.kernel and os.path.exists(f"/proc/{box.kernel}"))

    def _near_memory_limit(self) -> bool:
        box, limit = self._box(), Limits(**self.limits).memory
        if box is None or not box.kernel or not limit:
            return False
        try:
            with open(f"/proc/{box.kernel}/status") as status:
                size = int(status.read().split("VmSize:")[1].split()[0]) * 1024
        except (OSError, IndexError, ValueError):
            return False
        return size >= 0.9 * limit

    def _kill_box(self) -> None:
        box = self._box()
        if box is not None:
            kill_box(box)
        process = getattr(getattr(getattr(self, "km", None), "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()


_paths: list[str] = []


def _needed_paths() -> list[str]:
    """Las rutas de Python que la caja necesita ver (se calculan una vez por proceso)."""
    from autograder.sandbox import needed_paths

    if not _paths:
        _paths.extend(needed_paths())
    return list(_paths)


def is_test(cell) -> bool:
    """Una celda de código calificada que no es de solución: una celda de prueba."""
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def _trusted_tests(source_nb) -> dict[str, dict]:
    """``grade_id -> {source, propagate}`` de las celdas de prueba del cuaderno fuente."""
    from autograder.judge import top_level_names

    tests = {}
    for cell in source_nb.cells if source_nb is not None else []:
        if not is_test(cell):
            continue
        visible = _without_hidden(cell.source)
        try:
            import ast

            names = sorted(top_level_names(ast.parse(visible)))
        except SyntaxError:
            names = []
        tests[cell.metadata["nbgrader"]["grade_id"]] = {"source": cell.source, "propagate": names}
    return tests


def _without_hidden(source: str) -> str:
    begin, end = HIDDEN_REGION
    lines, hidden = [], False
    for line in source.splitlines():
        if line.strip().startswith(begin):
            hidden = True
        elif line.strip().startswith(end):
            hidden = False
        elif not hidden:
            lines.append(line)
    return "\n".join(lines)


def _log_kernel_errors(path: Path) -> None:
    """Lo que el núcleo escribió en stderr al arrancar o al morir, al registro del calificador."""
    with contextlib.suppress(OSError):
        text = path.read_bytes()[-4000:].decode(errors="replace").strip()
        if "Traceback" in text or "Error" in text:
            log.warning("Núcleo: %s", text)


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


def _stopped_output(note: Note, where: str) -> NotebookNode:
    """El error que marca una celda que no llegó a ejecutarse (o se cortó) por ``note``."""
    evalue = json.dumps({"nota": note.to_dict(), "donde": where}, ensure_ascii=False)
    return NotebookNode(output_type="error", ename=STOPPED, evalue=evalue, traceback=[f"{STOPPED}: {where}"])


def stopped_note(output: dict) -> tuple[Note, str] | None:
    """La incidencia y el sitio de una salida de :func:`_stopped_output` (o ``None``)."""
    if output.get("ename") != STOPPED:
        return None
    try:
        data = json.loads(output.get("evalue", ""))
        return Note.from_dict(data["nota"]), str(data["donde"])
    except (ValueError, KeyError, TypeError):
        return None


class ClearMetadata(ClearMetadataPreprocessor):
    """El ``ClearMetadataPreprocessor`` de nbconvert, conservando ``nb.metadata["autograder"]``."""

    def preprocess(self, nb, resources):
        kept = nb.metadata.get(METADATA_KEY)
        nb, resources = super().preprocess(nb, resources)
        if kept is not None:
            nb.metadata[METADATA_KEY] = kept
        return nb, resources


def autograde_preprocessors() -> list:
    """La cadena de ``Autograde`` de nbgrader con la caja y el juez."""
    return [
        SandboxedExecute,
        IgnorePattern,
        ClearMetadata,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
