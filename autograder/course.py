"""nbgrader con la configuración del curso: publicar lecciones y calificar entregas.

Todo pasa por la API de nbgrader (``NbGraderAPI``) y su libro de notas (``Gradebook``): no hay
un almacén de notas propio.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPO = Path(__file__).resolve().parent.parent
CONFIG_FILE = Path(__file__).resolve().parent / "nbgrader_config.py"


class GradingError(RuntimeError):
    """nbgrader no pudo completar una operación; el mensaje incluye su registro."""


def load_config(root: Path | str | None = None, **overrides: object) -> Config:
    """La configuración de ``nbgrader_config.py``, con otra raíz de curso si se indica.

    ``overrides`` acepta claves ``"Clase.atributo"``, por ejemplo ``{"Execute.timeout": 30}``.
    """
    config = PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_FILE.parent)).load_config()
    if root is not None:
        config.CourseDirectory.root = str(Path(root).resolve())
    for key, value in overrides.items():
        section, attribute = key.split(".")
        setattr(config[section], attribute, value)
    return config


def lessons(root: Path = REPO) -> list[str]:
    """Los nombres de las lecciones (carpetas de ``solutions/``), en orden."""
    return sorted(p.name for p in (root / "solutions").iterdir() if p.is_dir() and not p.name.startswith("."))


def venv_on_path() -> contextlib.AbstractContextManager:
    """Pone el ``bin/`` de este Python al principio del ``PATH`` (una vez; sirve también en ``with``).

    nbgrader lanza ``alembic`` como subproceso al crear un libro de notas: que lo encuentre aunque
    el entorno virtual no esté activado.
    """
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir, *[p for p in parts if p != bindir]])
    return contextlib.nullcontext()


def api(config: Config):
    """Un ``NbGraderAPI`` con esta configuración."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _check(result: dict, what: str) -> None:
    if not result.get("success"):
        raise GradingError(f"{what} falló:\n{result.get('log', '')}\n{result.get('error', '')}")


def release(lesson: str, root: Path = REPO) -> Path:
    """``generate_assignment`` de una lección: de ``solutions/`` a ``course/`` bajo ``root``."""
    with venv_on_path():
        _check(api(load_config(root)).generate_assignment(lesson, force=True, create=True), f"Publicar {lesson}")
    return root / "course" / lesson


@dataclass(frozen=True)
class CellScore:
    """Puntos de una celda calificada."""

    score: float
    max_score: float


class GradingCourse:
    """Un curso de nbgrader en una carpeta de trabajo, con una lección publicada.

    Copia ``solutions/<lección>`` a ``workdir``, la publica (lo que guarda en el libro de notas
    las pruebas completas, ocultas incluidas) y califica entregas con ``autograde``.
    """

    def __init__(self, lesson: str, workdir: Path, source_root: Path = REPO, **overrides: object) -> None:
        self.lesson = lesson
        self.root = Path(workdir)
        shutil.copytree(source_root / "solutions" / lesson, self.root / "solutions" / lesson, dirs_exist_ok=True)
        self.config = load_config(self.root, **overrides)
        self.released = release(lesson, self.root)
        self._api = api(self.config)

    @property
    def notebook_name(self) -> str:
        return f"{self.lesson}.ipynb"

    def submit(self, student: str, notebook: Path | bytes) -> Path:
        """Deja el cuaderno de ``student`` en ``submitted/``: la ruta a un archivo o su contenido."""
        target = self.root / "submitted" / student / self.lesson / self.notebook_name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(notebook, bytes):
            target.write_bytes(notebook)
        else:
            shutil.copyfile(notebook, target)
        return target

    def autograde(self, student: str) -> dict[str, CellScore]:
        """Califica la entrega de ``student`` y devuelve los puntos por celda (``grade_id``)."""
        with venv_on_path():
            _check(self._api.autograde(self.lesson, student, force=True, create=True), f"Calificar a {student}")
        return self.scores(student)

    def scores(self, student: str) -> dict[str, CellScore]:
        """Los puntos de ``student`` por celda calificada, leídos del libro de notas."""
        from nbgrader.api import Gradebook

        with Gradebook(self._api.coursedir.db_url) as gradebook:
            notebook = gradebook.find_submission_notebook(self.lesson.split("/")[-1], self.lesson, student)
            return {
                grade.name: CellScore(float(grade.score), float(grade.max_score))
                for grade in notebook.grades
                if grade.cell.cell_type == "code"
            }
