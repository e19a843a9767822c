"""``grades.csv`` (módulo ``csv``: comillas donde hagan falta) y el resumen en la terminal."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path


def _number(value: float) -> str:
    return f"{value:g}"


def write_csv(path: Path, results: list, grade_ids: list[str]) -> None:
    """Una fila por estudiante: student_id, score, max_score, una columna por celda y status."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "score", "max_score", *grade_ids, "status"])
        for result in results:
            cells = [result.cells.get(gid) for gid in grade_ids]
            max_score = sum(c.max_score for c in cells if c)
            if result.origin_unknown():
                writer.writerow([result.student_id, "", _number(max_score), *[""] * len(grade_ids), result.status_text])
                continue
            writer.writerow(
                [
                    result.student_id,
                    _number(result.score),
                    _number(max_score),
                    *[_number(c.score) if c else "" for c in cells],
                    result.status_text,
                ]
            )


def summary(results: list, grade_ids: list[str], seconds: float, jobs: int) -> str:
    """Tabla final: media por celda, notas y estados."""
    graded = [r for r in results if r.graded]
    lines = [
        "",
        f"Calificadas {len(graded)} de {len(results)} entregas en {seconds:.1f} s con {jobs} procesos"
        + (f" ({60 * len(graded) / seconds:.1f} por minuto)." if seconds > 0 and graded else "."),
        "",
        f"{'celda':<32} {'media':>7} {'máx':>5} {'aprobadas':>10}",
    ]
    for gid in grade_ids:
        cells = [r.cells[gid] for r in graded if gid in r.cells]
        if not cells:
            continue
        mean = sum(c.score for c in cells) / len(cells)
        full = sum(1 for c in cells if c.score >= c.max_score)
        lines.append(f"{gid:<32} {mean:>7.2f} {cells[0].max_score:>5g} {full:>5}/{len(cells):<4}")
    if graded:
        total = sum(r.score for r in graded) / len(graded)
        max_total = sum(c.max_score for c in graded[0].cells.values())
        lines.append(f"{'TOTAL (media)':<32} {total:>7.2f} {max_total:>5g}")
    statuses = Counter(r.status_text if r.status_text == "ok" else "con incidencias" for r in results)
    lines.append("")
    lines.append(f"{'estudiante':<24} {'nota':>6}  estado")
    for r in results:
        score = f"{r.score:g}" if not r.origin_unknown() else "-"
        lines.append(f"{r.student_id[:24]:<24} {score:>6}  {r.status_text[:90]}")
    lines.append("")
    lines.append(", ".join(f"{k}: {v}" for k, v in statuses.items()))
    return "\n".join(lines)
