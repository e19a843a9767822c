"""Aislamiento del código del estudiante con espacios de nombres de Linux, como root o sin serlo.

Una entrega se ejecuta dentro de una *caja*: un grupo de procesos con

- su propia vista del sistema de archivos: una raíz nueva (``tmpfs``) en la que solo aparecen,
  de solo lectura, el sistema (``/usr``, ``/etc``…), el intérprete de Python, el entorno virtual
  y el paquete ``shared``, más la carpeta de trabajo de la entrega (lectura y escritura). El
  repositorio (``.git``, ``solutions/``), los libros de notas, las demás entregas y los
  resultados no existen dentro;
- su propio espacio de PID (``kill(-1)`` solo alcanza a la caja; ``/proc`` solo la muestra a
  ella), sin red (el núcleo habla con el calificador por sockets Unix, el transporte ``ipc`` de
  ZeroMQ), y sus propios IPC y nombre de máquina;
- límites de memoria, CPU, procesos y tamaño de archivo (``setrlimit``), y sin privilegios:
  como root, cada caja corre con un uid propio; sin root, en un espacio de usuario propio del
  que se quitan todas las capacidades. Con ``no_new_privs`` los programas setuid no sirven.

Como root se usan los espacios de nombres directamente; sin root, primero un espacio de usuario
(``unshare(CLONE_NEWUSER)``, lo normal en Linux: :func:`probe` lo comprueba). Se hace desde
Python y después de ``fork()``, en vez de con bubblewrap, para que los núcleos sigan saliendo
del *zigoto* con numpy, ``shared`` y TensorFlow ya importados (bubblewrap solo sabe lanzar un
programa nuevo, que volvería a pagar esas importaciones en cada entrega).

Dentro de la caja hay dos procesos nuestros: el ``init`` (PID 1), que solo recoge procesos
huérfanos, y el núcleo (PID 2). Matar al ``init`` mata la caja entera.

Órdenes: ``python -m autograder.sandbox SPEC -- ORDEN…`` (núcleo lanzado de cero),
``--zygote SOCKET SPEC`` (servidor de núcleos) y ``--via SOCKET SPEC -- ORDEN…`` (el proceso que
jupyter_client cree que es el núcleo, cuando lo crea el zigoto).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import enum
import json
import os
import resource
import select
import signal
import socket
import sys
from dataclasses import asdict, dataclass, field

# --- Especificación -----------------------------------------------------------------------------


class Isolation(enum.Enum):
    """Nivel de aislamiento con el que corre el código del estudiante."""

    NAMESPACES = "espacios-de-nombres"  # caja completa (root o espacio de usuario)
    NONE = "sin-aislamiento"  # solo límites; el instructor lo pidió con --sin-aislamiento


@dataclass
class Limits:
    """Límites de una caja. El único sitio donde se declaran: de la línea de órdenes al núcleo.

    Args:
        memory: bytes de memoria virtual por proceso (``RLIMIT_AS``); 0 sin límite.
        cpu: segundos de CPU por proceso (``RLIMIT_CPU``); 0 sin límite.
        processes: procesos que la caja puede tener a la vez (``RLIMIT_NPROC``).
        file_size: bytes del mayor archivo que puede escribir (``RLIMIT_FSIZE``).
        tmp_size: bytes del ``/tmp`` de la caja (``tmpfs``).
        threads: hilos de BLAS/OpenMP/TensorFlow.
    """

    memory: int = 8 << 30
    cpu: int = 0
    processes: int = 256
    file_size: int = 256 << 20
    tmp_size: int = 256 << 20
    threads: int = 1


@dataclass
class SandboxSpec:
    """Todo lo que la caja necesita saber, del calificador al núcleo (JSON entre procesos).

    Args:
        workdir: carpeta de trabajo de la entrega (``HOME``, ``cwd``, sockets); vacía.
        root_mount: carpeta vacía donde montar la raíz nueva de la caja.
        isolation: :class:`Isolation` (su valor).
        limits: :class:`Limits`.
        uid: como root, el usuario sin privilegios de la caja; sin root se ignora.
        expose: rutas visibles de solo lectura además del sistema: el intérprete, el venv y
            ``shared`` (:func:`needed_paths`, que calcula quien crea la caja, no su ``init``).
        channel: carpeta (del calificador) visible de solo lectura dentro de la caja, con el socket
            en el que escucha el juez: el estudiante no puede cambiarlo por otro.
        read_only: ``destino -> origen``: carpetas del instructor visibles de solo lectura dentro
            de ``workdir`` (p. ej. los conjuntos de datos de Keras ya descargados).
        control: archivo (fuera de la caja) donde el lanzador escribe los PID del ``init`` y del
            núcleo, para que el calificador mida su memoria y los mate.
        env: variables de entorno extra para el núcleo.
    """

    workdir: str
    root_mount: str = ""
    isolation: str = Isolation.NAMESPACES.value
    limits: Limits = field(default_factory=Limits)
    uid: int | None = None
    expose: list[str] = field(default_factory=list)
    channel: str = ""
    read_only: dict[str, str] = field(default_factory=dict)
    control: str = ""
    env: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SandboxSpec:
        data = json.loads(text)
        data["limits"] = Limits(**data.get("limits", {}))
        return cls(**data)


class SandboxError(OSError):
    """No se pudo montar la caja (y el instructor no pidió correr sin aislamiento)."""


# --- Llamadas al sistema (Python 3.11 no tiene os.unshare ni os.mount) ----------------------

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(os.uname().machine, 155)
# Marcas de un montaje que un espacio de usuario no puede quitar al volver a montarlo.
LOCKED_FLAGS = {
    os.ST_NOSUID: MS_NOSUID,
    os.ST_NODEV: MS_NODEV,
    os.ST_NOEXEC: MS_NOEXEC,
    os.ST_NOATIME: 1024,
    os.ST_NODIRATIME: 2048,
    os.ST_RELATIME: 1 << 21,
}
SYSTEM_PATHS = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc", "/opt/conda")
DEVICES = ("null", "zero", "full", "random", "urandom")
KEEP_PREFIXES = ("CURSO_", "TF_", "KERAS_", "CUDA_", "NVIDIA_", "LC_")
KEEP_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "JUPYTER_PLATFORM_DIRS", "NBGRADER_EXECUTION", "PYTHONHASHSEED")

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise SandboxError(errno, f"{what}: {os.strerror(errno)}")


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)), f"mount {target}")


def _prctl(option: int, value: int) -> int:
    return _libc.prctl(option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Quita todas las capacidades (también del conjunto límite) y activa ``no_new_privs``."""
    _check(_prctl(PR_SET_NO_NEW_PRIVS, 1), "prctl(NO_NEW_PRIVS)")
    for cap in range(64):
        if _prctl(PR_CAPBSET_DROP, cap) != 0:
            break  # EINVAL: no hay más capacidades
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")


