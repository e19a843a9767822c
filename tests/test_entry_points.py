"""Una sola forma de calificar: ``nbgrader autograde`` y formgrader usan la caja y el juez.

La configuración del curso (``autograder/nbgrader_config.py``) cambia la cadena de ``Autograde`` de
nbgrader, así que la línea de órdenes de nbgrader (desde la raíz del repositorio) y el botón
«Autograde» de formgrader (que llama a ``NbGraderAPI.autograde``) califican igual que
``python -m autograder grade``. Control: con el ``Execute`` de nbgrader, la misma entrega hostil
gana puntos que no le corresponden.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.preprocessors import Execute

from autograder.course import REPO, GradingCourse
from autograder.execute import SandboxedExecute, autograde_preprocessors
from tests import hostile, notebooks

LESSON = "01_perceptron"
HONEST = 2.0  # solo el ejercicio 1 está bien: lo que vale la entrega sin trampas


def hostile_notebook() -> bytes:
    """Ejercicio 1 bien; «activations» parchea numpy desde un hilo y devuelve siempre ceros."""
    released = notebooks.read(notebooks.released_notebook(LESSON))
    source = notebooks.read(notebooks.source_notebook(LESSON))
    solution = notebooks.solved(notebooks.solution_cells(source)["weighted_sum"].source)
    wrong = (
        hostile.PATCHING_THREAD
        + hostile.PATCH_NUMPY
        + "\ndef step(z):\n    return np.zeros(np.shape(z))\n\n\ndef sigmoid(z):\n    return np.zeros(np.shape(z))\n"
        + "\n\ndef tanh(z):\n    return np.zeros(np.shape(z))\n\n\ndef relu(z):\n    return np.zeros(np.shape(z))\n"
    )
    nb = notebooks.fill_answers(released, {"weighted_sum": solution, "activations": wrong})
    import nbformat

    return nbformat.writes(nb).encode()


def _total(scores) -> float:
    return sum(s.score for s in scores.values())


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return GradingCourse(LESSON, tmp_path_factory.mktemp("curso"), **{"Execute.timeout": 60})


def test_the_course_configuration_replaces_nbgrader_execute(course):
    chain = course.config.Autograde.autograde_preprocessors
    assert SandboxedExecute in chain
    assert Execute not in chain
    assert chain == autograde_preprocessors()


def test_nbgrader_api_as_formgrader_uses_it(course):
    """``NbGraderAPI.autograde`` (lo que llama el botón «Autograde» de formgrader)."""
    course.submit("api", hostile_notebook())
    assert _total(course.autograde("api")) == HONEST


def test_nbgrader_command_line_uses_it(course):
    """``nbgrader autograde`` desde la raíz del repositorio, como dice el README."""
    course.submit("cli", hostile_notebook())
    nbgrader = Path(sys.executable).parent / "nbgrader"
    done = subprocess.run(
        [str(nbgrader), "autograde", LESSON, "--student", "cli", "--force", f"--CourseDirectory.root={course.root}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert _total(course.scores("cli")) == HONEST


def test_control_nbgrader_execute_gives_points_away(tmp_path):
    """Sin la caja ni el juez (el ``Execute`` de nbgrader), la entrega hostil gana puntos de más."""
    from nbgrader.converters.autograde import Autograde

    plain = GradingCourse(LESSON, tmp_path, **{"Execute.timeout": 60})
    plain.config.Autograde.autograde_preprocessors = Autograde.class_traits()["autograde_preprocessors"].default()
    from autograder.course import api

    plain._api = api(plain.config)
    plain.submit("control", hostile_notebook())
    assert _total(plain.autograde("control")) > HONEST
    shutil.rmtree(tmp_path, ignore_errors=True)
