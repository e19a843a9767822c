"""``informe.html``: cómo le fue a la clase, para el profesorado (en español, legible sin conexión).

Con las notas del lote: el histograma de notas, el porcentaje de la clase que aprobó cada
ejercicio (gráfico de barras), el fallo más frecuente de cada ejercicio, las entregas que piden una
mirada (tiempo agotado, no calificables, núcleo muerto, intérprete modificado…) y los puntos de
preguntas escritas que faltan por corregir. Las figuras de matplotlib van dentro del HTML.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from pathlib import Path

from autograder.outcome import Status
from autograder.report import describe, html_page

# Incidencias por las que conviene mirar la entrega a mano.
NEEDS_A_LOOK = {
    Status.CELL_TIMEOUT,
    Status.NOTEBOOK_TIMEOUT,
    Status.MEMORY,
    Status.KERNEL_DIED,
    Status.GRADER_ERROR,
    Status.INTERPRETER_MODIFIED,
    Status.NOT_NOTEBOOK,
    Status.EMPTY,
    Status.TOO_BIG,
    Status.BAD_NAME,
    Status.ARCHIVE_LIMIT,
    Status.FOREIGN,
    Status.TAMPERED,
    Status.NO_ISOLATION,
}

CSS = """td.num { text-align: right; white-space: nowrap; }
img { max-width: 100%; }"""


def _figure_png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def _histogram(scores: list[float], max_score: float) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(7, 3))
    ax.hist(scores, bins=min(20, max(5, int(max_score) + 1)), range=(0, max_score or 1), color="#2a9d8f")
    ax.set_xlabel("nota (puntos automáticos y corregidos a mano)")
    ax.set_ylabel("entregas")
    ax.set_title("Notas de la clase")
    image = _figure_png(figure)
    plt.close(figure)
    return image


def _pass_rates(rates: dict[str, float]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(7, 0.35 * len(rates) + 1))
    names = list(rates)
    ax.barh(names, [100 * rates[n] for n in names], color="#457b9d")
    ax.set_xlim(0, 100)
    ax.set_xlabel("% de la clase con el ejercicio completo")
    ax.invert_yaxis()
    ax.set_title("Ejercicios aprobados")
    image = _figure_png(figure)
    plt.close(figure)
    return image


def render(results: list, lesson: str, titles: dict[str, str]) -> str:
    """La página del informe (HTML autocontenido) para los resultados de un lote."""
    graded = [r for r in results if r.graded]
    grade_ids = list(dict.fromkeys(gid for r in graded for gid in r.cells))
    max_score = max((sum(c.max_score for c in [*r.cells.values(), *r.manual.values()]) for r in graded), default=0)
    scores = [r.score for r in graded]
    parts = [
        f"<p>{len(results)} entregas, {len(graded)} calificadas. "
        + (f"Nota media {sum(scores) / len(scores):.2f} de {max_score:g}.</p>" if scores else "</p>")
    ]
    if scores:
        parts.append(f'<img alt="Histograma de notas" src="data:image/png;base64,{_histogram(scores, max_score)}">')
    rates = {
        gid: sum(1 for r in graded if gid in r.cells and r.cells[gid].score >= r.cells[gid].max_score) / len(graded)
        for gid in grade_ids
    }
    if rates:
        parts.append(f'<img alt="Ejercicios aprobados" src="data:image/png;base64,{_pass_rates(rates)}">')
        rows = []
        for gid in grade_ids:
            failures = Counter(r.cells[gid].message.split("\n")[0] for r in graded if r.cells[gid].message)
            common, count = failures.most_common(1)[0] if failures else ("", 0)
            rows.append(
                f"<tr><td>{html.escape(titles.get(gid, gid))}<br><small><code>{html.escape(gid)}</code></small></td>"
                f'<td class="num">{100 * rates[gid]:.0f} %</td>'
                f'<td>{html.escape(common[:300]) or "—"}</td><td class="num">{count or ""}</td></tr>'
            )
        parts.append(
            "<h2>Fallo más frecuente de cada ejercicio</h2><table><thead><tr><th>Ejercicio</th><th>Aprueban</th>"
            "<th>Mensaje más frecuente</th><th>Veces</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )
    look = [(r, n) for r in results for n in r.notes if n.status in NEEDS_A_LOOK]
    parts.append("<h2>Entregas que piden una mirada</h2>")
    if look:
        items = "".join(
            f"<li><strong>{html.escape(r.student_id)}</strong>: {html.escape(describe(n))}</li>" for r, n in look
        )
        parts.append(f'<div class="aviso"><ul>{items}</ul></div>')
    else:
        parts.append("<p>Ninguna.</p>")
    pending = [r for r in results if r.manual_pending]
    parts.append("<h2>Preguntas escritas</h2>")
    if pending:
        total = sum(r.manual_pending for r in pending)
        parts.append(
            f"<p>Faltan por corregir {total:g} puntos en {len(pending)} entregas: en formgrader "
            "(<code>make lab</code> → Nbgrader → Formgrader → Manual Grading) y después "
            f"<code>python -m autograder export {html.escape(lesson)}</code>.</p>"
        )
    else:
        parts.append("<p>No hay nada pendiente de corregir a mano.</p>")
    return html_page(f"Informe de la clase · {lesson}", "\n".join(parts), CSS, width="60rem")


def write(path: Path, results: list, lesson: str, released) -> None:
    from autograder.feedback import exercises

    titles = {gid: exercise.title for gid, exercise in exercises(released, lesson).items()}
    path.write_text(render(results, lesson, titles), encoding="utf-8")