def die_with_parent(parent: int | None = None) -> None:
    """SIGKILL a este proceso cuando muera su padre. Cambiar de uid lo borra: hay que volver a ponerlo.

    Args:
        parent: el PID del padre esperado; si ya no lo es (murió antes de llegar aquí), se sale ya.
    """
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


# --- Vista del sistema de archivos ------------------------------------------------------------


def needed_paths() -> list[str]:
    """Lo que el núcleo necesita leer: el intérprete, su biblioteca estándar, el venv y ``shared``."""
    import sysconfig

    import shared

    paths = {sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))}
    paths |= {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths.add(os.path.dirname(os.path.realpath(shared.__file__)))
    paths = sorted(os.path.realpath(p) for p in paths if p and os.path.exists(p))
    return [p for p in paths if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in paths)]


def _bind_read_only(root: str, path: str, target: str | None = None) -> None:
    target = root + (target or path)
    if os.path.isdir(path):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    _mount(path, target, None, MS_BIND | MS_REC)
    flags = os.statvfs(path).f_flag
    locked = sum(ms for st, ms in LOCKED_FLAGS.items() if flags & st)
    _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | locked)


def build_view(spec: SandboxSpec) -> None:
    """Raíz nueva en ``spec.root_mount`` con lo imprescindible, y ``pivot_root`` a ella.

    Debe llamarse dentro de los espacios de montajes y de PID nuevos (``/proc`` muestra solo
    los procesos de la caja).
    """
    root = os.path.realpath(spec.root_mount)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=755")
    for tmp in ("/tmp", "/dev/shm"):  # antes que nada: la carpeta de trabajo suele estar bajo /tmp
        os.makedirs(root + tmp, exist_ok=True)
        _mount("tmpfs", root + tmp, "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec.limits.tmp_size},mode=1777")
    for path in SYSTEM_PATHS:
        if os.path.islink(path):
            os.symlink(os.readlink(path), root + path)
        elif os.path.exists(path):
            _bind_read_only(root, path)
    for path in sorted({os.path.realpath(p) for p in spec.expose if os.path.exists(p)}):
        if not any(path.startswith(s + "/") or path == s for s in SYSTEM_PATHS if os.path.isdir(s)):
            _bind_read_only(root, path)
    workdir = os.path.realpath(spec.workdir)
    os.makedirs(root + workdir, exist_ok=True)
    _mount(workdir, root + workdir, None, MS_BIND | MS_REC)
    for target, source in spec.read_only.items():
        if os.path.isdir(source):
            _bind_read_only(root, os.path.realpath(source), os.path.join(workdir, os.path.relpath(target, workdir)))
    if spec.channel:
        _bind_read_only(root, os.path.realpath(spec.channel))
    os.makedirs(root + "/dev", exist_ok=True)
    for name in DEVICES:
        open(f"{root}/dev/{name}", "a").close()
        _mount(f"/dev/{name}", f"{root}/dev/{name}", None, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1")):
        os.symlink(target, f"{root}/dev/{name}")
    os.symlink("/proc/self/fd/2", f"{root}/dev/stderr")
    os.makedirs(root + "/proc", exist_ok=True)
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    old = root + "/.raiz-anterior"
    os.makedirs(old, exist_ok=True)
    _check(_libc.syscall(SYS_PIVOT_ROOT, root.encode(), old.encode()), "pivot_root")
    os.chdir("/")
    _check(_libc.umount2(b"/.raiz-anterior", MNT_DETACH), "umount2")
    os.rmdir("/.raiz-anterior")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


# --- Límites y entorno ------------------------------------------------------------------------


def apply_limits(spec: SandboxSpec) -> None:
    """``setrlimit`` de memoria, CPU, procesos, tamaño de archivo y volcados de memoria."""
    given = spec.limits
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, given.file_size)]
    if given.memory:
        limits.append((resource.RLIMIT_AS, given.memory))
    if given.cpu:
        limits.append((resource.RLIMIT_CPU, given.cpu))
    if spec.isolation == Isolation.NAMESPACES.value:
        # En un espacio de usuario propio (o con un uid propio, como root) la cuenta empieza en la caja.
        limits.append((resource.RLIMIT_NPROC, given.processes))
    for which, value in limits:
        _soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))


