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

import contextlib
import copy
import difflib
import functools
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import nbformat

from autograder.outcome import Note, Status

MOODLE = re.compile(r"^(?P<name>.*?)_(?P<student_id>\d+)_assignsubmission_[a-z]+_(?P<file>.*)$")
CANVAS = re.compile(r"^(?P<name>[^_/]+)_(?:late_)?(?P<student_id>\d+)_(?P<file_id>\d+)_(?P<file>.+)$")
STUDENT_ID = re.compile(r"^[\w.@+-]+$")
IGNORED_NAMES = {"__MACOSX", ".ipynb_checkpoints", "Thumbs.db", "desktop.ini", "timestamp.txt"}
SIMILAR = 0.5


@dataclass(frozen=True)
class IntakeLimits:
    """Límites de la entrada: de una fuente solo se leen cuadernos, y nunca enteros si son enormes.

    Args:
        notebook_bytes: tamaño máximo de un cuaderno (se lee por trozos y se corta al pasarlo).
        members: archivos como máximo por fuente (carpeta o zip).
        depth: profundidad máxima de carpetas dentro de una fuente.
    """

    notebook_bytes: int = 50 << 20
    members: int = 10_000
    depth: int = 16


class TooBig(ValueError):
    """El archivo supera ``IntakeLimits.notebook_bytes``."""


@dataclass(frozen=True)
class Locator:
    """Dónde está un archivo de entrega: una ruta, o un miembro de un zip. Se lee bajo demanda."""

    source: str
    member: str | None = None
    size: int = 0

    def read(self, limit: int) -> bytes:
        """Los bytes del archivo, leídos por trozos; ``TooBig`` en cuanto pasan de ``limit``."""
        if self.size > limit:
            raise TooBig(self.size)
        with contextlib.ExitStack() as stack:
            if self.member is None:
                handle = stack.enter_context(open(self.source, "rb"))
            else:
                archive = stack.enter_context(zipfile.ZipFile(self.source))
                handle = stack.enter_context(archive.open(self.member))
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise TooBig(len(data))
        return data


@dataclass
class Entry:
    """Un archivo de la fuente: ruta relativa, dónde leerlo y fecha."""

    path: PurePosixPath
    locator: Locator
    timestamp: float


@dataclass
class Submission:
    """La entrega de un estudiante: dónde está y lo que hay que decir de ella.

    Args:
        student_id: el identificador que dan el LMS o el nombre del archivo.
        origin: la ruta del archivo dentro de la fuente.
        locator: dónde leerlo (``None`` si no hay nada que leer).
        timestamp: fecha de la entrega.
        notes: incidencias (:class:`autograder.outcome.Note`).
        gradable: ``False`` si no se sabe de quién es o no hay nada que calificar.
        name: el nombre del estudiante, si el LMS lo puso en el nombre del archivo.
    """

    student_id: str
    origin: str
    locator: Locator | None
    timestamp: float = 0.0
    notes: list[Note] = field(default_factory=list)
    gradable: bool = True
    name: str = ""


def _ignored(path: PurePosixPath) -> bool:
    return any(part in IGNORED_NAMES or part.startswith(".") for part in path.parts)


def _folder_entries(source: Path, limits: IntakeLimits) -> tuple[list[Entry], list[Note]]:
    entries: list[Entry] = []
    notes: list[Note] = []
    for folder, dirs, files in os.walk(source, followlinks=False):
        relative = PurePosixPath(Path(folder).relative_to(source).as_posix())
        depth = 0 if str(relative) == "." else len(relative.parts)
        if depth >= limits.depth:
            dirs[:] = []
            notes.append(Note.of(Status.ARCHIVE_LIMIT, name=source.name, detail=f"más de {limits.depth} niveles"))
            continue
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            rel = relative / name if depth else PurePosixPath(name)
            if path.is_symlink() or not path.is_file() or _ignored(rel):
                continue
            if len(entries) >= limits.members:
                notes.append(
                    Note.of(Status.ARCHIVE_LIMIT, name=source.name, detail=f"más de {limits.members} archivos")
                )
                return entries, notes
            stamp = _nbgrader_timestamp(path) or path.stat().st_mtime
            entries.append(Entry(rel, Locator(str(path), None, path.stat().st_size), stamp))
    return entries, notes


