"""Calificar un lote en Dask (``dask.distributed``): en este ordenador o en un clúster.

:func:`autograder.grading.grade_batch` reparte las entregas con :func:`grade`, siempre por aquí:

- :func:`connect` da el clúster: un ``LocalCluster`` de ``jobs`` procesos con un hilo cada uno (lo
  normal, en el portátil o el servidor del profesorado) o uno que ya existe, por su dirección
  (``tcp://nodo:8786``), por su archivo de planificador (``dask scheduler --scheduler-file``) o como
  objeto (un ``SLURMCluster`` de dask-jobqueue, un ``KubeCluster`` de dask-kubernetes).
- :class:`LessonPlugin` es lo que cada proceso de trabajo de Dask necesita, y viaja una vez por
  proceso: la lección publicada (el cuaderno fuente con las pruebas ocultas, ``course/`` y su libro
  de notas) como un ``tar`` en memoria. Al llegar, el proceso la desempaqueta en una carpeta
  temporal suya y arranca su zigoto de núcleos y su servidor de jueces
  (:func:`autograder.grading._worker_init`); en el ``LocalCluster`` usa los que el proceso principal
  arrancó para todos al empezar el lote (:func:`autograder.grading.lesson_servers`). Los nodos del
  clúster solo necesitan el proyecto instalado: nunca ``solutions/`` en un disco compartido.
- :func:`grade_task` es la tarea, una por entrega: :func:`autograder.grading._grade_one` en ese
  proceso (la caja, los límites y los estados son los mismos que en local). En un clúster que no es
  el local, los bytes de la entrega viajan con la tarea (:class:`Carried`, leídos aquí con el mismo
  límite de tamaño); en el local se leen en el proceso de trabajo.
- Los resultados vuelven según terminan (``as_completed``). Si un proceso de trabajo muere, Dask
  reintenta su entrega una vez en otro (``allowed-failures``); si vuelve a morir, la entrega se
  informa con :attr:`autograder.outcome.Status.WORKER_LOST`. Nunca se pierde una fila.

El libro de notas, ``grades.csv`` y la retroalimentación los escribe solo el proceso principal; los
registros de los procesos de trabajo vuelven con cada resultado y van a ``calificador.log``, igual
que los de Dask: en la terminal solo quedan la barra de progreso y el resumen.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import os
import shutil
import tarfile
import tempfile
import threading
import traceback
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

from distributed import WorkerPlugin

from autograder import intake
from autograder.outcome import Note, Status

# Una entrega cuyo proceso de trabajo murió se reintenta una vez; si vuelve a morir, WORKER_LOST.
RETRIES = 1
# Configuración de Dask del LocalCluster (el planificador corre en este proceso).
LOCAL_CONFIG = {
    "distributed.scheduler.allowed-failures": RETRIES,
    # Una entrega por proceso a la vez: las tareas duran segundos, adelantar la siguiente no ayuda y
    # repartiría mal el final del lote.
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.admin.tick.limit": "60s",  # importar TensorFlow bloquea un momento: no es un aviso
    "distributed.worker.profile.enabled": False,  # el perfilador muestrea cada 10 ms: CPU que no califica
    # Los procesos de trabajo nacen con fork() de un servidor que ya importó el calificador (ver
    # start_worker_server): cada uno se ahorra importar nbgrader, Dask y el calificador (2,5 s de CPU).
    "distributed.worker.multiprocessing-method": "forkserver",
}
# Lo que el servidor de procesos de trabajo importa una vez (lo que usan LessonPlugin y _grade_one).
WORKER_PRELOAD = [
    "distributed",
    "autograder.cluster",
    "autograder.grading",
    "autograder.execute",
    "autograder.judge",
    "nbgrader.apps.api",
    "nbgrader.converters.autograde",
]
# Bytes de entregas que viajan a la vez hacia un clúster remoto (se leen según se envían).
CARRIED_BYTES = 256 << 20
log = logging.getLogger("autograder")


class ClusterUnavailable(RuntimeError):
    """No se pudo conectar con el clúster de Dask indicado."""

    def __init__(self, address: str, reason: str) -> None:
        super().__init__(
            f"No se pudo conectar con el clúster de Dask {address!r} ({reason}). Comprueba que el "
            "planificador está en marcha (`dask scheduler`) y que la dirección o el archivo de "
            "planificador son correctos. / Could not connect to the Dask cluster."
        )


# --- El clúster -------------------------------------------------------------------------------


def start_worker_server() -> None:
    """Arranca ya el servidor del que nacen los procesos de trabajo del ``LocalCluster``.

    Es el «forkserver» de ``multiprocessing``, que Dask usa con ``multiprocessing-method:
    forkserver``: un proceso de un solo hilo que importa :data:`WORKER_PRELOAD` una vez y hace
    ``fork()`` por cada proceso de trabajo (también los que Dask reinicia si uno muere). Llamarlo al
    empezar el lote importa todo eso mientras este proceso publica la lección; después no cuesta
    nada: el servidor dura lo que este proceso. Las variables que Dask pone antes de crear un proceso
    de trabajo (``distributed.nanny.pre-spawn-environ``) se ponen aquí, porque los procesos heredan
    el entorno del servidor y no el de este proceso.
    """
    import multiprocessing.forkserver
    import unittest.mock

    import dask
    from distributed.utils import get_mp_context

    with dask.config.set(LOCAL_CONFIG):
        context = get_mp_context()  # Dask fija su lista; la nuestra la sustituye
        environ = {k: str(v) for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()}
    context.set_forkserver_preload(WORKER_PRELOAD)
    with unittest.mock.patch.dict(os.environ, environ):
        multiprocessing.forkserver.ensure_running()  # si ya está en marcha, no hace nada


@contextlib.contextmanager
def connect(cluster=None, jobs: int = 1) -> Iterator[tuple[object, bool]]:
    """Un cliente de Dask y si el clúster es el nuestro (``LocalCluster`` creado aquí).

    Args:
        cluster: ``None`` (un ``LocalCluster`` de ``jobs`` procesos), una dirección
            (``tcp://nodo:8786``), la ruta de un archivo de planificador, un objeto ``Cluster``
            (``SLURMCluster``, ``KubeCluster``…) o un ``Client``.
        jobs: procesos de trabajo del ``LocalCluster``.

    Yields:
        ``(client, local)``: ``local`` es ``True`` si el clúster se creó aquí (y se cierra al salir).

    Raises:
        ClusterUnavailable: no se pudo conectar con ``cluster``.
    """
    import dask
    from distributed import Client, LocalCluster

    if cluster is None:
        start_worker_server()
        with dask.config.set(LOCAL_CONFIG):
            local = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                memory_limit=0,  # la memoria la limita la caja de cada entrega
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        try:
            with Client(local, set_as_default=False) as client:
                yield client, True
        finally:
            local.close()
        return
    if isinstance(cluster, Client):
        yield cluster, False
        return
    try:
        if hasattr(cluster, "scheduler_address"):  # un objeto Cluster
            client = Client(cluster, set_as_default=False)
        elif os.path.isfile(os.path.expanduser(str(cluster))):
            client = Client(scheduler_file=os.path.expanduser(str(cluster)), set_as_default=False)
        else:
            client = Client(str(cluster), set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterUnavailable(str(cluster), f"{type(error).__name__}: {error}") from error
    with client:
        yield client, False


@contextlib.contextmanager
def _dask_logs_to(log_file: Path | None) -> Iterator[None]:
    """Los registros de Dask de este proceso (planificador, niñeras) a ``calificador.log``, no a la terminal."""
    logger = logging.getLogger("distributed")
    saved = logger.handlers[:], logger.level, logger.propagate
    handler = logging.FileHandler(log_file, encoding="utf-8") if log_file else logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"distributed(\.|$)")
            yield
    finally:
        logger.handlers[:], level, logger.propagate = saved[0], saved[1], saved[2]
        logger.setLevel(level)
        handler.close()


# --- Lo que vive en cada proceso de trabajo ---------------------------------------------------


def pack(folder: Path) -> bytes:
    """El contenido de ``folder`` como un ``tar.gz`` en memoria."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as archive:
        archive.add(folder, arcname=".")
    return buffer.getvalue()


class _Buffer(logging.Handler):
    """Guarda los registros del proceso de trabajo hasta que vuelven con el siguiente resultado."""

    def __init__(self, worker: str) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter(f"trabajador {worker}: %(name)s %(message)s"))
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.lines.append((record.levelno, self.format(record)))

    def drain(self) -> list[tuple[int, str]]:
        self.acquire()
        try:
            lines, self.lines = self.lines, []
        finally:
            self.release()
        return lines