def kernel_environment(spec: SandboxSpec) -> dict[str, str]:
    """El entorno del núcleo: sin las variables del instructor, con ``HOME`` en su carpeta."""
    env = {key: value for key, value in os.environ.items() if key in KEEP_ENV or key.startswith(KEEP_PREFIXES)}
    config = os.path.join(spec.workdir, ".config")
    threads = str(spec.limits.threads)
    env.update(
        HOME=spec.workdir,
        TMPDIR=spec.workdir,
        IPYTHONDIR=os.path.join(config, "ipython"),
        MPLCONFIGDIR=os.path.join(config, "matplotlib"),
        XDG_CACHE_HOME=os.path.join(spec.workdir, ".cache"),
        JUPYTER_RUNTIME_DIR=os.path.join(spec.workdir, ".jupyter"),
        OMP_NUM_THREADS=threads,
        OPENBLAS_NUM_THREADS=threads,
        MKL_NUM_THREADS=threads,
        TF_NUM_INTEROP_THREADS=threads,
        TF_NUM_INTRAOP_THREADS=threads,
        PYTHONDONTWRITEBYTECODE="1",
        AUTOGRADER_ISOLATION=spec.isolation,
    )
    env.update(spec.env)
    return env


# --- Entrar en la caja ------------------------------------------------------------------------


