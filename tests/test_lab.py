"""`make lab`: JupyterLab sobre course/, en español, sin la ventana de noticias y con nbgrader.

Las primeras pruebas hablan con el servidor por HTTP; la última abre una lección en Chromium sin
ventana, ejecuta su preparación y la comprobación del ejercicio 1 y busca los textos en español en
la página (sin Chromium se salta; CI lo instala en .ci/run).
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from autograder.course import REPO
from tests.browser import cell, chromium_page, http_get, open_notebook, run_cell, running_lab, screenshot
from tests.browser import skip_without_browser as require_browser
from tests.notebooks import (
    fill_answers,
    nbgrader_meta,
    read,
    released_notebook,
    solution_cells,
    solved,
    source_notebook,
)

SCHEMAS = REPO / ".venv" / "share" / "jupyter" / "lab" / "schemas" / "@jupyterlab"


@pytest.fixture(scope="module")
def lab():
    with running_lab() as base:
        yield base


def test_lab_opens_on_the_student_course(lab):
    _, body = http_get(f"{lab}/api/contents")
    names = {item["name"] for item in json.loads(body)["content"]}
    assert {p.name for p in (REPO / "course").iterdir() if p.is_dir()} <= names
    assert "solutions" not in names


def test_nbgrader_lab_extension_is_enabled(lab):
    _, page = http_get(f"{lab}/lab")
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

    status, _ = http_get(lab + endpoint.format(version=nbgrader.__version__))
    assert status == 200


@pytest.mark.parametrize(
    ("plugin", "setting", "upstream", "course"),
    [
        ("translation-extension:plugin", "locale", "default", "es_ES"),
        ("apputils-extension:notification", "fetchNews", "none", "false"),
        ("apputils-extension:notification", "checkForUpdates", True, False),
    ],
)
def test_lab_defaults_to_spanish_and_no_news(lab, plugin, setting, upstream, course):
    """JupyterLab trae otro valor por defecto (``upstream``); `make lab` sirve el del curso."""
    package, name = plugin.split(":")
    shipped = json.loads((SCHEMAS / package / f"{name}.json").read_text())
    assert shipped["properties"][setting]["default"] == upstream
    _, body = http_get(f"{lab}/lab/api/settings/@jupyterlab/{plugin}")
    assert json.loads(body)["schema"]["properties"][setting]["default"] == course


def test_the_spanish_language_pack_is_installed(lab):
    _, body = http_get(f"{lab}/lab/api/translations/")
    assert "es_ES" in json.loads(body)["data"]
    _, body = http_get(f"{lab}/lab/api/translations/es_ES")
    assert json.loads(body)["data"]["jupyterlab"]["New File"] == ["Archivo nuevo"]


def test_a_lesson_runs_in_spanish_in_a_real_browser(tmp_path):
    """Lección 01 con el ejercicio 1 resuelto: preparación, ejercicio y comprobación, en Chromium."""
    require_browser()
    lesson = "01_perceptron"
    released = read(released_notebook(lesson))
    answer = solved(solution_cells(read(source_notebook(lesson)))["weighted_sum"].source)
    nbformat.write(fill_answers(released, {"weighted_sum": answer}), tmp_path / f"{lesson}.ipynb")
    ids = [nbgrader_meta(c).get("grade_id") for c in released.cells]
    set_up = next(i for i, c in enumerate(released.cells) if c.cell_type == "code")
    exercise, check = ids.index("weighted_sum"), ids.index("test_weighted_sum")

    with running_lab(tmp_path) as base, chromium_page() as page:
        open_notebook(page, base, f"{lesson}.ipynb")
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert "Archivo" in menus, menus
        assert "Nbgrader" in menus, menus
        for index in (set_up, exercise, check):
            run_cell(page, index)
        assert "Semilla: 42" in cell(page, set_up).locator(".jp-OutputArea").inner_text()
        message = cell(page, check).get_by_text("Ejercicio 1: ¡todas las comprobaciones pasaron!")
        message.wait_for(state="visible", timeout=10_000)
        path = screenshot(page, "leccion_01_en_espanol")
        toasts = page.locator(".Toastify__toast").all_inner_texts()
        assert not [t for t in toasts if re.search(r"news|noticias|update|actualiz", t, re.I)], (toasts, path)
