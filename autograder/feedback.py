"""Retroalimentación en español, una página HTML por estudiante.

Muestra cada ejercicio (celda de prueba), sus puntos y el mensaje de cada fallo. No incluye el
código de ninguna celda: ni las pruebas ocultas ni las visibles (nbgrader#917 muestra las ocultas).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from autograder.report import describe

PAGE = """<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .5rem; text-align: left; vertical-align: top; }}
td.puntos {{ white-space: nowrap; text-align: right; }}
.ok {{ color: #176f2c; }} .mal {{ color: #a61b1b; }}
pre {{ white-space: pre-wrap; margin: 0; font-family: ui-monospace, monospace; font-size: .9rem; }}
.aviso {{ background: #fff6d6; border-left: 4px solid #e0b000; padding: .5rem .8rem; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Estudiante: <strong>{student}</strong></p>
<p>Nota: <strong>{score} de {max_score}</strong> puntos.</p>
{notes}
<table>
<thead><tr><th>Ejercicio</th><th>Puntos</th><th>Resultado</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""


def exercise_titles(released) -> dict[str, str]:
    """``grade_id -> título`` a partir del primer comentario visible de cada celda de prueba."""
    titles = {}
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            match = re.match(r"^\s*#\s*(.+)$", first)
            titles[meta["grade_id"]] = match.group(1).strip() if match else meta["grade_id"]
    return titles


def render(result, titles: dict[str, str], lesson: str) -> str:
    rows = []
    for gid, cell in result.cells.items():
        title = html.escape(titles.get(gid, gid))
        if not result.graded:
            outcome = '<span class="mal">Sin calificar</span>'
        elif cell.score >= cell.max_score:
            outcome = '<span class="ok">Correcto</span>'
        else:
            outcome = f'<span class="mal">Incorrecto</span><pre>{html.escape(cell.message or "Falló la prueba.")}</pre>'
        rows.append(
            f"<tr><td>{title}<br><small><code>{html.escape(gid)}</code></small></td>"
            f'<td class="puntos">{cell.score:g} / {cell.max_score:g}</td><td>{outcome}</td></tr>'
        )
    notes = ""
    if result.notes:
        items = "".join(f"<li>{html.escape(describe(note))}</li>" for note in result.notes)
        notes = f'<div class="aviso"><p>Avisos del calificador:</p><ul>{items}</ul></div>'
    max_score = sum(c.max_score for c in result.cells.values())
    return PAGE.format(
        title=html.escape(f"Retroalimentación de {lesson}"),
        student=html.escape(f"{result.name} ({result.student_id})" if result.name else result.student_id),
        score=f"{result.score:g}",
        max_score=f"{max_score:g}",
        notes=notes,
        rows="\n".join(rows),
    )


def write_all(folder: Path, results: list, released, lesson: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    titles = exercise_titles(released)
    for result in results:
        if result.origin_unknown():
            continue
        (folder / f"{result.student_id}.html").write_text(render(result, titles, lesson), encoding="utf-8")