@dataclass
class Box:
    """Los procesos de una caja vistos desde fuera (PID del sistema)."""

    init: int
    kernel: int


def enter(spec: SandboxSpec, report) -> None:
    """Convierte este proceso en el núcleo de una caja nueva; vuelve solo en el núcleo.

    Este proceso crea los espacios de nombres y hace ``fork()``: el hijo es el ``init`` de la
    caja (PID 1), que monta la vista y hace otro ``fork()``: el nieto es el núcleo (PID 2), el
    único que vuelve de esta función, ya sin privilegios y con los límites puestos. El proceso
    original se queda fuera, llama a ``report(Box)`` y vigila la caja (:func:`_supervise`): nunca
    vuelve.

    Args:
        spec: la caja que hay que montar.
        report: función que recibe el :class:`Box` (p. ej. para escribirlo en ``spec.control``).

    Raises:
        SandboxError: si no se pudieron crear los espacios de nombres (antes de ningún fork).
    """
    if spec.isolation == Isolation.NONE.value:
        apply_limits(spec)
        os.makedirs(spec.workdir, exist_ok=True)
        os.chdir(spec.workdir)
        report(Box(init=os.getpid(), kernel=os.getpid()))
        return
    uid, gid = os.geteuid(), os.getegid()
    # Este proceso solo entra en los espacios de usuario y de PID (este último, para sus hijos): se
    # queda con la vista del sistema de archivos de fuera. El init crea el resto (montajes, red…).
    _unshare(CLONE_NEWPID if uid == 0 else CLONE_NEWPID | CLONE_NEWUSER)
    if uid != 0:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as handle:
                handle.write(text)
    ready_read, ready_write = os.pipe()
    init = os.fork()
    if init:
        os.close(ready_write)
        data = os.read(ready_read, 64)
        os.close(ready_read)
        try:
            inner = int(data or b"0")
        except ValueError:
            inner = 0
        box = Box(init=init, kernel=_child_of(init) if inner else 0)
        report(box)
        _supervise(box)
    os.close(ready_read)
    try:
        die_with_parent()
        os.setsid()
        _unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
        build_view(spec)
        kernel = os.fork()
    except BaseException as error:  # noqa: BLE001 - el init no vuelve nunca
        with contextlib.suppress(OSError):
            os.write(2, f"caja: {error}\n".encode())
        os._exit(70)
    if kernel:
        os.write(ready_write, str(kernel).encode())
        os.close(ready_write)
        parent = os.getppid()
        _drop_privileges(spec, chown=False)
        die_with_parent(parent)
        _reap_until(kernel)
    os.close(ready_write)
    apply_limits(spec)
    _drop_privileges(spec)
    die_with_parent(1)  # el init de la caja
    os.chdir(spec.workdir)
    os.umask(0o077)