_LOGGERS = ("", "traitlets", "autograder")
_one_at_a_time = threading.Lock()  # un proceso de trabajo califica una entrega a la vez


class LessonPlugin(WorkerPlugin):
    """Estado de un proceso de trabajo de Dask para un lote (un ``WorkerPlugin``).

    Viaja una vez a cada proceso (también a los que se unen o se reinician durante el lote). En
    ``setup`` desempaqueta la lección en una carpeta propia y arranca el zigoto y el juez; en
    ``teardown`` (al acabar el lote o cerrarse el proceso) los para y borra sus carpetas.

    Args:
        lesson: la lección.
        bundle: :func:`pack` del curso de plantilla (``solutions/<lección>``, ``course/<lección>`` y
            el libro de notas de la publicación).
        settings: :class:`autograder.grading.Settings` del lote.
        scratch: carpeta del proceso principal donde crear las de cada proceso de trabajo (solo en el
            ``LocalCluster``: así se borran aunque un proceso muera); ``None``: la temporal del nodo.
        sandbox_root: ídem para las carpetas de trabajo de las cajas.
        shared: en el ``LocalCluster``, los sockets del zigoto y del juez que arrancó el proceso
            principal para todos (:func:`autograder.grading.lesson_servers`); ``None``: los suyos.
    """

    idempotent = False

    def __init__(
        self,
        lesson: str,
        bundle: bytes,
        settings,
        scratch: str | None,
        sandbox_root: str | None,
        shared: dict[str, str] | None = None,
    ) -> None:
        self.lesson, self.bundle, self.settings = lesson, bundle, settings
        self.scratch, self.sandbox_root, self.shared = scratch, sandbox_root, shared
        self.name = f"calificador-{lesson}-{uuid.uuid4().hex[:10]}"
        self.state: dict | None = None

    def setup(self, worker=None) -> None:
        """En el proceso de trabajo (su hilo principal): la lección y los servidores, listos para :meth:`grade`."""
        self.state, self._owned, self._lock_fd = None, [], None
        self.log = _Buffer(str(getattr(worker, "name", os.getpid())))
        try:
            self._prepare()
        except BaseException:
            self.teardown(worker)
            raise

    def _prepare(self) -> None:
        from autograder.grading import _worker_init

        for name in _LOGGERS:
            logging.getLogger(name).addHandler(self.log)
        logging.captureWarnings(True)  # los avisos de nbgrader y SQLAlchemy, al registro y no a la terminal
        folder = tempfile.mkdtemp(prefix="calificador-trabajador-", dir=self.scratch)
        self._owned.append(folder)
        os.chmod(folder, 0o700)
        sandbox_root = self.sandbox_root
        if sandbox_root is None:
            sandbox_root = tempfile.mkdtemp(prefix="calificador-nucleos-")
            self._owned.append(sandbox_root)
            os.chmod(sandbox_root, 0o711)
        root = Path(folder) / "curso"
        with tarfile.open(fileobj=io.BytesIO(self.bundle), mode="r:gz") as archive:
            archive.extractall(root, filter="data")
        slot = self._claim_slot()
        self.state = _worker_init(root, self.lesson, self.settings, slot, sandbox_root, self.log, self.shared)

    def _claim_slot(self) -> int:
        """Un número libre en esta máquina entre los procesos del lote: su uid de caja (como root) es único."""
        import fcntl

        base = self.settings.sandbox_uid
        if base is None or base < 0 or os.geteuid() != 0:
            return 0
        for slot in range(64):
            path = os.path.join(tempfile.gettempdir(), f"calificador-uid-{base + slot}.lock")
            fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self._lock_fd = fd  # el cerrojo dura lo que el proceso (o hasta teardown)
            return slot
        raise RuntimeError("más de 64 procesos de trabajo del mismo lote en una máquina")

    def grade(self, submission: intake.Submission) -> dict:
        """Califica una entrega en este proceso; los registros que dejó vuelven en ``"log"``."""
        from autograder import grading

        with _one_at_a_time:
            try:
                if self.state.get("zygote") is not None:
                    self.state["zygote"].ready()  # la primera vez espera a que importe la lección
                if grading._worker.get("root") != self.state["root"]:  # otro lote pasó por este proceso
                    grading._worker.clear()
                    grading._worker.update(self.state)
                outcome = grading._grade_one(submission)
            except Exception:  # noqa: BLE001 - se informa como error del calificador
                outcome = {"error": traceback.format_exc(), "notes": submission.notes}
            outcome["log"] = self.log.drain()
            return outcome

    def teardown(self, worker=None) -> None:
        """Para el zigoto y el juez de este lote y borra sus carpetas."""
        from autograder import execute, grading

        state = self.state or {}
        if state.get("zygote") is not None:
            state["zygote"].stop()  # los compartidos (SharedServer) los para el proceso principal
        if state.get("judge") is not None:
            execute._judge_servers.pop(tuple(state.get("modules", ())), None)
            if not isinstance(state["judge"], execute.SharedServer):
                execute.stop_judge_server(state["judge"])
        if grading._worker.get("root") == state.get("root"):
            grading._worker.clear()
        if getattr(self, "log", None) is not None:
            for name in _LOGGERS:
                logging.getLogger(name).removeHandler(self.log)
            logging.captureWarnings(False)
        for folder in getattr(self, "_owned", []):
            shutil.rmtree(folder, ignore_errors=True)
        if getattr(self, "_lock_fd", None) is not None:
            os.close(self._lock_fd)
        self.state = None


