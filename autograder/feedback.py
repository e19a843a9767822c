"""Retroalimentación en español, una página HTML por estudiante.

Muestra cada ejercicio (celda de prueba), sus puntos, el mensaje de cada fallo y qué probar después
(una frase y un enlace a la sección de la lección que lo explica), y las preguntas escritas como
«pendiente de corrección». No incluye el código de ninguna celda: ni las pruebas ocultas ni las
visibles (nbgrader#917 muestra las ocultas).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.report import ADVICE, describe, html_page

CSS = """td.puntos { white-space: nowrap; text-align: right; }
.ok { color: #176f2c; } .mal { color: #a61b1b; }
pre { white-space: pre-wrap; margin: 0; font-family: ui-monospace, monospace; font-size: .9rem; }
.pendiente { color: #7a5a00; } .probar { margin: .4rem 0 0; font-size: .95rem; }"""


@dataclass(frozen=True)
class Exercise:
    """Lo que la página dice de una celda calificada: su título y la sección de la lección que la explica."""

    title: str
    section: str
    link: str


def exercises(released, lesson: str) -> dict[str, Exercise]:
    """``grade_id -> Exercise`` de las celdas calificadas (pruebas y preguntas escritas).

    El título es el primer comentario de la celda de prueba (o la primera línea de la pregunta); la
    sección, el último encabezado de markdown anterior, con un enlace a esa celda en Colab.
    """
    from autograder.distribution import colab_url

    try:
        base = colab_url(lesson)
    except (KeyError, OSError):
        base = ""
    found, section, anchor = {}, "", ""
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown":
            # El último encabezado de la celda: en «## 3. Datos … ### Ejercicio 3 · …», el del ejercicio.
            heading = next((line for line in reversed(cell.source.splitlines()) if line.startswith("#")), "")
            if heading:
                section, anchor = heading.lstrip("#").strip(), cell.get("id", "")
        if not meta.get("grade"):
            continue
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        title = re.sub(r"^[#*\s]+|\*+$", "", first).strip() or meta["grade_id"]
        if cell.cell_type == "markdown":
            title = re.sub(r"\*\*", "", first).split(".")[0].strip() or meta["grade_id"]
        link = f"{base}#scrollTo={anchor}" if base and anchor else base
        found[meta["grade_id"]] = Exercise(title[:120], section, link)
    return found


def _outcome(result, cell) -> str:
    if not result.graded:
        return '<span class="mal">Sin calificar</span>'
    if cell.kind == "pendiente":
        return '<span class="pendiente">Pendiente de corrección</span> (la corrige tu profesor o profesora)'
    if cell.score >= cell.max_score:
        return '<span class="ok">Correcto</span>'
    return f'<span class="mal">Incorrecto</span><pre>{html.escape(cell.message or "Falló la prueba.")}</pre>'


def _next_step(cell, exercise: Exercise | None) -> str:
    """«Qué probar»: una frase según la clase de fallo y la sección de la lección que lo explica."""
    text = html.escape(ADVICE.get(cell.kind, ADVICE["comprobacion"]))
    if exercise and exercise.section:
        section = html.escape(exercise.section)
        link = f'<a href="{html.escape(exercise.link)}">{section}</a>' if exercise.link else f"«{section}»"
        text += f" Repasa {link}."
    return f'<p class="probar"><strong>Qué probar:</strong> {text}</p>'


def render(result, found: dict[str, Exercise], lesson: str) -> str:
    rows = []
    for gid, cell in [*result.cells.items(), *result.manual.items()]:
        exercise = found.get(gid)
        title = html.escape(exercise.title if exercise else gid)
        outcome = _outcome(result, cell)
        if result.graded and cell.kind not in ("", "pendiente") and cell.score < cell.max_score:
            outcome += _next_step(cell, exercise)
        points = "—" if cell.kind == "pendiente" else f"{cell.score:g}"
        rows.append(
            f"<tr><td>{title}<br><small><code>{html.escape(gid)}</code></small></td>"
            f'<td class="puntos">{points} / {cell.max_score:g}</td><td>{outcome}</td></tr>'
        )
    notes = ""
    if result.notes:
        items = "".join(f"<li>{html.escape(describe(note))}</li>" for note in result.notes)
        notes = f'<div class="aviso"><p>Avisos del calificador:</p><ul>{items}</ul></div>'
    max_score = sum(c.max_score for c in [*result.cells.values(), *result.manual.values()])
    student = html.escape(f"{result.name} ({result.student_id})" if result.name else result.student_id)
    body = (
        f"<p>Estudiante: <strong>{student}</strong></p>\n"
        f"<p>Nota: <strong>{result.score:g} de {max_score:g}</strong> puntos.</p>\n{notes}\n<table>\n"
        "<thead><tr><th>Ejercicio</th><th>Puntos</th><th>Resultado</th></tr></thead>\n"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>"
    )
    return html_page(f"Retroalimentación de {lesson}", body, CSS)


def write_all(folder: Path, results: list, released, lesson: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    found = exercises(released, lesson)
    for result in results:
        if result.origin_unknown():
            continue
        (folder / f"{result.student_id}.html").write_text(render(result, found, lesson), encoding="utf-8")
