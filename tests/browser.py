"""Pruebas con un navegador de verdad: el JupyterLab de `make lab` y Chromium sin ventana.

- :func:`running_lab` arranca `make lab` (sin navegador, en un puerto libre, con un *token*) y
  devuelve su dirección; con ``root_dir`` sirve otra carpeta en lugar de course/.
- :func:`chromium_page` abre Chromium de Debian (``/usr/bin/chromium``) con Playwright; si falta
  Chromium o Playwright, la prueba se salta y dice por qué. Playwright no descarga navegadores aquí.
- :func:`open_notebook` y :func:`run_cell` manejan un cuaderno como lo haría una persona.

Las capturas se guardan en ``build/capturas/`` (fuera de git) para poder mirarlas.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from autograder.course import REPO

TOKEN = "prueba-sin-navegador"
SCREENSHOTS = REPO / "build" / "capturas"
# Sin red ni servicios de Google: en una máquina sin conexión, Chromium se queda esperando sin ellos.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str) -> tuple[int, str]:
    """``(estado, cuerpo)`` de una petición GET al servidor de Jupyter con el *token* de las pruebas."""
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def running_lab(root_dir: Path | None = None, timeout: float = 120) -> Iterator[str]:
    """Arranca ``make lab`` y devuelve su dirección (``http://127.0.0.1:PUERTO``); lo para al salir.

    ``root_dir`` cambia la carpeta que sirve (``LAB_ROOT`` del Makefile; por defecto, course/).

    Los ajustes de usuario y los espacios de trabajo van a una carpeta temporal: la prueba ve los
    valores por defecto del curso, no lo que alguien cambió en su JupyterLab.
    """
    port = free_port()
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN} --ServerApp.open_browser=False"
    with tempfile.TemporaryDirectory(prefix="lab-usuario-") as home:
        env = {
            **os.environ,
            "MAKEFLAGS": "",
            "JUPYTERLAB_SETTINGS_DIR": f"{home}/user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": f"{home}/workspaces",
        }
        log_path = Path(home) / "lab.log"  # un archivo, no una tubería: una tubería llena bloquearía el servidor
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [
                    "make",
                    "--no-print-directory",
                    "lab",
                    f"LAB_ARGS={args}",
                    *([f"LAB_ROOT={root_dir}"] if root_dir else []),
                ],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
                env=env,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    http_get(f"{base}/api/status")
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        _stop(process)
                        pytest.fail(f"`make lab` no arrancó JupyterLab:\n{log_path.read_text()[-3000:]}")
                    time.sleep(0.3)
            yield base
        finally:
            _stop(process)


def chromium_executable() -> str | None:
    """El Chromium de Debian (``apt-get install chromium``), o ``None`` si no está."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def skip_without_browser() -> str:
    """La ruta de Chromium; si falta Chromium o Playwright, salta la prueba con el motivo."""
    executable = chromium_executable()
    if executable is None:
        pytest.skip("No hay Chromium: instálalo con `apt-get install -y chromium` (CI lo hace en .ci/run).")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Falta el paquete playwright (está en requirements.txt: `make install`).")
    return executable


@contextmanager
def chromium_page(width: int = 1400, height: int = 1000):
    """Una página de Chromium sin ventana, con un perfil nuevo y vacío."""
    executable = skip_without_browser()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-perfil-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
            locale="es-ES",
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)
            yield page
        finally:
            context.close()


def open_notebook(page, base: str, path: str, timeout: float = 90_000) -> None:
    """Abre ``path`` (relativo a la raíz del servidor) en JupyterLab y espera a que su núcleo esté libre."""
    page.goto(f"{base}/lab/tree/{path}?token={TOKEN}")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=timeout)
    wait_kernel_idle(page, timeout=timeout)


KERNEL_NAME = "Python 3 (curso)"  # el núcleo que registra `make install`
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # el cuaderno de la pestaña visible


def wait_kernel_idle(page, timeout: float = 90_000) -> None:
    """Espera a que el cuaderno visible esté conectado a su núcleo y este libre.

    El indicador de ejecución dice «idle» también un momento antes de haber núcleo («No Kernel»):
    por eso se exige además el nombre del núcleo del curso en la barra.
    """
    page.wait_for_function(
        """name => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const kernel = panel && panel.querySelector('.jp-Toolbar-kernelName');
            const state = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
            return kernel && kernel.textContent.trim() === name && state && state.dataset.status === 'idle';
        }""",
        arg=KERNEL_NAME,
        timeout=timeout,
        polling=200,
    )


def cell(page, index: int):
    """La celda ``index`` (desde 0, contando las de texto) del cuaderno visible."""
    return page.locator(f"{NOTEBOOK} .jp-Notebook .jp-Cell").nth(index)


def run_cell(page, index: int, timeout: float = 120_000) -> None:
    """Selecciona la celda ``index``, la ejecuta (botón ▶ de la barra) y espera a que termine."""
    target = cell(page, index)
    target.locator(".jp-InputArea-prompt").click()
    page.locator(f"{NOTEBOOK} .jp-NotebookPanel-toolbar [data-command='notebook:run-cell-and-select-next']").click()
    prompt = target.locator(".jp-InputArea-prompt")
    page.wait_for_function(
        "el => /\\[\\d+\\]/.test(el.textContent)", arg=prompt.element_handle(), timeout=timeout, polling=100
    )


def screenshot(page_or_locator, name: str) -> Path:
    """Guarda una captura PNG en ``build/capturas/<name>.png`` y devuelve su ruta."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page_or_locator.screenshot(path=str(path))
    return path
