"""El camino de Colab de principio a fin, simulado sin red.

1. El árbol para estudiantes (lo que construye ``make student-dist``) se publica en un repositorio git
   local (``git init --bare``): hace de ``[tool.curso] repositorio_estudiantes``, solo que la celda de
   preparación instala desde ``git+file://localhost/…`` en lugar de ``git+https://github.com/…``.
2. Un entorno virtual nuevo y ligero hace de máquina de Colab: sin ``shared`` propio y con los paquetes
   del proyecto (TensorFlow, PyTorch, ipykernel...) a la vista, para no descargar nada (las versiones
   de Colab las prueba ``make test-colab``).
3. La lección 01 sale del repositorio, se resuelve y se ejecuta en un núcleo de ese entorno con un
   módulo ``google.colab`` falso: la celda de preparación instala ``shared`` desde el repositorio y la
   lección corre entera con él.
4. El cuaderno se guarda como lo descarga Colab y el calificador le da la nota completa.

Además, si la instalación falla (sin conexión, dirección equivocada), la celda se detiene con un
mensaje en español en lugar de seguir hasta un ``ModuleNotFoundError``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from autograder.distribution import PACKAGE, build_student_dist, install_spec, with_colab_install
from autograder.execute import IsolationRefused
from autograder.grading import Settings, grade_batch
from autograder.sandbox import Limits
from tests import notebooks
from tests.test_autograder import colab_saved

LESSON = "01_perceptron"
KERNEL = "colab-simulado"
FAKE_COLAB = 'import sys, types\n\nsys.modules["google.colab"] = types.ModuleType("google.colab")  # como en Colab\n'
PROBE = f"""\
import importlib.metadata, shared

print(shared.__file__)
print(importlib.metadata.distribution("{PACKAGE}").read_text("direct_url.json"))
"""
FAILED = "No se pudo instalar el paquete `shared` del curso"


@dataclass
class Colab:
    address: str  # la dirección del repositorio de estudiantes, como en [tool.curso]
    commit: str  # lo publicado en él
    venv: Path
    kernels: Path
    content: Path  # la carpeta de trabajo del núcleo (/content en Colab): sin `shared` al lado


def _git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


@pytest.fixture(scope="module")
def colab(tmp_path_factory) -> Colab:
    if shutil.which("git") is None:
        pytest.skip("hace falta git para simular el repositorio de estudiantes (apt-get install git)")
    root = tmp_path_factory.mktemp("colab")
    started = time.monotonic()

    # 1. El repositorio de estudiantes. pip solo acepta `git+file` con servidor: file://localhost/ruta.
    bare = root / "curso.git"
    _git("init", "-q", "--bare", "--initial-branch=main", str(bare))
    address = f"file://localhost{bare}"
    tree = build_student_dist(root / "estudiantes", address=address)
    _git("init", "-q", "--initial-branch=main", cwd=tree)
    _git("add", "-A", cwd=tree)
    _git("-c", "user.name=Curso", "-c", "user.email=curso@example.invalid", "commit", "-qm", "Curso", cwd=tree)
    _git("push", "-q", str(bare), "main", cwd=tree)
    commit = _git("rev-parse", "HEAD", cwd=tree)

    # 2. La «máquina de Colab». `venv --system-site-packages` vería el Python base, no el .venv del
    # proyecto: el .pth añade los paquetes del proyecto detrás de los del entorno nuevo (lo que pip
    # instale en él tiene prioridad, como en Colab).
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    project = sysconfig.get_paths()["purelib"]
    Path(purelib, "_paquetes_del_proyecto.pth").write_text(f"import site; site.addsitedir({project!r})\n")
    kernel = root / "kernels" / KERNEL
    kernel.mkdir(parents=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab simulado",
        "language": "python",
        # Sin red: pip no consulta ningún índice y construye con el setuptools que ya hay.
        "env": {"PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    }
    (kernel / "kernel.json").write_text(json.dumps(spec))
    content = root / "content"
    content.mkdir()
    print(f"Repositorio y entorno de Colab simulados: {time.monotonic() - started:.1f} s")
    return Colab(address, commit, venv, root / "kernels", content)


def _from_repository(colab: Colab) -> nbformat.NotebookNode:
    """La lección tal como la abre Colab desde el repositorio de estudiantes."""
    text = _git("-C", colab.address.removeprefix("file://localhost"), "show", f"main:course/{LESSON}/{LESSON}.ipynb")
    return nbformat.reads(text, as_version=4)


def _run_in_colab(nb, colab: Colab, *, allow_errors: bool = False) -> nbformat.NotebookNode:
    """Ejecuta ``nb`` en el núcleo del entorno simulado, con ``google.colab`` cargado antes."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb.cells.insert(0, nbformat.v4.new_code_cell(FAKE_COLAB))
    km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(colab.kernels)]))
    client = NotebookClient(
        nb, km=km, timeout=300, allow_errors=allow_errors, resources={"metadata": {"path": str(colab.content)}}
    )
    client.execute(cleanup_kc=True)  # con `km` propio nbclient no apagaría el núcleo
    nb.cells.pop(0)
    return nb


