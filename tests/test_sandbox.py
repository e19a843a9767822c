"""La caja por dentro: qué ve, qué puede hacer y qué no, como root y como usuario sin privilegios.

Cada prueba lanza ``python -m autograder.sandbox SPEC -- python -c SONDA`` y la sonda cuenta, en
JSON, lo que ve desde dentro.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.course import REPO
from autograder.sandbox import Limits, SandboxSpec, needed_paths
from tests.unprivileged import unprivileged_user

PROBE = r"""
import json, os, resource, socket, sys
seen = {}
seen["repo"] = sorted(os.listdir(sys.argv[1])) if os.path.isdir(sys.argv[1]) else None
seen["git"] = os.path.exists(os.path.join(sys.argv[1], ".git"))
seen["solutions"] = os.path.exists(os.path.join(sys.argv[1], "solutions"))
seen["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
seen["uid"] = os.getuid()
status = open("/proc/self/status").read()
seen["caps"] = [l.split()[1] for l in status.splitlines() if l.startswith("CapEff")][0]
seen["no_new_privs"] = [l.split()[1] for l in status.splitlines() if l.startswith("NoNewPrivs")][0]
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    seen["net"] = "conecta"
except OSError as error:
    seen["net"] = type(error).__name__
try:
    os.kill(-1, 9)
    seen["kill"] = "envió"
except OSError as error:
    seen["kill"] = type(error).__name__
children = 0
try:
    for _ in range(1000):
        pid = os.fork()
        if pid == 0:
            import time
            time.sleep(5)
            os._exit(0)
        children += 1
except OSError:
    pass
seen["forks"] = children
try:
    with open(os.path.join(os.environ["HOME"], "grande"), "wb") as f:
        f.write(b"0" * (3 << 20))
    seen["big_file"] = "escrito"
except OSError as error:
    seen["big_file"] = type(error).__name__
try:
    block = bytearray(900 << 20)
    seen["memory"] = "reservada"
except MemoryError:
    seen["memory"] = "MemoryError"
print(json.dumps(seen))
"""


def run_probe(prefix: list[str], env: dict | None, base: Path) -> dict:
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o755)
    for name in ("trabajo", "raiz"):
        (base / name).mkdir()
        os.chmod(base / name, 0o777)
    spec = SandboxSpec(
        workdir=str(base / "trabajo"),
        root_mount=str(base / "raiz"),
        limits=Limits(memory=600 << 20, processes=20, file_size=1 << 20),
        uid=100_321 if os.geteuid() == 0 and not prefix else None,
        expose=needed_paths(),
    )
    outside = subprocess.Popen(["sleep", "30"])  # kill(-1) desde la caja no debe alcanzarlo
    try:
        command = [sys.executable, "-m", "autograder.sandbox", spec.to_json(), "--"]
        command += [sys.executable, "-c", PROBE, str(REPO)]
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, env=env, timeout=120)
        assert outside.poll() is None, "kill(-1) desde la caja mató un proceso de fuera"
    finally:
        outside.send_signal(signal.SIGKILL)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def check_box(seen: dict) -> None:
    venv = [Path(sys.prefix).name] if Path(sys.prefix).parent == REPO else []
    assert seen["repo"] == sorted(["shared", *venv]), f"la caja ve del repositorio: {seen['repo']}"
    assert not seen["git"]
    assert not seen["solutions"]
    assert seen["pids"] == [1, 2], "la caja solo ve su init y su propio proceso"
    assert seen["caps"] == "0000000000000000"
    assert seen["no_new_privs"] == "1"
    assert seen["net"] in ("OSError", "ConnectionError") or "Error" in seen["net"], seen["net"]
    assert seen["kill"] == "ProcessLookupError"
    assert seen["forks"] < 20, f"{seen['forks']} procesos: el límite era 20"
    assert seen["big_file"] == "OSError"
    assert seen["memory"] == "MemoryError"


def test_the_box_as_the_grader_user(tmp_path):
    """Como root (CI): espacios de nombres sin espacio de usuario, y un uid propio."""
    seen = run_probe([], None, Path(tempfile.mkdtemp(prefix="caja-")))
    check_box(seen)
    if os.geteuid() == 0:
        assert seen["uid"] == 100_321


def test_the_box_as_an_unprivileged_user(tmp_path):
    """Como un instructor sin root: espacio de usuario propio, mismo encierro."""
    base = Path(tempfile.mkdtemp(prefix="caja-usuario-"))
    os.chmod(base, 0o755)
    with unprivileged_user(base / "casa") as (runuser, env):
        seen = run_probe(runuser, env, base / "caja")
    check_box(seen)


def test_probe_says_why_when_there_is_no_isolation(monkeypatch):
    from autograder import sandbox

    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    result = sandbox.probe(tempfile.mkdtemp())
    assert result.isolation is sandbox.Isolation.NONE
    assert "darwin" in result.reason
