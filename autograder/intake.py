"""Entrada de entregas: de una carpeta, un zip de Moodle/Canvas o ``submitted/`` de nbgrader a
un cuaderno por estudiante, emparejado con la versión publicada de la lección.

- :func:`collect` reconoce el estudiante de cada archivo (nombres de Moodle, de Canvas, árbol
  ``submitted/<estudiante>/<lección>/`` de nbgrader o ``<estudiante>.ipynb``), se queda con la
  entrega más reciente de cada uno y explica en español lo que no se pudo calificar.
- :func:`normalize` reconstruye el cuaderno sobre la publicación: reconoce cada celda por sus
  metadatos de nbgrader, por su ``id`` o por su contenido (Colab puede borrar los metadatos; el
  estudiante puede reordenar, duplicar o borrar celdas), toma del estudiante solo las celdas de
  ejercicio y las celdas que añadió, y restaura las pruebas y el resto de celdas originales.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import nbformat

MOODLE = re.compile(r"^(?P<name>.*?)_(?P<student_id>\d+)_assignsubmission_[a-z]+_(?P<file>.*)$")
CANVAS = re.compile(r"^(?P<name>[^_/]+)_(?:late_)?(?P<student_id>\d+)_(?P<file_id>\d+)_(?P<file>.+)$")
STUDENT_ID = re.compile(r"^[\w.@+-]+$")
IGNORED_NAMES = {"__MACOSX", ".ipynb_checkpoints", "Thumbs.db", "desktop.ini", "timestamp.txt"}
SIMILAR = 0.5

BAD_NAME = "nombre de archivo inesperado ({name}): no se sabe de qué estudiante es; no se calificó"
NOT_NOTEBOOK = "no es un cuaderno de Jupyter ({name}); no se calificó"
EMPTY = "cuaderno vacío ({name}); no se calificó"
SEVERAL = "{count} entregas: cuenta la más reciente ({name})"
NO_METADATA = "sin metadatos de nbgrader (p. ej., Colab): celdas reconocidas por su contenido"
SOME_METADATA = "faltaban metadatos de nbgrader en algunas celdas: reconocidas por su contenido"
REORDERED = "celdas reordenadas: se calificó en el orden original"
TAMPERED = "celda de prueba modificada ({cells}): se restauró la original"
MISSING_TESTS = "faltaban celdas de prueba ({cells}): se restauraron"
MISSING_EXERCISES = "faltaban celdas de ejercicio ({cells})"
DUPLICATED = "celdas duplicadas ({cells}): se ejecutan todas, en su sitio"
FOREIGN = "el cuaderno no se parece a la lección {lesson}"


@dataclass
class Entry:
    """Un archivo de la fuente: ruta relativa, contenido y fecha."""

    path: PurePosixPath
    data: bytes
    timestamp: float


@dataclass
class Submission:
    """La entrega de un estudiante tal como llega (``data``) y lo que hay que decir de ella."""

    student_id: str
    origin: str
    data: bytes | None
    timestamp: float = 0.0
    problems: list[str] = field(default_factory=list)
    gradable: bool = True


def _ignored(path: PurePosixPath) -> bool:
    return any(part in IGNORED_NAMES or part.startswith(".") for part in path.parts)


def _entries(source: Path) -> list[Entry]:
    source = Path(source)
    if source.is_dir():
        entries = []
        for path in sorted(source.rglob("*")):
            relative = PurePosixPath(path.relative_to(source).as_posix())
            if path.is_file() and not _ignored(relative):
                entries.append(Entry(relative, path.read_bytes(), _nbgrader_timestamp(path) or path.stat().st_mtime))
        return entries
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            return [
                Entry(PurePosixPath(info.filename), archive.read(info), datetime(*info.date_time).timestamp())
                for info in archive.infolist()
                if not info.is_dir() and not _ignored(PurePosixPath(info.filename))
            ]
    if source.is_file():
        return [Entry(PurePosixPath(source.name), source.read_bytes(), source.stat().st_mtime)]
    raise FileNotFoundError(f"No existe la fuente de entregas: {source}")


def _nbgrader_timestamp(path: Path) -> float | None:
    stamp = path.parent / "timestamp.txt"
    if path.suffix != ".ipynb" or not stamp.exists():
        return None
    try:
        from dateutil.parser import parse

        return parse(stamp.read_text().strip()).timestamp()
    except (ValueError, OverflowError, ImportError):
        return None


def student_of(path: PurePosixPath, lesson: str) -> str | None:
    """El estudiante de un archivo de la fuente, o ``None`` si su nombre no lo dice."""
    for part in path.parts:
        match = MOODLE.match(part)
        if match:
            return match["student_id"]
    match = CANVAS.match(path.name)
    if match:
        return match["student_id"]
    if len(path.parts) >= 3 and path.parts[-2] == lesson and STUDENT_ID.match(path.parts[-3]):
        return path.parts[-3]  # submitted/<estudiante>/<lección>/<cuaderno>.ipynb
    stem = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
    if len(path.parts) <= 2 and STUDENT_ID.match(stem) and stem != lesson:
        return stem
    return None


def collect(sources: list[Path], lesson: str) -> list[Submission]:
    """Una :class:`Submission` por estudiante (la más reciente) y una por archivo sin estudiante."""
    by_student: dict[str, list[Entry]] = {}
    result = []
    for source in sources:
        for entry in _entries(source):
            student = student_of(entry.path, lesson)
            if student is None:
                result.append(
                    Submission(
                        entry.path.name,
                        str(entry.path),
                        None,
                        entry.timestamp,
                        [BAD_NAME.format(name=entry.path)],
                        gradable=False,
                    )
                )
            else:
                by_student.setdefault(student, []).append(entry)
    for student, entries in by_student.items():
        notebooks = [e for e in entries if e.path.suffix == ".ipynb"] or entries
        notebooks.sort(key=lambda e: (e.timestamp, str(e.path)))
        latest = notebooks[-1]
        submission = Submission(student, str(latest.path), latest.data, latest.timestamp)
        if len(notebooks) > 1:
            submission.problems.append(SEVERAL.format(count=len(notebooks), name=latest.path.name))
        result.append(submission)
    return sorted(result, key=lambda s: (not s.gradable, s.student_id))


def read_notebook(submission: Submission):
    """El cuaderno de la entrega, o ``None`` (con el problema anotado) si no lo es o está vacío."""
    name = PurePosixPath(submission.origin).name
    try:
        text = submission.data.decode("utf-8-sig")
        if not text.strip():
            submission.problems.append(EMPTY.format(name=name))
            return None
        raw = json.loads(text)
        if not isinstance(raw, dict) or "cells" not in raw:
            raise ValueError("sin celdas")
        nb = nbformat.reads(text, as_version=4)
    except (UnicodeDecodeError, ValueError, TypeError, AttributeError, KeyError, nbformat.reader.NotJSONError):
        submission.problems.append(NOT_NOTEBOOK.format(name=name))
        return None
    if not any(cell.get("source", "").strip() for cell in nb.cells):
        submission.problems.append(EMPTY.format(name=name))
        return None
    return nb


# --- Emparejar celdas con la publicación ------------------------------------------------------


def _meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def _kind(cell) -> str:
    meta = _meta(cell)
    if meta.get("solution"):
        return "solution"
    if meta.get("grade") or meta.get("locked") or meta.get("task"):
        return "test" if cell.cell_type == "code" else "locked"
    return "other"


def _lines(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if line.strip()]


DEFINES = re.compile(r"^\s*(?:def|class)\s+(\w+)", re.M)


def similarity(student: str, released: str) -> float:
    """Parecido (0-1) entre el código del estudiante y una celda publicada."""
    ratio = difflib.SequenceMatcher(None, _lines(released), _lines(student), autojunk=False).ratio()
    names = set(DEFINES.findall(released))
    if names and names <= set(DEFINES.findall(student)):
        ratio = max(ratio, 0.9)
    return ratio


def normalize(student_nb, release_nb, lesson: str = "") -> tuple[nbformat.NotebookNode, list[str]]:
    """El cuaderno a calificar: la publicación con las respuestas del estudiante en su sitio."""
    released = release_nb.cells
    cells = student_nb.cells
    candidates = []
    for i, cell in enumerate(cells):
        gid = _meta(cell).get("grade_id")
        for j, ref in enumerate(released):
            if ref.cell_type != cell.cell_type:
                continue
            sim = similarity(cell.get("source", ""), ref.source)
            base = 0
            if gid and gid == _meta(ref).get("grade_id"):
                base = 3
            elif cell.get("id") and cell.get("id") == ref.get("id"):
                base = 2
            elif sim < SIMILAR:
                continue
            candidates.append((base + sim, i, j))
    candidates.sort(key=lambda c: (-c[0], -c[1]))
    match_of: dict[int, int] = {}
    taken: set[int] = set()
    for _score, i, j in candidates:
        if i not in match_of and j not in taken:
            match_of[i] = j
            taken.add(j)

    notes = []
    with_meta = sum(1 for c in cells if _meta(c))
    if released and any(_meta(c) for c in released):
        if with_meta == 0:
            notes.append(NO_METADATA)
        elif any(_meta(released[j]) and not _meta(cells[i]) for i, j in match_of.items()):
            notes.append(SOME_METADATA)
    order = [match_of[i] for i in sorted(match_of)]
    if order != sorted(order):
        notes.append(REORDERED)

    extras: dict[int, list] = {}
    anchor = -1
    duplicated = set()
    for i, cell in enumerate(cells):
        if i in match_of:
            anchor = match_of[i]
            continue
        if cell.cell_type == "code" and cell.get("source", "").strip():
            near = max(
                ((similarity(cell.source, ref.source), j) for j, ref in enumerate(released) if ref.cell_type == "code"),
                default=(0, -1),
            )
            if near[0] >= SIMILAR and near[1] >= 0:
                ref = released[near[1]]
                duplicated.add(_meta(ref).get("grade_id") or ref.get("id", "?"))
                if _kind(ref) == "test":
                    continue  # una prueba copiada no cuenta: la original se ejecuta en su sitio
        extras.setdefault(anchor, []).append(cell)
    if duplicated:
        notes.append(DUPLICATED.format(cells=", ".join(sorted(duplicated))))

    student_at = {j: cells[i] for i, j in match_of.items()}
    out = copy.deepcopy(release_nb)
    out.cells = []
    tampered, missing_tests, missing_exercises = [], [], []
    counter = 0

    def add_extra(cell):
        nonlocal counter
        counter += 1
        new = nbformat.v4.new_code_cell(cell.source) if cell.cell_type == "code" else copy.deepcopy(cell)
        if cell.cell_type != "code":
            new.get("metadata", {}).pop("nbgrader", None)
        new["id"] = f"estudiante-{counter}"
        out.cells.append(new)

    for cell in extras.get(-1, []):
        add_extra(cell)
    for j, ref in enumerate(released):
        new = copy.deepcopy(ref)
        kind = _kind(ref)
        mine = student_at.get(j)
        gid = _meta(ref).get("grade_id", ref.get("id"))
        if kind == "solution":
            if mine is None:
                missing_exercises.append(gid)
            else:
                new.source = mine.get("source", "")
        elif kind in ("test", "locked") and _meta(ref).get("grade"):
            if mine is None:
                missing_tests.append(gid)
            elif _lines(mine.get("source", "")) != _lines(ref.source):
                tampered.append(gid)
        if new.cell_type == "code":
            new.outputs, new.execution_count = [], None
        out.cells.append(new)
        for cell in extras.get(j, []):
            add_extra(cell)
    if tampered:
        notes.append(TAMPERED.format(cells=", ".join(tampered)))
    if missing_tests:
        notes.append(MISSING_TESTS.format(cells=", ".join(missing_tests)))
    if missing_exercises:
        notes.append(MISSING_EXERCISES.format(cells=", ".join(missing_exercises)))
    if released and len(match_of) < 0.3 * len(released):
        notes.append(FOREIGN.format(lesson=lesson))
    return out, notes


def to_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode()
