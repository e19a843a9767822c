"""Lo que llega a los estudiantes: enlaces a Colab y el árbol público sin soluciones.

La dirección del repositorio de estudiantes se configura en un solo sitio, ``[tool.curso]`` de
``pyproject.toml``; :func:`sync_colab_links` la copia en los botones «Abrir en Colab» y en la celda
de preparación de cada cuaderno de ``solutions/`` (el bloque :data:`COLAB_INSTALL`) y en el README.
:func:`build_student_dist` construye el árbol que se publica en ese repositorio.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import nbformat

from autograder.course import REPO, lessons

PACKAGE = "curso-redes-neuronales"
BADGE_URL = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"']+?/course/([\w-]+)/\1\.ipynb")
# El bloque de la celda de preparación (la primera de código) que instala `shared` en Colab. No usa
# `%pip`: si pip falla (sin conexión, dirección equivocada) `%pip` no lo dice, la celda sigue y
# `import shared` acaba en un ModuleNotFoundError sin explicación. Aquí pip calla si todo va bien y,
# si falla, la celda se detiene con un mensaje en español seguido de lo que dijo pip. IPython usa
# `_render_traceback_` de una excepción, si lo tiene, en lugar del traceback: solo se ve el mensaje.
COLAB_INSTALL = """\
if "google.colab" in sys.modules:
    import subprocess

    package = "{spec}"
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], capture_output=True, text=True)
    if pip.returncode != 0:
        error = RuntimeError(
            f"No se pudo instalar el paquete `shared` del curso ({package}). Comprueba la conexión a "
            f"internet y vuelve a ejecutar esta celda; si sigue fallando, avisa al profesorado.\\n\\n{pip.stderr}"
        )
        error._render_traceback_ = lambda: [str(error)]  # Jupyter muestra el mensaje, sin traceback
        raise error
"""
# Ese bloque en un cuaderno: la línea `if` y su cuerpo sangrado (también el de versiones anteriores).
COLAB_BLOCK = re.compile(r'^if "google\.colab" in sys\.modules:\n(?:[ \t]+\S.*\n|[ \t]*\n(?=[ \t]+\S))*', re.M)
# Lo que solo necesita el profesorado (calificar, probar) no va en los requisitos de estudiantes.
INSTRUCTOR_ONLY = {
    "nbgrader",
    "dask",  # dask[distributed]: el calificador por lotes
    "distributed",
    "nbval",
    "pytest",
    "pytest-xdist",
    "ruff",
    "nbclient",
    "nbconvert",
    "nbformat",
    "playwright",
}


def settings(root: Path = REPO) -> dict:
    """``[tool.curso]`` de ``pyproject.toml``."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["curso"]


def colab_url(lesson: str, root: Path = REPO) -> str:
    conf = settings(root)
    repo = conf["repositorio_estudiantes"].removeprefix("github.com/")
    return f"https://colab.research.google.com/github/{repo}/blob/{conf['rama']}/course/{lesson}/{lesson}.ipynb"


def install_spec(root: Path = REPO, address: str | None = None) -> str:
    """Lo que la primera celda instala en Colab: solo ``shared`` (sin tocar TensorFlow ni PyTorch).

    ``address`` (por defecto, ``repositorio_estudiantes``) es ``github.com/OWNER/REPO`` (por https)
    o una URL de git completa, como ``file://localhost/ruta/curso.git`` en las pruebas.
    """
    address = address or settings(root)["repositorio_estudiantes"]
    return f"{PACKAGE} @ git+{address if '://' in address else 'https://' + address}"


def with_colab_install(notebook: nbformat.NotebookNode, spec: str) -> bool:
    """Pone en la celda de preparación el bloque :data:`COLAB_INSTALL` que instala ``spec``.

    Returns:
        Si la celda cambió.

    Raises:
        ValueError: la primera celda de código no tiene el bloque ``if "google.colab" in sys.modules:``.
    """
    cell = next((c for c in notebook.cells if c.cell_type == "code"), None)
    if cell is None or not COLAB_BLOCK.search(cell.source):
        raise ValueError('la primera celda de código no tiene el bloque `if "google.colab" in sys.modules:`')
    new = COLAB_BLOCK.sub(lambda _: COLAB_INSTALL.replace("{spec}", spec), cell.source, count=1)
    changed, cell.source = new != cell.source, new
    return changed


