"""Lectura de cuadernos nbgrader para las pruebas: celdas, regiones de solución y respuestas."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import nbformat

from autograder.course import REPO, lessons

SOLUTION_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*\n?", re.S | re.M)
HIDDEN_REGION = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.S | re.M
)


def source_notebook(lesson: str, root: Path = REPO) -> Path:
    return root / "solutions" / lesson / f"{lesson}.ipynb"


def released_notebook(lesson: str, root: Path = REPO) -> Path:
    return root / "course" / lesson / f"{lesson}.ipynb"


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("solution")}


def graded_cells(nb) -> dict[str, float]:
    """``grade_id -> puntos`` de las celdas que se califican solas (las de código)."""
    return {
        nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"]
        for c in nb.cells
        if nbgrader_meta(c).get("grade") and c.cell_type == "code"
    }


def written_questions(nb) -> dict[str, float]:
    """``grade_id -> puntos`` de las preguntas escritas (se corrigen a mano, en formgrader)."""
    return {
        nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"]
        for c in nb.cells
        if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution") and c.cell_type == "markdown"
    }


def solved(source: str) -> str:
    """El código de una celda de solución tal como lo escribiría un estudiante (sin marcadores)."""
    return SOLUTION_REGION.sub(lambda m: m.group(1), source)


def fill_answers(released, answers: dict[str, str]):
    """Copia del cuaderno publicado con el código de ``answers`` en las celdas de solución."""
    nb = nbformat.from_dict(json.loads(json.dumps(released)))
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def wrong_answers_module(lesson: str):
    """El módulo ``tests/wrong_answers/<lección>.py``."""
    return importlib.import_module(f"tests.wrong_answers.{lesson_module(lesson)}")


def wrong_answers(lesson: str) -> list[dict]:
    """Las respuestas erróneas plausibles de ``tests/wrong_answers/<lección>.py``."""
    return wrong_answers_module(lesson).WRONG_ANSWERS


def tests_by_exercise(nb) -> dict[str, list[str]]:
    """``ejercicio -> celdas de prueba`` que vienen detrás de él (hasta el siguiente ejercicio)."""
    owners: dict[str, list[str]] = {}
    current = None
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            current = meta["grade_id"]
            owners.setdefault(current, [])
        elif meta.get("grade") and cell.cell_type == "code" and current is not None:
            owners[current].append(meta["grade_id"])
    return owners


def dependents(builds_on: dict[str, list[str]]) -> dict[str, set[str]]:
    """``ejercicio -> ejercicios que lo usan`` (también indirectamente) a partir de ``BUILDS_ON``."""
    users: dict[str, set[str]] = {}
    for exercise, bases in builds_on.items():
        for base in bases:
            users.setdefault(base, set()).add(exercise)
    changed = True
    while changed:
        changed = False
        for base, direct in list(users.items()):
            closure = set(direct)
            for user in direct:
                closure |= users.get(user, set())
            if closure != direct:
                users[base] = closure
                changed = True
    return users


def lesson_module(lesson: str) -> str:
    return "lesson_" + lesson


def wrong_code(answer: dict, solutions: dict[str, str]) -> str:
    """El código erróneo de ``answer``: ``code`` entero, o la solución con ``replace`` aplicado."""
    if "code" in answer:
        return answer["code"]
    code = solutions[answer["cell"]]
    for old, new in answer["replace"]:
        if old not in code:
            raise AssertionError(
                f"La respuesta errónea {answer['why']!r} reemplaza {old!r}, que no está en la solución."
            )
        code = code.replace(old, new)
    return code


def secret_lines(lesson_names: list[str], root: Path = REPO):
    """``(lección, línea)`` de las regiones de solución y de pruebas ocultas que no son públicas.

    Una línea que alguna lección muestra fuera de esas regiones (un enunciado, una celda de
    ejemplo) no es secreta; tampoco las muy cortas (< 12 caracteres) ni los comentarios.
    """
    regions = (SOLUTION_REGION, HIDDEN_REGION)
    sources = {lesson: read(source_notebook(lesson, root)).cells for lesson in lesson_names}
    public = "\n".join(
        HIDDEN_REGION.sub("", SOLUTION_REGION.sub("", c.source)) for cells in sources.values() for c in cells
    )
    for lesson, cells in sources.items():
        for cell in cells:
            for region in regions:
                for match in region.finditer(cell.source):
                    for line in match.group(1).splitlines():
                        line = line.strip()
                        if len(line) >= 12 and not line.startswith("#") and line not in public:
                            yield lesson, line


def tree_text(folder: Path) -> str:
    """Todo el texto de una carpeta; de los cuadernos, el código y el texto de sus celdas."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        parts.append(
            "\n".join(c.source for c in read(path).cells)
            if path.suffix == ".ipynb"
            else path.read_text(errors="ignore")
        )
    return "\n".join(parts)


MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")

__all__ = ["REPO", "lessons"]
