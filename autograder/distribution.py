"""Lo que llega a los estudiantes: enlaces a Colab y el árbol público sin soluciones.

La dirección del repositorio de estudiantes se configura en un solo sitio, ``[tool.curso]`` de
``pyproject.toml``; :func:`sync_colab_links` la copia en los botones «Abrir en Colab» y en la celda
de preparación de cada cuaderno de ``solutions/`` y en el README. :func:`build_student_dist`
construye el árbol que se publica en ese repositorio.
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
INSTALL_SPEC = re.compile(rf"{PACKAGE} @ git\+https://github\.com/[\w.-]+/[\w.-]+")
# Lo que solo necesita el profesorado (calificar, probar) no va en los requisitos de estudiantes.
INSTRUCTOR_ONLY = {
    "nbgrader",
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


def install_spec(root: Path = REPO) -> str:
    """Lo que la primera celda instala en Colab: solo ``shared`` (sin tocar TensorFlow ni PyTorch)."""
    return f"{PACKAGE} @ git+https://{settings(root)['repositorio_estudiantes']}"


def _with_links(text: str, root: Path) -> str:
    text = BADGE_URL.sub(lambda m: colab_url(m.group(1), root), text)
    return INSTALL_SPEC.sub(install_spec(root), text)


def sync_colab_links(root: Path = REPO) -> list[Path]:
    """Pone la dirección configurada en los cuadernos de ``solutions/`` y en el README."""
    changed = []
    for lesson in lessons(root):
        path = root / "solutions" / lesson / f"{lesson}.ipynb"
        nb = nbformat.read(path, as_version=4)
        dirty = False
        for cell in nb.cells:
            new = _with_links(cell.source, root)
            dirty |= new != cell.source
            cell.source = new
        if dirty:
            nbformat.write(nb, path)
            changed.append(path)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    if _with_links(text, root) != text:
        readme.write_text(_with_links(text, root), encoding="utf-8")
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


def build_student_dist(dest: Path, root: Path = REPO) -> Path:
    """Construye en ``dest`` el árbol para estudiantes: course/, shared/, requisitos y README."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(root / "course", dest / "course", ignore=ignore)
    shutil.copytree(root / "shared", dest / "shared", ignore=ignore)
    shutil.copyfile(root / "constraints.txt", dest / "constraints.txt")
    (dest / "requirements.txt").write_text(_student_requirements(root), encoding="utf-8")
    (dest / "pyproject.toml").write_text(_student_pyproject(), encoding="utf-8")
    (dest / "README.md").write_text(_student_readme(root), encoding="utf-8")
    (dest / ".gitignore").write_text(".venv/\n__pycache__/\n.ipynb_checkpoints/\n", encoding="utf-8")
    return dest
