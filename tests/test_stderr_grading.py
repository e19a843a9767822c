"""Lo que una celda escribe en stderr (avisos de TensorFlow, absl, Python) no le quita puntos."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.course import GradingCourse


def _cell(source, grade_id, **meta):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "locked": False, **meta}
    return cell


@pytest.mark.parametrize(
    ("drop_stderr", "expected"), [(True, 2), (False, 0)], ids=["config-del-curso", "nbgrader-por-defecto"]
)
def test_stderr_noise_does_not_zero_a_test_cell(tmp_path, drop_stderr, expected):
    """Con la configuración del curso la celda conserva sus puntos; con la de nbgrader, los perdería."""
    lesson = "99_ruido"
    source = tmp_path / "fuente"
    (source / "solutions" / lesson).mkdir(parents=True)
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        _cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "respuesta", grade=False, solution=True),
        _cell(
            "import os, sys, warnings\n"
            "os.write(2, b'W0000 00:00 cuda_blas.cc:1] Unable to register cuBLAS factory\\n')\n"
            "sys.stderr.write('WARNING: All log messages before absl::InitializeLog() are written to STDERR\\n')\n"
            "warnings.warn('Do not pass an `input_shape`/`input_dim` argument to a layer.')\n"
            "assert x == 1",
            "test_con_ruido",
            grade=True,
            solution=False,
            locked=True,
            points=2,
        ),
        _cell(
            "assert x == 2, 'esta prueba falla de verdad'",
            "test_que_falla",
            grade=True,
            solution=False,
            locked=True,
            points=1,
        ),
    ]
    nbformat.write(nb, source / "solutions" / lesson / f"{lesson}.ipynb")
    overrides = {"IgnorePattern.enabled": drop_stderr}
    if not drop_stderr:  # el control: nbgrader tal cual, también su Execute (el juez nunca pasa stderr)
        from nbgrader.converters.autograde import Autograde

        overrides["Autograde.autograde_preprocessors"] = Autograde.class_traits()["autograde_preprocessors"].default()
    course = GradingCourse(lesson, tmp_path / "curso", source_root=source, **overrides)
    course.submit("alumno", (source / "solutions" / lesson / f"{lesson}.ipynb"))
    scores = course.autograde("alumno")
    assert scores["test_con_ruido"].score == expected
    assert scores["test_que_falla"].score == 0