def _errors(cell) -> list:
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")


def test_colab_installs_shared_from_the_repository_runs_the_lesson_and_grades_it(colab, tmp_path):
    released = _from_repository(colab)
    setup_cell = next(c for c in released.cells if c.cell_type == "code")
    assert install_spec(address=colab.address) in setup_cell.source
    source = notebooks.read(notebooks.source_notebook(LESSON))
    answers = {gid: notebooks.solved(cell.source) for gid, cell in notebooks.solution_cells(source).items()}
    nb = notebooks.fill_answers(released, answers)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))

    started = time.monotonic()
    nb = _run_in_colab(nb, colab)
    print(f"Lección {LESSON} en el Colab simulado (con la instalación de shared): {time.monotonic() - started:.1f} s")

    probe = nb.cells.pop()
    installed_at, direct_url = _stdout(probe).split("\n", 1)
    assert Path(installed_at).is_relative_to(colab.venv), f"`shared` no es el que instaló pip: {installed_at}"
    origin = json.loads(direct_url)
    assert origin["url"] == colab.address
    assert origin["vcs_info"] == {"vcs": "git", "commit_id": colab.commit}
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert "Entorno: Google Colab" in _stdout(setup), _stdout(setup)
    failed = [(i, e.ename, e.evalue) for i, c in enumerate(nb.cells) for e in _errors(c)]
    assert not failed, f"La lección falla en el Colab simulado: {failed}"

    # Archivo → Descargar .ipynb, y al calificador con el resto del lote.
    submissions = tmp_path / "entregas"
    submissions.mkdir()
    (submissions / "ana.ipynb").write_bytes(colab_saved(nb, keep_nbgrader=False))
    settings = Settings(notebook_timeout=120, cell_timeout=30, limits=Limits(memory=2 << 30, processes=64))
    started = time.monotonic()
    try:
        (result,) = grade_batch(
            LESSON, [submissions], tmp_path / "notas", jobs=1, settings=settings,
            db_url=f"sqlite:///{tmp_path / 'libro.db'}", progress=False,
        )  # fmt: skip
    except IsolationRefused as error:
        pytest.skip(f"la lección corre en el Colab simulado, pero aquí no se puede calificar: {error}")
    print(f"Calificación de la entrega descargada de Colab: {time.monotonic() - started:.1f} s")
    assert result.student_id == "ana"
    assert result.graded, result.notes
    expected = notebooks.graded_cells(source)
    got = {gid: (cell.score, cell.max_score) for gid, cell in result.cells.items()}
    assert got == {gid: (points, points) for gid, points in expected.items()}, [
        (gid, cell.message) for gid, cell in result.cells.items() if cell.score < cell.max_score
    ]


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("https://github.invalid/redes-neuronales-es/curso", id="sin-conexion"),
        pytest.param("file://localhost/no/existe/curso.git", id="direccion-equivocada"),
    ],
)
def test_a_failed_install_stops_with_a_spanish_message(colab, address):
    nb = _from_repository(colab)
    with_colab_install(nb, install_spec(address=address))
    setup = next(c for c in nb.cells if c.cell_type == "code")
    nb.cells = [setup]
    setup = _run_in_colab(nb, colab, allow_errors=True).cells[0]
    (error,) = _errors(setup)
    assert error.ename == "RuntimeError", f"{error.ename}: {error.evalue}"
    assert error.evalue.startswith(f"{FAILED} ({PACKAGE} @ git+{address}). Comprueba la conexión a internet")
    assert "error" in error.evalue.lower(), "falta lo que dijo pip"
    assert error.traceback == [error.evalue], "se ve un traceback en lugar del mensaje"
    assert "Semilla" not in _stdout(setup), "la celda siguió después de fallar la instalación"