def grade_task(plugin_name: str, submission: intake.Submission) -> dict:
    """La tarea de Dask: califica ``submission`` con el estado del lote de este proceso de trabajo."""
    from distributed import get_worker

    plugin = get_worker().plugins.get(plugin_name)
    if plugin is None or getattr(plugin, "state", None) is None:
        raise RuntimeError(f"este proceso de trabajo no preparó la lección ({plugin_name})")
    return plugin.grade(submission)


# --- El lote, desde el proceso principal ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Carried:
    """Una entrega leída aquí, con el mismo límite de tamaño, para un clúster que no ve nuestros archivos.

    Sus bytes (o el error al leerlos) viajan con la tarea; en el proceso de trabajo hace de
    :class:`autograder.intake.Locator` para :func:`autograder.intake.read_notebook`, que anota las
    mismas incidencias (demasiado grande, no es un cuaderno…) que en local.
    """

    data: bytes = b""
    error: BaseException | None = None

    @classmethod
    def load(cls, locator: intake.Locator, limit: int) -> Carried:
        try:
            return cls(locator.read(limit))
        except Exception as error:  # noqa: BLE001 - read_notebook lo convierte en su incidencia
            return cls(b"", error)

    def read(self, limit: int) -> bytes:
        if self.error is not None:
            raise self.error
        if len(self.data) > limit:
            raise intake.TooBig(len(self.data))
        return self.data