def _zip_entries(source: Path, limits: IntakeLimits) -> tuple[list[Entry], list[Note]]:
    entries: list[Entry] = []
    notes: list[Note] = []
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if info.is_dir() or _ignored(path):
                continue
            if len(path.parts) > limits.depth:
                notes.append(Note.of(Status.ARCHIVE_LIMIT, name=source.name, detail=f"más de {limits.depth} niveles"))
                continue
            if len(entries) >= limits.members:
                notes.append(
                    Note.of(Status.ARCHIVE_LIMIT, name=source.name, detail=f"más de {limits.members} archivos")
                )
                break
            stamp = datetime(*info.date_time).timestamp()
            entries.append(Entry(path, Locator(str(source), info.filename, info.file_size), stamp))
    return entries, notes


def _entries(source: Path, limits: IntakeLimits) -> tuple[list[Entry], list[Note]]:
    """Los archivos de una fuente (sin leerlos) y las incidencias de la propia fuente."""
    source = Path(source)
    if source.is_dir():
        entries, notes = _folder_entries(source, limits)
    elif zipfile.is_zipfile(source):
        entries, notes = _zip_entries(source, limits)
    elif source.is_file():
        entries, notes = [Entry(PurePosixPath(source.name), Locator(str(source), None, source.stat().st_size), 0)], []
        entries[0].timestamp = source.stat().st_mtime
    else:
        raise FileNotFoundError(f"No existe la fuente de entregas: {source}")
    return entries, list(dict.fromkeys(notes))


def _nbgrader_timestamp(path: Path) -> float | None:
    stamp = path.parent / "timestamp.txt"
    if path.suffix != ".ipynb" or not stamp.exists():
        return None
    try:
        from dateutil.parser import parse

        return parse(stamp.read_text()[:100].strip()).timestamp()
    except (ValueError, OverflowError, ImportError, OSError):
        return None


def student_of(path: PurePosixPath, lesson: str) -> tuple[str, str] | None:
    """``(estudiante, nombre)`` de un archivo de la fuente, o ``None`` si su nombre no lo dice."""
    for part in path.parts:
        match = MOODLE.match(part)
        if match:
            return match["student_id"], match["name"].strip()
    match = CANVAS.match(path.name)
    if match:
        return match["student_id"], match["name"]
    if len(path.parts) >= 3 and path.parts[-2] == lesson and STUDENT_ID.match(path.parts[-3]):
        return path.parts[-3], ""  # submitted/<estudiante>/<lección>/<cuaderno>.ipynb
    stem = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
    if len(path.parts) <= 2 and STUDENT_ID.match(stem) and stem != lesson:
        return stem, ""
    return None


def collect(sources: list[Path], lesson: str, limits: IntakeLimits | None = None) -> list[Submission]:
    """Una :class:`Submission` por estudiante (la más reciente), una por archivo sin estudiante y una
    por fuente que pasó algún límite. No lee el contenido de ningún archivo."""
    limits = limits or IntakeLimits()
    by_student: dict[str, list[tuple[Entry, str]]] = {}
    result = []
    for source in sources:
        entries, notes = _entries(source, limits)
        for note in notes:
            result.append(Submission(Path(source).name, str(source), None, 0.0, [note], gradable=False))
        for entry in entries:
            found = student_of(entry.path, lesson)
            if found is None:
                note = Note.of(Status.BAD_NAME, name=str(entry.path))
                result.append(Submission(entry.path.name, str(entry.path), None, entry.timestamp, [note], False))
            else:
                by_student.setdefault(found[0], []).append((entry, found[1]))
    for student, entries in by_student.items():
        notebooks = [e for e in entries if e[0].path.suffix == ".ipynb"] or entries
        notebooks.sort(key=lambda e: (e[0].timestamp, str(e[0].path)))
        latest, name = notebooks[-1]
        submission = Submission(student, str(latest.path), latest.locator, latest.timestamp, name=name)
        if len(notebooks) > 1:
            submission.notes.append(Note.of(Status.SEVERAL, count=len(notebooks), name=latest.path.name))
        result.append(submission)
    return sorted(result, key=lambda s: (not s.gradable, s.student_id))


