"""`make lab` arranca JupyterLab sobre course/ con las extensiones de nbgrader (sin navegador)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from autograder.course import REPO

TOKEN = "prueba-sin-navegador"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


@pytest.fixture(scope="module")
def lab():
    port = _free_port()
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN} --ServerApp.open_browser=False"
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{base}/api/status")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.poll() is not None else "(sigue en marcha)"
                    pytest.fail(f"`make lab` no arrancó JupyterLab:\n{output[-3000:]}")
                time.sleep(0.5)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def test_lab_opens_on_the_student_course(lab):
    _, body = _get(f"{lab}/api/contents")
    names = {item["name"] for item in json.loads(body)["content"]}
    assert {p.name for p in (REPO / "course").iterdir() if p.is_dir()} <= names
    assert "solutions" not in names


def test_nbgrader_lab_extension_is_enabled(lab):
    _, page = _get(f"{lab}/lab")
    config = json.loads(
        re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    federated = {ext["name"] for ext in config.get("federated_extensions", [])}
    assert "@jupyter/nbgrader" in federated
    disabled = config.get("disabledExtensions", [])
    assert not any(str(d).startswith("@jupyter/nbgrader") for d in disabled)


@pytest.mark.parametrize("endpoint", ["/nbgrader_version?version={version}", "/formgrader/api/status"])
def test_nbgrader_server_extensions_answer(lab, endpoint):
    import nbgrader

    status, _ = _get(lab + endpoint.format(version=nbgrader.__version__))
    assert status == 200