def _with_badges(text: str, root: Path) -> str:
    return BADGE_URL.sub(lambda m: colab_url(m.group(1), root), text)


def sync_colab_links(root: Path = REPO) -> list[Path]:
    """Pone la dirección configurada en los cuadernos de ``solutions/`` y en el README."""
    changed = []
    for lesson in lessons(root):
        path = root / "solutions" / lesson / f"{lesson}.ipynb"
        nb = nbformat.read(path, as_version=4)
        try:
            dirty = with_colab_install(nb, install_spec(root))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        for cell in nb.cells:
            new = _with_badges(cell.source, root)
            dirty |= new != cell.source
            cell.source = new
        if dirty:
            nbformat.write(nb, path)
            changed.append(path)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    if _with_badges(text, root) != text:
        readme.write_text(_with_badges(text, root), encoding="utf-8")
        changed.append(readme)
    return changed


def _student_readme(root: Path) -> str:
    rows = "\n".join(
        f"| [{lesson}](course/{lesson}/{lesson}.ipynb) "
        f"| [![Abrir en Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(lesson, root)}) |"
        for lesson in lessons(root)
    )
    return f"""# Redes neuronales en español · cuadernos para estudiantes

Cada lección es un cuaderno con teoría, ejemplos y ejercicios que se comprueban solos.

| lección | abrir |
|---|---|
{rows}

**En Google Colab:** pulsa el botón de la lección. La primera celda instala el paquete `shared` del
curso y usa el TensorFlow y el PyTorch que Colab ya trae.

**En tu ordenador** (Python 3.11 o posterior):

```bash
python -m venv .venv && . .venv/bin/activate
pip install -r requirements.txt -c constraints.txt
jupyter lab course
```

Para entregar, descarga el cuaderno (`.ipynb`) con tus respuestas y súbelo a tu plataforma.
"""


def _student_pyproject() -> str:
    return f"""[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "{PACKAGE}"
version = "0.1.0"
description = "Paquete shared del curso de redes neuronales en español."
requires-python = ">=3.11"
dependencies = ["numpy>=2.0", "matplotlib>=3.8"]

[tool.setuptools]
packages = ["shared"]
"""


def _student_requirements(root: Path) -> str:
    kept = []
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name = re.split(r"[<>=!~;\[ ]", line.strip(), maxsplit=1)[0]
        if name not in INSTRUCTOR_ONLY:
            kept.append(line)
    return "\n".join(kept) + "\n"


def build_student_dist(dest: Path, root: Path = REPO, address: str | None = None) -> Path:
    """Construye en ``dest`` el árbol para estudiantes: course/, shared/, requisitos y README.

    ``address``: otra dirección de la que instalar ``shared`` en Colab (ver :func:`install_spec`);
    la prueba del camino de Colab publica el árbol en un repositorio git local.
    """
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(root / "course", dest / "course", ignore=ignore)
    if address is not None:
        for path in sorted((dest / "course").glob("*/*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            if with_colab_install(nb, install_spec(root, address)):
                nbformat.write(nb, path)
    shutil.copytree(root / "shared", dest / "shared", ignore=ignore)
    shutil.copyfile(root / "constraints.txt", dest / "constraints.txt")
    (dest / "requirements.txt").write_text(_student_requirements(root), encoding="utf-8")
    (dest / "pyproject.toml").write_text(_student_pyproject(), encoding="utf-8")
    (dest / "README.md").write_text(_student_readme(root), encoding="utf-8")
    (dest / ".gitignore").write_text(".venv/\n__pycache__/\n.ipynb_checkpoints/\n", encoding="utf-8")
    return dest