def _drop_privileges(spec: SandboxSpec, chown: bool = True) -> None:
    """Como root, el uid propio de la caja (pierde las capacidades); sin root, quitarlas todas."""
    if os.geteuid() == 0 and spec.uid is not None:
        if chown:
            _chown_tree(spec.workdir, spec.uid)
        try:
            os.setgroups([])
            os.setgid(spec.uid)
            os.setuid(spec.uid)
        except OSError:  # root de un contenedor sin ese uid: se queda en 0, sin capacidades
            pass
    drop_capabilities()


def _chown_tree(path: str, uid: int) -> None:
    """La carpeta de trabajo pasa a ser del usuario de la caja (los montajes de solo lectura, no)."""
    for root, _dirs, files in os.walk(path):
        with contextlib.suppress(OSError):
            os.chown(root, uid, uid)
        for name in files:
            with contextlib.suppress(OSError):
                os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)


def _child_of(pid: int) -> int:
    """El PID (del sistema) del primer hijo de ``pid``."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            children = handle.read().split()
        return int(children[0]) if children else 0
    except (OSError, ValueError):
        return 0


def _reap_until(kernel: int) -> None:
    """El ``init`` de la caja: recoge huérfanos y termina (con toda la caja) cuando acaba el núcleo."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    status = 1
    while True:
        try:
            pid, code = os.wait()
        except ChildProcessError:
            os._exit(status)
        if pid == kernel:
            os._exit(os.waitstatus_to_exitcode(code) & 0xFF)


def _supervise(box: Box, watch: int | None = None) -> None:
    """Fuera de la caja: espera al ``init``; si muere ``watch`` (quien nos lanzó), mata la caja."""
    fds = {os.pidfd_open(box.init): "init"}
    if watch:
        with contextlib.suppress(ProcessLookupError):
            fds[os.pidfd_open(watch)] = "watch"

    def stop(signum, _frame):
        if signum == signal.SIGINT:
            if box.kernel > 0:
                with contextlib.suppress(OSError):
                    os.kill(box.kernel, signal.SIGINT)
            return
        kill_box(box)
        os._exit(1)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, stop)
    while True:
        try:
            ready, _, _ = select.select(list(fds), [], [])
        except InterruptedError:
            continue
        if any(fds[fd] == "watch" for fd in ready):
            kill_box(box)
        _pid, code = os.waitpid(box.init, 0)
        os._exit(os.waitstatus_to_exitcode(code) & 0xFF)


def kill_box(box: Box) -> None:
    """Mata la caja entera (al morir su ``init`` el sistema mata el resto)."""
    for pid in (box.init, box.kernel):
        if pid > 0:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def write_control(spec: SandboxSpec, box: Box) -> None:
    if spec.control:
        with open(spec.control + ".tmp", "w") as handle:
            json.dump({"init": box.init, "kernel": box.kernel}, handle)
        os.replace(spec.control + ".tmp", spec.control)


def read_control(path: str) -> Box | None:
    try:
        with open(path) as handle:
            return Box(**json.load(handle))
    except (OSError, ValueError, TypeError):
        return None


# --- Comprobación previa ----------------------------------------------------------------------


@dataclass
class Probe:
    isolation: Isolation
    reason: str = ""


def probe(workdir: str) -> Probe:
    """¿Se puede montar una caja aquí? Lo prueba de verdad en un proceso hijo.

    Args:
        workdir: una carpeta vacía donde ensayar (se crean dentro ``trabajo/`` y ``raiz/``).

    Returns:
        ``Probe(NAMESPACES)`` o ``Probe(NONE, motivo)`` (macOS, espacios de usuario desactivados…).
    """
    if not sys.platform.startswith("linux"):
        return Probe(Isolation.NONE, f"el sistema es {sys.platform}, no Linux")
    spec = SandboxSpec(
        workdir=os.path.join(workdir, "trabajo"), root_mount=os.path.join(workdir, "raiz"), expose=needed_paths()
    )
    for path in (spec.workdir, spec.root_mount):
        os.makedirs(path, exist_ok=True)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            enter(spec, lambda box: None)
            os.write(write, b"ok")
        except BaseException as error:  # noqa: BLE001
            os.write(write, str(error).encode()[:500])
        os._exit(0)
    os.close(write)
    answer = b""
    while chunk := os.read(read, 4096):
        answer += chunk
    os.close(read)
    os.waitpid(pid, 0)
    if answer == b"ok":
        return Probe(Isolation.NAMESPACES)
    return Probe(Isolation.NONE, answer.decode(errors="replace") or "la caja no llegó a arrancar")


