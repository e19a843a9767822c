"""El árbol para estudiantes (`make student-dist`): sin soluciones, instalable y ejecutable."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from autograder.course import REPO
from autograder.distribution import BADGE_URL, build_student_dist, colab_url, install_spec, settings
from tests import notebooks

LESSONS = notebooks.lessons()


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    return build_student_dist(tmp_path_factory.mktemp("estudiantes") / "curso")


def test_dist_has_only_student_material(dist):
    assert sorted(p.name for p in dist.iterdir()) == [
        ".gitignore",
        "README.md",
        "constraints.txt",
        "course",
        "pyproject.toml",
        "requirements.txt",
        "shared",
    ]
    assert sorted(p.name for p in (dist / "course").iterdir()) == LESSONS
    requirements = (dist / "requirements.txt").read_text()
    assert "nbgrader" not in requirements
    assert "tensorflow" in requirements


def test_dist_contains_no_solution_or_hidden_test_line(dist):
    text = notebooks.tree_text(dist)
    for marker in notebooks.MARKERS:
        assert marker not in text
    secrets = list(notebooks.secret_lines(LESSONS))
    assert {lesson for lesson, _ in secrets} == set(LESSONS), "la comprobación no tendría nada que buscar"
    public_code = notebooks.tree_text(REPO / "shared")  # el paquete shared es público: sus líneas no son secretos
    leaked = [(lesson, line) for lesson, line in secrets if line in text and line not in public_code]
    assert not leaked, f"Soluciones o pruebas ocultas en el árbol de estudiantes: {leaked[:5]}"


def test_colab_links_come_from_the_one_configured_address():
    """Cada cuaderno y el README apuntan al repositorio de [tool.curso] (`make release` los sincroniza)."""
    configured = settings()["repositorio_estudiantes"]
    for lesson in LESSONS:
        for folder in ("solutions", "course"):
            nb = nbformat.read(REPO / folder / lesson / f"{lesson}.ipynb", as_version=4)
            text = "\n".join(c.source for c in nb.cells)
            assert colab_url(lesson) in text, f"{folder}/{lesson}: falta el botón «Abrir en Colab» correcto"
            assert install_spec() in text, f"{folder}/{lesson}: la primera celda no instala `shared` desde {configured}"
            assert {m.group(0) for m in BADGE_URL.finditer(text)} == {colab_url(lesson)}
    readme = (REPO / "README.md").read_text()
    badges = list(BADGE_URL.finditer(readme))
    assert all(m.group(0) == colab_url(m.group(1)) for m in badges), "el README tiene enlaces a Colab sin sincronizar"
    assert {colab_url(lesson) for lesson in LESSONS} <= {m.group(0) for m in badges}


def test_colab_install_never_touches_tensorflow_or_torch():
    """En Colab se instala este paquete: no debe arrastrar TensorFlow, Keras ni PyTorch."""
    import tomllib

    for pyproject in (REPO / "pyproject.toml",):
        deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
        assert not [d for d in deps if d.split(">")[0].split("=")[0].strip() in {"tensorflow", "keras", "torch"}]


@pytest.mark.slow
def test_dist_installs_and_runs_lesson_00_in_a_fresh_venv(dist, tmp_path):
    """Un entorno virtual nuevo: instala los requisitos del árbol y ejecuta la lección 00 sin resolver.

    Las únicas celdas que pueden fallar son las de los ejercicios (NotImplementedError) y sus pruebas.
    """
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt", "-c", "constraints.txt"],
        cwd=dist,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    notebook = dist / "course" / "00_entorno" / "00_entorno.ipynb"
    executed = tmp_path / "ejecutado.ipynb"
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(
        [str(venv / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
         f"--output={executed}", "--ExecutePreprocessor.timeout=300", str(notebook)],
        capture_output=True, text=True, timeout=900, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    nb = nbformat.read(executed, as_version=4)
    errors = [
        (i, out.ename)
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    exercise_cells = {
        i
        for i, cell in enumerate(nb.cells)
        if cell.metadata.get("nbgrader", {}).get("solution") or cell.metadata.get("nbgrader", {}).get("grade")
    }
    assert errors, "el cuaderno sin resolver debería fallar en sus ejercicios"
    unexpected = [(i, name) for i, name in errors if name != "NotImplementedError" and i not in exercise_cells]
    assert not unexpected, f"Celdas que no son ejercicios fallan en el entorno nuevo: {unexpected}"
    setup_outputs = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "Semilla: 42" in setup_outputs
