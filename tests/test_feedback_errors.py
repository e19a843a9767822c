"""La retroalimentación explica cada tipo de excepción del código del estudiante, en español.

Una lección mínima (un ejercicio con pruebas visibles y ocultas) y una entrega por tipo de error
(``TypeError`` por un ``return`` olvidado, un error de difusión de numpy, ``KeyError``,
``IndexError``, ``ValueError`` y un ``NameError`` porque una celda anterior falló). En cada página:
la explicación en español, la línea del estudiante que falló, el mensaje original, qué probar y la
sección que lo explica; nunca el código de las pruebas (ni visibles ni ocultas).
"""

from __future__ import annotations

import html

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.course import release
from autograder.grading import grade_batch

LESSON = "99_errores"
TEST = """# Comprobación del ejercicio 1: escalar
shared.check_close(escala(np.array([1.0, 2.0]), 3.0), [3.0, 6.0], "escala([1, 2], 3)")
### BEGIN HIDDEN TESTS
oculto_x = np.arange(6.0).reshape(2, 3)
shared.check_close(escala(oculto_x, -2.0), -2.0 * oculto_x, "escala con una matriz")
### END HIDDEN TESTS
"""

# estudiante -> (código del ejercicio, fragmentos que la página debe mostrar)
CASES = {
    "sin_return": (
        "def escala(x, k):\n    y = x * k\n    return y.sum() + None",
        ["TypeError en tu código", "¿falta el `return`?", "return y.sum() + None", "ejercicio `escala`"],
    ),
    "difusion": (
        "def escala(x, k):\n    pesos = np.ones(5)\n    return x * k * pesos",
        ["ValueError en tu código", "no pudo combinar arreglos de formas", "return x * k * pesos"],
    ),
    "clave": (
        "def escala(x, k):\n    tabla = {'doble': 2}\n    return x * tabla['triple']",
        ["KeyError en tu código", "clave que no existe", "return x * tabla['triple']"],
    ),
    "indice": (
        "def escala(x, k):\n    return x * [k][3]",
        ["IndexError en tu código", "posición que no existe", "return x * [k][3]"],
    ),
    "valor": (
        "def escala(x, k):\n    return x * float('dos')",
        ["ValueError en tu código", "return x * float('dos')", "could not convert string to float"],
    ),
    "celda_anterior": (
        "raise RuntimeError('me equivoqué antes')\n\n\ndef escala(x, k):\n    return x * k",
        ["La prueba no encuentra `escala`", "RuntimeError: me equivoqué antes"],
    ),
}


def _lesson(root) -> None:
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    meta = {"schema_version": 3}
    nb.cells = [
        new_code_cell("import numpy as np\n\nimport shared"),
        new_markdown_cell(
            "## 1. Escalar un vector\n\nMultiplicar por un número.\n\n### Ejercicio 1 · Escalar (2 puntos)"
        ),
        new_code_cell(
            "def escala(x, k):\n    ### BEGIN SOLUTION\n    return np.asarray(x) * k\n    ### END SOLUTION",
            metadata={"nbgrader": {**meta, "grade_id": "escala", "grade": False, "solution": True, "locked": False}},
        ),
        new_code_cell(
            TEST,
            metadata={
                "nbgrader": {**meta, "grade_id": "test_escala", "grade": True, "solution": False, "locked": True}
                | {"points": 2}
            },
        ),
    ]
    (root / "solutions" / LESSON).mkdir(parents=True)
    nbformat.write(nb, root / "solutions" / LESSON / f"{LESSON}.ipynb")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("curso")
    _lesson(root)
    released = nbformat.read(release(LESSON, root) / f"{LESSON}.ipynb", as_version=4)
    entregas = root / "entregas"
    entregas.mkdir()
    for student, (code, _fragments) in CASES.items():
        nb = nbformat.from_dict(released)
        nb.cells[2].source = code
        nbformat.write(nb, entregas / f"{student}.ipynb")
    db_url = f"sqlite:///{root / 'gradebook.db'}"
    grade_batch(LESSON, [entregas], root / "resultados", db_url=db_url, progress=False, source_root=root)
    folder = root / "resultados" / "feedback"
    return {p.stem: html.unescape(p.read_text(encoding="utf-8")) for p in folder.glob("*.html")}


@pytest.mark.parametrize("student", list(CASES))
def test_each_exception_is_explained_with_the_students_line(pages, student):
    page = pages[student]
    for fragment in CASES[student][1]:
        assert fragment in page, f"{student}: falta «{fragment}»"
    assert "Qué probar:" in page
    assert "#scrollTo=" in page, "enlaza la celda de la lección que explica el ejercicio"
    assert "Ejercicio 1 · Escalar (2 puntos)</a>" in page, "con el nombre del apartado del ejercicio"


def test_feedback_never_shows_test_code(pages):
    for student, page in pages.items():
        for line in TEST.splitlines()[1:]:
            if len(line.strip()) > 12 and not line.startswith("###"):
                assert line.strip() not in page, f"{student}: código de prueba en la retroalimentación"