# --- Núcleo de IPython dentro de la caja ------------------------------------------------------


def run_kernel(spec: SandboxSpec, command: list[str]) -> None:
    """Ya dentro de la caja: arranca el agente del juez y el núcleo de IPython en este proceso."""
    env = kernel_environment(spec)
    for folder in (env["MPLCONFIGDIR"], env["IPYTHONDIR"]):
        os.makedirs(folder, exist_ok=True)
    if "ipykernel_launcher" not in command:
        os.execvpe(command[0], command, env)
    os.environ.clear()
    os.environ.update(env)
    sys.path[:] = [p for p in sys.path if p not in ("", ".")]
    kernel_args = command[command.index("ipykernel_launcher") + 1 :]
    from ipykernel.kernelapp import IPKernelApp

    from autograder import agent

    log = os.open(os.path.join(spec.workdir, ".nucleo.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)  # «To connect another client…» y los errores del arranque: al registro, no a la terminal
    os.dup2(log, 2)
    app = IPKernelApp.instance()
    # Dentro de la caja el padre del núcleo es el init (PID 1): el vigilante de ipykernel creería que
    # el padre murió. De eso ya se encarga _supervise desde fuera.
    app.parent_handle = 0
    app.initialize(kernel_args)
    if spec.channel:
        agent.start(app.shell, os.path.join(spec.channel, agent.SOCKET_NAME))
    app.start()


def _launch(spec: SandboxSpec, command: list[str], watch: int | None) -> None:
    """Monta la caja y ejecuta el núcleo; el proceso de fuera vigila (y sale con la caja)."""
    if "ipykernel_launcher" in command:  # dentro de la caja el paquete autograder no se ve
        os.environ.pop("JPY_PARENT_PID", None)  # ipykernel lo lee al importarse (ver run_kernel)
        import ipykernel.kernelapp  # noqa: F401

        from autograder import agent  # noqa: F401

    def report(box: Box) -> None:
        write_control(spec, box)
        if spec.isolation == Isolation.NONE.value:
            return
        _supervise(box, watch)

    enter(spec, report)
    run_kernel(spec, command)


# --- Zigoto: un proceso con todo importado que crea núcleos con fork() -------------------------
# Arrancar un núcleo cuesta importar ipykernel, numpy, matplotlib y, en las lecciones de Keras,
# TensorFlow (varios segundos de CPU por entrega). El zigoto lo importa una vez; cada núcleo es un
# fork() suyo que monta su caja. jupyter_client sigue lanzando un proceso (``--via``), que pide el
# núcleo al zigoto y lo representa: reenvía la interrupción y mata la caja si él muere.


def preload(modules: list[str], threads: int) -> None:
    """Importa lo que todos los núcleos van a necesitar (en el orden dado: torch antes que TF)."""
    import importlib

    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["TF_NUM_INTRAOP_THREADS"] = os.environ["TF_NUM_INTEROP_THREADS"] = str(threads)
    import ipykernel.kernelapp  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401

    import shared
    from autograder import agent  # noqa: F401

    if any(m in ("tensorflow", "keras") for m in modules):
        shared.runtime.quiet_logs()
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def zygote(socket_path: str, modules: list[str], threads: int) -> None:
    """Sirve núcleos: por cada petición, ``fork()``; el hijo monta la caja y arranca el núcleo."""
    preload(modules, threads)
    die_with_parent()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    os.chmod(socket_path, 0o600)
    server.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # los hijos terminados no quedan como zombis
    while True:
        conn, _ = server.accept()
        try:
            conn.settimeout(10)
            request = json.loads(_receive(conn))
            spec = SandboxSpec.from_json(request["spec"])
            command, watch = list(request["command"]), int(request["watch"])
        except (OSError, ValueError, KeyError, TypeError) as error:  # una petición rota no para el zigoto
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"error": str(error)[:500]}).encode() + b"\n")
            conn.close()
            continue
        if os.fork() == 0:
            _serve_kernel(server, conn, spec, command, watch)
        conn.close()