def grade(
    submissions: list[intake.Submission],
    *,
    lesson: str,
    template: Path,
    settings,
    jobs: int,
    cluster=None,
    workspace: Path | None = None,
    sandbox_root: Path | None = None,
    log_file: Path | None = None,
    servers: dict | None = None,
) -> Iterator[tuple[intake.Submission, dict]]:
    """Califica ``submissions`` en Dask y da ``(entrega, resultado)`` según terminan.

    Args:
        submissions: las entregas calificables (:func:`autograder.intake.collect`).
        lesson: la lección.
        template: el curso de plantilla con la lección publicada (viaja una vez a cada proceso).
        settings: :class:`autograder.grading.Settings`.
        jobs: procesos del ``LocalCluster`` (si no se da ``cluster``).
        cluster: ver :func:`connect`; ``None``: un ``LocalCluster`` en esta máquina.
        workspace: carpeta temporal del lote (en el ``LocalCluster``, la de cada proceso cuelga de ella).
        sandbox_root: carpeta de las cajas (en el ``LocalCluster``).
        log_file: ``calificador.log``: los registros de Dask y de los procesos de trabajo.
        servers: en el ``LocalCluster``, el zigoto y el juez de :func:`autograder.grading.lesson_servers`,
            compartidos por todos los procesos de trabajo.

    Yields:
        ``(entrega, resultado)``; el resultado es el de :func:`autograder.grading._grade_one`, o
        ``{"error": …}`` o una nota ``WORKER_LOST``: nunca falta una entrega.

    Raises:
        ClusterUnavailable: no se pudo conectar con ``cluster``.
    """
    with connect(cluster, max(1, min(jobs, len(submissions)))) as (client, local), _dask_logs_to(log_file):
        plugin = LessonPlugin(
            lesson,
            pack(template),
            settings,
            str(workspace) if local and workspace else None,
            str(sandbox_root) if local and sandbox_root else None,
            {name: server.path for name, server in servers.items()} if local and servers else None,
        )
        log.info("Dask: %s (%s)", client.scheduler.address, "LocalCluster" if local else "clúster existente")
        try:
            client.register_plugin(plugin, name=plugin.name)
            for server in (servers or {}).values() if local else ():
                server.ready()  # importan la lección desde el principio del lote; si no arrancan, se dice aquí
        except Exception as error:  # noqa: BLE001 - un lote sin procesos preparados: cada entrega lo dice
            log.error("Los procesos de trabajo no pudieron preparar %s:\n%s", lesson, traceback.format_exc())
            for submission in submissions:
                yield submission, {"error": f"{type(error).__name__}: {error}", "notes": submission.notes}
            return
        try:
            yield from _stream(client, plugin.name, submissions, carry=not local, limit=settings.intake.notebook_bytes)
        finally:
            with contextlib.suppress(Exception):
                client.unregister_worker_plugin(plugin.name)


