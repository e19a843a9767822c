"""Lanzador del núcleo de un cuaderno entregado: ``python -m autograder.sandbox SPEC -- ORDEN...``.

``SPEC`` es un JSON (lo escribe :class:`autograder.execute.SandboxKernelManager`) con:

- ``workdir``: carpeta de trabajo propia de la entrega, vacía; será el ``HOME`` y el ``cwd``.
- ``uid``/``gid``: usuario sin privilegios con el que corre el código del estudiante (si somos root).
- ``hide``: rutas que el estudiante no debe ver (``solutions/``, libros de notas, entregas de
  otros, la carpeta de resultados): en un espacio de montajes privado se tapan con un ``tmpfs``
  vacío (carpetas) o con ``/dev/null`` (archivos).
- ``memory``: límite de memoria (bytes, ``RLIMIT_AS``); ``cpu``: límite de CPU (segundos).
- ``threads``: hilos de BLAS/OpenMP; ``mpl_cache``: caché de fuentes de matplotlib a copiar.

Cada paso que no se puede dar (no somos root, no hay espacios de montajes) se omite: el núcleo
sigue funcionando con el aislamiento que sí se pudo poner (``AUTOGRADER_SANDBOX`` dice cuál).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import resource
import shutil
import sys

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = (
    1,
    2,
    4,
    32,
    4096,
    8192,
    16384,
    1 << 18,
)
# Carpetas donde suele haber archivos de otros (entregas descargadas, libros de notas, copias).
DEFAULT_HIDE = ("/tmp", "/var/tmp", "/dev/shm", "/home", "/root", "/mnt", "/media", "/srv")
# Cachés del instructor que el núcleo ve, de solo lectura, dentro de su HOME.
READ_ONLY_CACHES = {".keras/datasets": os.path.expanduser("~/.keras/datasets")}
KEEP_PREFIXES = ("CURSO_", "TF_", "KERAS_", "CUDA_", "NVIDIA_", "LC_")
KEEP_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "JUPYTER_PLATFORM_DIRS", "NBGRADER_EXECUTION", "PYTHONHASHSEED")


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _mount(libc, source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    result = libc.mount(
        source.encode(), target.encode(), fstype.encode() if fstype else None, flags, data.encode() if data else None
    )
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"mount {target}: {os.strerror(errno)}")


def _closed_ancestor(path: str) -> str | None:
    """El primer antepasado de ``path`` que otros usuarios no pueden atravesar (p. ej. ``/root``)."""
    current = "/"
    for part in os.path.abspath(path).strip("/").split("/"):
        current = os.path.join(current, part)
        if os.path.isdir(current) and not os.stat(current).st_mode & 0o001:
            return current
    return None


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def isolate(hide: list[str], expose: list[str], staging: str, read_only: dict | None = None) -> list[str]:  # noqa: C901
    """Espacio de montajes privado: tapa ``hide`` y deja ver ``expose`` aunque esté debajo.

    Una carpeta tapada recibe un ``tmpfs`` vacío, de solo lectura, con las rutas de ``expose``
    que hay debajo montadas de nuevo (la carpeta de trabajo bajo ``/tmp``, Python bajo ``/root``).
    Las carpetas que otros usuarios no pueden atravesar y que contienen algo de ``expose`` se
    tratan igual. Los archivos tapados pasan a ser ``/dev/null``.
    """
    libc = _libc()
    if libc.unshare(CLONE_NEWNS) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"unshare: {os.strerror(errno)}")
    _mount(libc, "none", "/", None, MS_REC | MS_PRIVATE)
    # Cachés de solo lectura (conjuntos de datos de Keras) que después quedarían tapadas.
    handles = {target: os.open(source, os.O_RDONLY | os.O_DIRECTORY) for target, source in (read_only or {}).items()}
    expose = [os.path.realpath(p) for p in expose if os.path.exists(p)]
    folders = {os.path.realpath(p) for p in hide if os.path.isdir(p)}
    folders |= {a for p in expose if (a := _closed_ancestor(p)) and a != p}
    files = [os.path.realpath(p) for p in hide if os.path.isfile(p)]
    covered: list[str] = []
    for n, folder in enumerate(sorted(folders, key=lambda f: (f.count("/"), f))):
        inside = [p for p in expose if _under(p, folder) and p != folder]
        if any(_under(folder, c) for c in covered) and not any(_under(folder, p) for p in expose):
            continue  # ya está tapada por una carpeta de más arriba
        if not inside:
            _mount(libc, "tmpfs", folder, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=755")
            covered.append(folder)
            continue
        target = os.path.join(staging, f".montaje-{n}")
        os.makedirs(target, exist_ok=True)
        _mount(libc, "tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
        for path in inside:
            mount_point = os.path.join(target, os.path.relpath(path, folder))
            os.makedirs(mount_point, exist_ok=True)
            _mount(libc, path, mount_point, None, MS_BIND if _under(target, path) else MS_BIND | MS_REC)
        _mount(libc, "none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        _mount(libc, target, folder, None, MS_MOVE)
        os.rmdir(target)
        covered.append(folder)
    for path in files:
        if any(_under(path, c) for c in covered) and not any(_under(path, p) for p in expose):
            continue
        _mount(libc, "/dev/null", path, None, MS_BIND)
        covered.append(path)
    for target, handle in handles.items():
        os.makedirs(target, exist_ok=True)
        _mount(libc, f"/proc/self/fd/{handle}", target, None, MS_BIND | MS_REC)
        _mount(libc, "none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(handle)
    return covered


def _needed_paths() -> list[str]:
    """Lo que el núcleo necesita leer: el intérprete, su biblioteca estándar y el venv."""
    import sysconfig

    paths = {sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))}
    paths |= {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths = sorted(os.path.realpath(p) for p in paths if p and os.path.exists(p))
    return [p for p in paths if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in paths)]


def _chown_tree(path: str, uid: int, gid: int) -> None:
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


def prepare(spec: dict, connection_file: str | None) -> tuple[dict, str | None, list[str]]:
    """Todo lo que se hace con privilegios; devuelve el entorno, la conexión copiada y notas."""
    notes = []
    workdir = spec["workdir"]
    os.makedirs(workdir, mode=0o700, exist_ok=True)
    root = os.geteuid() == 0
    config_dir = os.path.join(workdir, ".config")
    os.makedirs(os.path.join(config_dir, "matplotlib"), exist_ok=True)
    if spec.get("mpl_cache") and os.path.exists(spec["mpl_cache"]):
        shutil.copy(spec["mpl_cache"], os.path.join(config_dir, "matplotlib"))
    new_connection = None
    if connection_file:
        new_connection = os.path.join(workdir, ".conexion-nucleo.json")
        shutil.copyfile(connection_file, new_connection)
        os.chmod(new_connection, 0o600)
    drop = root and spec.get("uid") is not None
    caches = {
        os.path.join(workdir, relative): source
        for relative, source in READ_ONLY_CACHES.items()
        if os.path.isdir(source)
    }
    for target in caches:
        os.makedirs(target, exist_ok=True)
    if drop:  # antes de montar nada: los montajes de solo lectura no se tocan
        _chown_tree(workdir, spec["uid"], spec["gid"])
    if root:
        try:
            expose = [*_needed_paths(), workdir]
            isolate([*DEFAULT_HIDE, *spec.get("hide", [])], expose, workdir, caches)
            notes.append("montajes-privados")
        except OSError as error:
            notes.append(f"sin-montajes-privados ({error})")
            if drop and any(_closed_ancestor(p) for p in _needed_paths()):
                drop = False  # Python no sería legible para el otro usuario: se sigue sin cambiarlo
                notes.append("sin-cambio-de-usuario (Python está en una carpeta cerrada)")
    if drop:
        notes.append(f"uid={spec['uid']}")
    threads = str(spec.get("threads", 1))
    env = {key: value for key, value in os.environ.items() if key in KEEP_ENV or key.startswith(KEEP_PREFIXES)}
    env.update(
        HOME=workdir,
        TMPDIR=workdir,
        IPYTHONDIR=os.path.join(config_dir, "ipython"),
        MPLCONFIGDIR=os.path.join(config_dir, "matplotlib"),
        XDG_CACHE_HOME=os.path.join(workdir, ".cache"),
        JUPYTER_RUNTIME_DIR=os.path.join(workdir, ".jupyter"),
        OMP_NUM_THREADS=threads,
        OPENBLAS_NUM_THREADS=threads,
        MKL_NUM_THREADS=threads,
        TF_NUM_INTEROP_THREADS=threads,
        TF_NUM_INTRAOP_THREADS=threads,
        PYTHONDONTWRITEBYTECODE="1",
    )
    limits = []
    if spec.get("memory"):
        limits.append((resource.RLIMIT_AS, int(spec["memory"])))
    if spec.get("cpu"):
        limits.append((resource.RLIMIT_CPU, int(spec["cpu"])))
    limits += [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, 1 << 30)]
    for which, value in limits:
        try:
            _soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError) as error:
            notes.append(f"sin-límite-{which} ({error})")
    os.chdir(workdir)
    if drop:
        os.setgroups([])
        os.setgid(spec["gid"])
        os.setuid(spec["uid"])
        # Nuevos procesos del mismo usuario: como mucho unos cientos (bombas de fork).
        resource.setrlimit(resource.RLIMIT_NPROC, (512, 512))
    os.umask(0o077)
    env["AUTOGRADER_SANDBOX"] = " ".join(notes)
    return env, new_connection, notes


def run_kernel(spec: dict, command: list[str], launch_dir: str, launcher: int | None = None) -> None:
    """Prepara el aislamiento y ejecuta el núcleo de IPython en este proceso, con la guardia puesta."""
    connection = command[command.index("-f") + 1] if "-f" in command else None
    env, new_connection, _notes = prepare(spec, connection)
    if new_connection:
        command[command.index("-f") + 1] = new_connection
    if "ipykernel_launcher" not in command:
        os.execvpe(command[0], command, env)
    os.environ.clear()
    os.environ.update(env)
    sys.path[:] = [p for p in sys.path if p not in ("", ".", launch_dir)]
    kernel_args = command[command.index("ipykernel_launcher") + 1 :]
    from ipykernel.kernelapp import IPKernelApp

    from autograder import guard

    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)  # «To connect another client…» y similares no van a la terminal del calificador
    os.dup2(quiet, 2)
    if launcher:
        _follow(launcher)
    app = IPKernelApp.instance()
    app.initialize(kernel_args)
    guard.install(app.shell)
    app.start()


def _follow(launcher: int) -> None:
    """El núcleo muere si muere el proceso que lo representa ante jupyter_client."""
    import threading
    import time

    def watch():
        while True:
            time.sleep(0.3)
            try:
                os.kill(launcher, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, daemon=True).start()


# --- Zigoto: un proceso con todo importado que crea núcleos con fork() -------------------------
# Arrancar un núcleo cuesta importar ipykernel, numpy y matplotlib (más de un segundo de CPU por
# entrega). El zigoto los importa una vez; cada núcleo es un fork() suyo. jupyter_client sigue
# lanzando un proceso (``--via``), que pide el núcleo al zigoto y lo representa: reenvía las
# señales (interrupción, terminación) y termina cuando el núcleo termina.


def zygote(socket_path: str, threads: str) -> None:
    import signal
    import socket
    import traceback

    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = threads
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    import ipykernel.kernelapp  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401

    import shared  # noqa: F401
    from autograder import guard  # noqa: F401

    _libc().prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: muere con el proceso de trabajo
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    os.chmod(socket_path, 0o600)
    server.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # los núcleos terminados no quedan como zombis
    while True:
        conn, _ = server.accept()
        request = json.loads(_receive(conn))
        pid = os.fork()
        if pid == 0:
            try:
                server.close()
                conn.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.setsid()
                run_kernel(request["spec"], request["command"], request["cwd"], request["launcher"])
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
            finally:
                os._exit(1)
        conn.sendall(json.dumps({"pid": pid}).encode())
        conn.close()


def _receive(conn) -> bytes:
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def via_zygote(socket_path: str, spec: dict, command: list[str]) -> None:
    import signal
    import socket
    import time

    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(socket_path)
    request = {"spec": spec, "command": command, "cwd": os.getcwd(), "launcher": os.getpid()}
    conn.sendall(json.dumps(request).encode())
    conn.shutdown(socket.SHUT_WR)
    pid = json.loads(_receive(conn))["pid"]
    conn.close()

    def forward(signum, _frame):
        with contextlib.suppress(OSError):
            os.kill(pid, signum)
        if signum != signal.SIGINT:
            sys.exit(1)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    while True:
        time.sleep(0.1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit(0)
        except PermissionError:
            pass


def main(argv: list[str]) -> None:
    if argv[0] == "--zygote":
        zygote(argv[1], argv[2])
        return
    if argv[0] == "--via":
        via_zygote(argv[1], json.loads(argv[2]), argv[argv.index("--") + 1 :])
        return
    run_kernel(json.loads(argv[0]), argv[argv.index("--") + 1 :], os.getcwd())


if __name__ == "__main__":
    main(sys.argv[1:])