def read_notebook(submission: Submission, limit: int = IntakeLimits.notebook_bytes):
    """El cuaderno de la entrega, o ``None`` (con la incidencia anotada) si no lo es, está vacío o
    es demasiado grande. Se leen como mucho ``limit`` bytes."""
    name = PurePosixPath(submission.origin).name
    if submission.locator is None:
        return None
    try:
        data = submission.locator.read(limit)
    except TooBig:
        submission.notes.append(Note.of(Status.TOO_BIG, name=name, limit=limit >> 20))
        return None
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError, NotImplementedError) as error:
        submission.notes.append(Note.of(Status.NOT_NOTEBOOK, name=name, detail=str(error)[:200]))
        return None
    try:
        text = data.decode("utf-8-sig")
        if not text.strip():
            submission.notes.append(Note.of(Status.EMPTY, name=name))
            return None
        raw = json.loads(text)
        if not isinstance(raw, dict) or "cells" not in raw:
            raise ValueError("sin celdas")
        nb = nbformat.reads(text, as_version=4)
    except (UnicodeDecodeError, ValueError, TypeError, AttributeError, KeyError, RecursionError):
        submission.notes.append(Note.of(Status.NOT_NOTEBOOK, name=name))
        return None
    if not any(isinstance(cell.get("source"), str) and cell.get("source", "").strip() for cell in nb.cells):
        submission.notes.append(Note.of(Status.EMPTY, name=name))
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


@functools.cache
def _text_stub() -> str:
    """Lo que deja nbgrader en lugar de una respuesta escrita (``ClearSolutions.text_stub``)."""
    from autograder.course import load_config

    return load_config().ClearSolutions.text_stub


def answer_similarity(student: str, released: str) -> float:
    """Parecido de una respuesta escrita: la fracción de líneas del enunciado publicado (sin el
    «TU RESPUESTA AQUÍ») que siguen en la celda del estudiante, por larga que sea su respuesta."""
    question = [line for line in _lines(released) if line != _text_stub()]
    kept = set(_lines(student))
    return sum(line in kept for line in question) / len(question) if question else 0.0


def normalize(student_nb, release_nb, lesson: str = "") -> tuple[nbformat.NotebookNode, list[Note]]:
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
            if ref.cell_type == "markdown" and _meta(ref).get("solution"):
                sim = max(sim, answer_similarity(cell.get("source", ""), ref.source))
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
            notes.append(Note.of(Status.NO_METADATA))
        elif any(_meta(released[j]) and not _meta(cells[i]) for i, j in match_of.items()):
            notes.append(Note.of(Status.SOME_METADATA))
    order = [match_of[i] for i in sorted(match_of)]
    if order != sorted(order):
        notes.append(Note.of(Status.REORDERED))

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
        notes.append(Note.of(Status.DUPLICATED, cells=", ".join(sorted(duplicated))))

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
        notes.append(Note.of(Status.TAMPERED, cells=", ".join(tampered)))
    if missing_tests:
        notes.append(Note.of(Status.MISSING_TESTS, cells=", ".join(missing_tests)))
    if missing_exercises:
        notes.append(Note.of(Status.MISSING_EXERCISES, cells=", ".join(missing_exercises)))
    if released and len(match_of) < 0.3 * len(released):
        notes.append(Note.of(Status.FOREIGN, lesson=lesson))
    elif _untouched(out, release_nb):
        notes.append(Note.of(Status.UNTOUCHED))
    return out, notes


def _untouched(nb, release_nb) -> bool:
    """Todas las celdas de ejercicio siguen como en la publicación (nadie respondió nada)."""
    mine = [_lines(c.source) for c in nb.cells if _kind(c) == "solution"]
    theirs = [_lines(c.source) for c in release_nb.cells if _kind(c) == "solution"]
    return bool(theirs) and mine == theirs


def to_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode()