def _stream(client, name: str, submissions, carry: bool, limit: int):
    """Envía una tarea por entrega (con sus bytes si ``carry``, sin pasar de :data:`CARRIED_BYTES` a la vez)."""
    from distributed import as_completed

    waiting = list(reversed(submissions))
    running: dict = {}
    carried = 0
    batch = as_completed(loop=client.loop)

    def submit_more() -> None:
        nonlocal carried
        while waiting and (not running or carried < CARRIED_BYTES):
            submission = sent = waiting.pop()
            size = 0
            if carry and submission.locator is not None:
                sent = dataclasses.replace(submission, locator=Carried.load(submission.locator, limit))
                size = len(sent.locator.data)
            future = client.submit(
                grade_task, name, sent, key=f"{name}-{submission.student_id}", pure=False, retries=RETRIES
            )
            running[future] = (submission, size)
            carried += size
            batch.add(future)

    submit_more()
    for future in batch:
        submission, size = running.pop(future)
        carried -= size
        submit_more()
        yield submission, _outcome(future, submission)


def _outcome(future, submission: intake.Submission) -> dict:
    """El resultado de una tarea terminada; si su proceso de trabajo murió (dos veces), ``WORKER_LOST``."""
    from distributed import KilledWorker

    try:
        outcome = future.result()
    except KilledWorker as error:
        log.error("Entrega %s: %s", submission.student_id, error)
        return {"notes": [*submission.notes, Note.of(Status.WORKER_LOST, tries=error.allowed_failures + 1)]}
    except Exception as error:  # noqa: BLE001 - la tarea falló o se canceló: error del calificador
        detail = f"{type(error).__name__}: {error}".strip()
        return {"error": detail or "la tarea de Dask se canceló", "notes": submission.notes}
    for level, line in outcome.pop("log", []):
        log.log(level, "%s", line)
    log.info("Entrega %s: %.1f s", submission.student_id, outcome.get("seconds", 0.0))
    return outcome
