"""course/ es exactamente lo que nbgrader genera desde solutions/, sin soluciones ni pruebas ocultas."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from autograder.course import REPO, api, load_config
from tests import notebooks

LESSONS = notebooks.lessons()


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    """Publica todas las lecciones en un curso temporal y devuelve su raíz."""
    root = tmp_path_factory.mktemp("publicacion")
    shutil.copytree(REPO / "solutions", root / "solutions")
    nbgrader = api(load_config(root))
    from autograder.course import venv_on_path

    with venv_on_path():
        for lesson in LESSONS:
            result = nbgrader.generate_assignment(lesson, force=True, create=True)
            assert result["success"], result.get("error")
    return root


def _files(folder):
    return sorted(
        p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts
    )


@pytest.mark.parametrize("lesson", LESSONS)
def test_course_is_a_fresh_release_of_solutions(fresh_release, lesson):
    committed, fresh = REPO / "course" / lesson, fresh_release / "course" / lesson
    assert _files(committed) == _files(fresh), "course/ tiene otros archivos: ejecuta `make release`"
    for relative in _files(fresh):
        if relative.suffix == ".ipynb":
            same = json.loads((committed / relative).read_text()) == json.loads((fresh / relative).read_text())
        else:
            same = (committed / relative).read_bytes() == (fresh / relative).read_bytes()
        assert same, f"course/{lesson}/{relative} no coincide con solutions/: ejecuta `make release`"


def test_every_lesson_is_released():
    assert sorted(p.name for p in (REPO / "course").iterdir() if p.is_dir()) == LESSONS


def test_no_solution_or_hidden_test_text_in_course():
    course_text = notebooks.tree_text(REPO / "course")
    for marker in notebooks.MARKERS:
        assert marker not in course_text
    leaked = [(lesson, line) for lesson, line in notebooks.secret_lines(LESSONS) if line in course_text]
    assert not leaked, f"Texto de soluciones o pruebas ocultas en course/: {leaked[:5]}"


def test_the_leak_check_sees_solution_lines():
    """La comprobación anterior no es vacía: hay líneas secretas en todas las lecciones."""
    assert {lesson for lesson, _ in notebooks.secret_lines(LESSONS)} == set(LESSONS)


@pytest.mark.parametrize("folder", ["solutions", "course"])
def test_notebooks_are_stored_without_outputs(folder):
    dirty = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / folder).rglob("*.ipynb"))
        for cell in notebooks.read(path).cells
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"Cuadernos guardados con salidas: {sorted(set(dirty))}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_nbgrader_metadata_is_complete(lesson):
    nb = notebooks.read(notebooks.source_notebook(lesson))
    ids = [notebooks.nbgrader_meta(c)["grade_id"] for c in nb.cells if notebooks.nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), "grade_id repetido"
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        assert meta, "metadatos nbgrader vacíos: nbgrader aborta con ellos"
        assert meta.get("schema_version") == 3
        if meta.get("grade"):
            assert meta.get("points", 0) > 0, f"{meta['grade_id']} no tiene puntos"
        if meta.get("grade") and not meta.get("solution"):
            assert meta.get("locked"), f"{meta['grade_id']} no está bloqueada"
        if meta.get("grade") and meta.get("solution"):
            assert cell.cell_type == "markdown", f"{meta['grade_id']}: las respuestas escritas son markdown"
        if meta.get("solution"):
            assert notebooks.SOLUTION_REGION.search(cell.source), f"{meta['grade_id']} sin ### BEGIN SOLUTION"
    assert notebooks.graded_cells(nb), "la lección no tiene celdas calificadas"
    assert notebooks.solution_cells(nb), "la lección no tiene ejercicios"


def test_environment_yml_pip_list_equals_requirements():
    def entries(lines):
        return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]

    requirements = entries((REPO / "requirements.txt").read_text().splitlines())
    yml = (REPO / "environment.yml").read_text()
    pip_block = yml.split("- pip:", 1)[1]
    pip_list = [re.sub(r"^-\s+", "", line.strip()) for line in pip_block.splitlines() if line.strip().startswith("- ")]
    assert pip_list == requirements
