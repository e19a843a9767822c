"""Preguntas escritas: el calificador las deja pendientes y el profesorado las corrige en formgrader.

Una lección mínima (un ejercicio con su prueba y una pregunta escrita) se califica con el
calificador por lotes: ``grades.csv`` da la nota automática, los puntos pendientes y un estado que lo
dice; la retroalimentación muestra la pregunta como «pendiente de corrección»; el libro de notas la
marca para corregir a mano y el cuaderno calificado está donde formgrader lo busca. Después se pone
la nota a mano con la API de nbgrader (lo que hace formgrader) y ``python -m autograder export``
vuelve a escribir ``grades.csv``: la nota total cambia.
"""

from __future__ import annotations

import csv

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.__main__ import export
from autograder.course import release
from autograder.grading import grade_batch

LESSON = "99_escrita"


def _meta(grade_id: str, **fields) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "schema_version": 3, **fields}}


def _lesson(root) -> None:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        new_code_cell("import shared"),
        new_markdown_cell("## 1. Doblar"),
        new_code_cell(
            "def doble(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            metadata=_meta("doble", grade=False, solution=True, locked=False),
        ),
        new_code_cell(
            "# Comprobación de doble\nshared.check_close(doble(3), 6, 'doble(3)')",
            metadata=_meta("test_doble", grade=True, solution=False, locked=True, points=2),
        ),
        new_markdown_cell(
            "**Pregunta 1 (3 puntos).** ¿Por qué doblar es una función lineal?\n\n"
            "### BEGIN SOLUTION\nCriterio: f(a x + b y) = a f(x) + b f(y).\n### END SOLUTION",
            metadata=_meta("respuesta", grade=True, solution=True, locked=False, points=3, task=False),
        ),
    ]
    (root / "solutions" / LESSON).mkdir(parents=True)
    nbformat.write(nb, root / "solutions" / LESSON / f"{LESSON}.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("curso")
    _lesson(root)
    released = release(LESSON, root)
    answer = nbformat.read(released / f"{LESSON}.ipynb", as_version=4)
    answer.cells[2].source = "def doble(x):\n    return 2 * x"
    answer.cells[4].source = answer.cells[4].source.replace("TU RESPUESTA AQUÍ", "Porque conserva sumas y escalas.")
    entregas = root / "entregas"
    entregas.mkdir()
    nbformat.write(answer, entregas / "ana.ipynb")
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    grade_batch(LESSON, [entregas], root / "resultados", db_url=db_url, progress=False, source_root=root)
    return root, db_url


def _row(path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return next(csv.DictReader(handle))


def test_grades_csv_shows_the_pending_points(graded):
    root, _ = graded
    row = _row(root / "resultados" / "grades.csv")
    assert (row["score"], row["max_score"], row["manual_pending"]) == ("2", "5", "3")
    assert row["respuesta"] == ""
    assert "pendiente de corrección manual: 3 puntos" in row["status"]


def test_feedback_shows_the_question_as_pending(graded):
    root, _ = graded
    page = (root / "resultados" / "feedback" / "ana.html").read_text(encoding="utf-8")
    assert "Pendiente de corrección" in page
    assert "Pregunta 1 (3 puntos)" in page
    assert "f(a x + b y)" not in page, "el criterio de corrección no se muestra al estudiante"


def test_formgrader_finds_the_answer_and_a_manual_grade_changes_the_total(graded):
    from nbgrader.api import Gradebook

    root, db_url = graded
    autograded = root / "autograded" / "ana" / LESSON / f"{LESSON}.ipynb"
    assert "conserva sumas" in autograded.read_text(encoding="utf-8"), "formgrader abre este cuaderno"
    with Gradebook(db_url) as gradebook:
        grade = gradebook.find_grade("respuesta", LESSON, LESSON, "ana")
        assert grade.needs_manual_grade
        assert grade.manual_score is None
        grade.manual_score = 2.5  # lo que hace formgrader al corregir
        gradebook.db.commit()
    assert export(LESSON, root / "exportadas", db_url, root=root) == 0
    row = _row(root / "exportadas" / "grades.csv")
    assert (row["score"], row["manual_pending"], row["respuesta"]) == ("4.5", "0", "2.5")
    assert row["status"] == "ok"
