"""Las notas y la retroalimentación, de vuelta al LMS del que vinieron las entregas.

Si las entregas llegaron en el zip de Moodle o de Canvas, el calificador escribe además:

- ``moodle_calificaciones.csv``: la hoja de calificaciones *offline* de la tarea de Moodle
  (*Calificación → Subir hoja de calificaciones*), con el identificador «Participante<ID>» que
  Moodle puso en los nombres del zip. Moodle reconoce las columnas por su nombre en el idioma del
  sitio: ``idioma="es"`` o ``"en"``.
- ``moodle_retroalimentacion.zip``: una página por estudiante en la misma carpeta en la que Moodle
  puso su entrega (``Nombre_ID_assignsubmission_file_/retroalimentacion.html``), para *Subir
  varios archivos de retroalimentación en un zip*.
- ``canvas_calificaciones.csv``: el formato de importación del libro de calificaciones de Canvas
  (*Calificaciones → Importar*): ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
  ``Section`` y una columna con el nombre de la tarea.
- ``canvas_retroalimentacion.zip``: cada página con el prefijo del archivo que Canvas puso en su
  descarga, para *Volver a subir entregas* (Canvas la adjunta como comentario a la entrega).
"""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from autograder.intake import CANVAS, MOODLE

# Cabeceras de la hoja de calificaciones de Moodle (cadenas de mod_assign, en inglés y en español).
MOODLE_COLUMNS = {
    "en": [
        "Identifier",
        "Full name",
        "Email address",
        "Status",
        "Grade",
        "Maximum Grade",
        "Grade can be changed",
        "Last modified (submission)",
        "Last modified (grade)",
        "Feedback comments",
    ],
    "es": [
        "Identificador",
        "Nombre completo",
        "Dirección de correo",
        "Estado",
        "Calificación",
        "Calificación máxima",
        "La calificación puede ser cambiada",
        "Última modificación (entrega)",
        "Última modificación (calificación)",
        "Comentarios de retroalimentación",
    ],
}
MOODLE_PARTICIPANT = {"en": "Participant", "es": "Participante"}  # la cadena 'hiddenuser' de mod_assign
MOODLE_YES = {"en": "Yes", "es": "Sí"}
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
FEEDBACK_NAME = "retroalimentacion.html"


def origin_in_lms(origin: str) -> tuple[str, str, str] | None:
    """``(lms, id, prefijo)`` de un archivo de un zip de Moodle o Canvas; ``None`` si no lo es.

    El prefijo es la carpeta (Moodle) o el comienzo del nombre (Canvas) que el LMS puso en la
    descarga y que reconoce al subir la retroalimentación.
    """
    path = PurePosixPath(origin)
    for part in path.parts:
        match = MOODLE.match(part)
        if match:
            plugin = re.match(r"^(.*?_assignsubmission_[a-z]+_)", part)
            return "moodle", match["student_id"], plugin.group(1) if plugin else part
    match = CANVAS.match(path.name)
    if match:
        return "canvas", match["student_id"], path.name[: len(path.name) - len(match["file"])]
    return None


def _by_lms(results: list, lms: str) -> list[tuple]:
    found = []
    for result in results:
        where = origin_in_lms(result.origin) if not result.origin_unknown() else None
        if where and where[0] == lms:
            found.append((result, where))
    return found


def _comment(result) -> str:
    from autograder.report import status_text

    text = f"Nota automática: {result.score:g}."
    if result.manual_pending:
        text += f" Pendiente de corrección manual: {result.manual_pending:g} puntos."
    status = status_text(result.notes)
    return text if status == "ok" else f"{text} Avisos: {status}"


def write_moodle(folder: Path, results: list, max_score: float, language: str = "es") -> Path | None:
    """La hoja de calificaciones de Moodle, o ``None`` si ninguna entrega vino de Moodle."""
    rows = _by_lms(results, "moodle")
    if not rows:
        return None
    path = folder / "moodle_calificaciones.csv"
    now = datetime.now().strftime("%Y-%m-%d %H:%M")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MOODLE_COLUMNS[language])
        for result, (_lms, participant, _prefix) in rows:
            writer.writerow(
                [
                    f"{MOODLE_PARTICIPANT[language]}{participant}",
                    result.name,
                    "",
                    "",
                    f"{result.score:g}",
                    f"{max_score:g}",
                    MOODLE_YES[language],
                    "",
                    now,
                    _comment(result),
                ]
            )
    return path


def write_canvas(folder: Path, results: list, assignment: str) -> Path | None:
    """El CSV de importación del libro de calificaciones de Canvas, o ``None`` si no hay entregas de Canvas."""
    rows = _by_lms(results, "canvas")
    if not rows:
        return None
    path = folder / "canvas_calificaciones.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*CANVAS_COLUMNS, assignment])
        for result, (_lms, user_id, _prefix) in rows:
            writer.writerow([result.name, user_id, "", "", "", f"{result.score:g}"])
    return path


def write_feedback_zips(folder: Path, results: list, pages: Path) -> list[Path]:
    """Los zips de retroalimentación para Moodle y Canvas (solo los de los LMS de los que hubo entregas)."""
    written = []
    for lms, name in (("moodle", "moodle_retroalimentacion.zip"), ("canvas", "canvas_retroalimentacion.zip")):
        rows = _by_lms(results, lms)
        if not rows:
            continue
        path = folder / name
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for result, (_lms, _id, prefix) in rows:
                page = pages / f"{result.student_id}.html"
                if page.exists():
                    member = f"{prefix}/{FEEDBACK_NAME}" if lms == "moodle" else f"{prefix}{FEEDBACK_NAME}"
                    archive.write(page, member)
        written.append(path)
    return written


def write_all(folder: Path, results: list, max_score: float, lesson: str, settings) -> list[Path]:
    """Todo lo que va de vuelta a los LMS de los que vinieron las entregas."""
    written = [
        write_moodle(folder, results, max_score, getattr(settings, "moodle_language", "es")),
        write_canvas(folder, results, getattr(settings, "canvas_assignment", "") or lesson),
        *write_feedback_zips(folder, results, folder / "feedback"),
    ]
    return [path for path in written if path is not None]