def _serve_kernel(server, conn, spec: SandboxSpec, command: list[str], watch: int) -> None:
    """En el hijo del zigoto: monta la caja, responde con sus PID y arranca (o vigila) el núcleo."""
    try:
        server.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()

        def report(box: Box) -> None:
            write_control(spec, box)
            conn.sendall(json.dumps({"init": box.init, "kernel": box.kernel}).encode() + b"\n")
            conn.close()
            if spec.isolation != Isolation.NONE.value:
                _supervise(box, watch)

        enter(spec, report)
        conn.close()  # el núcleo heredó el socket: que no quede abierto dentro de la caja
        run_kernel(spec, command)
    except BaseException as error:  # noqa: BLE001
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps({"error": f"{type(error).__name__}: {error}"[:500]}).encode() + b"\n")
    finally:
        os._exit(1)


def _receive(conn) -> bytes:
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
        if sum(map(len, chunks)) > 1 << 20:
            raise ValueError("petición demasiado grande")
    return b"".join(chunks)


def _receive_line(conn) -> bytes:
    data = b""
    while b"\n" not in data and (chunk := conn.recv(4096)):
        data += chunk
    return data.split(b"\n")[0]


def via_zygote(socket_path: str, spec: SandboxSpec, command: list[str]) -> None:
    """El proceso que ve jupyter_client: pide el núcleo al zigoto y vive mientras viva la caja."""
    # Si muere el calificador que nos lanzó (un proceso de trabajo de Dask matado), morimos y
    # _supervise mata la caja: ningún núcleo sigue vivo sin nadie que lo espere.
    die_with_parent()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(socket_path)
    conn.sendall(json.dumps({"spec": spec.to_json(), "command": command, "watch": os.getpid()}).encode())
    conn.shutdown(socket.SHUT_WR)
    answer = json.loads(_receive_line(conn) or b"{}")
    conn.close()
    if "init" not in answer:
        sys.stderr.write(f"zigoto: {answer.get('error', 'sin respuesta')}\n")
        sys.exit(1)
    box = Box(init=int(answer["init"]), kernel=int(answer["kernel"]))

    def forward(signum, _frame):
        if signum == signal.SIGINT:
            if box.kernel > 0:
                with contextlib.suppress(OSError):
                    os.kill(box.kernel, signal.SIGINT)
            return
        kill_box(box)
        sys.exit(1)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    try:
        fd = os.pidfd_open(box.init)
    except ProcessLookupError:
        sys.exit(0)
    while True:
        try:
            select.select([fd], [], [])
            sys.exit(0)
        except InterruptedError:
            continue


def main(argv: list[str]) -> None:
    if argv[0] == "--probe":
        result = probe(argv[1])
        print("ok" if result.isolation is Isolation.NAMESPACES else result.reason.replace("\n", " "))
        return
    if argv[0] == "--zygote":
        zygote(argv[1], json.loads(argv[2]), int(argv[3]))
        return
    if argv[0] == "--via":
        via_zygote(argv[1], SandboxSpec.from_json(argv[2]), argv[argv.index("--") + 1 :])
        return
    _launch(SandboxSpec.from_json(argv[0]), argv[argv.index("--") + 1 :], watch=os.getppid())


if __name__ == "__main__":
    main(sys.argv[1:])
