"""Las palabras del calificador: incidencias y errores en español, ``grades.csv`` y el resumen.

Todo lo demás trabaja con datos (:class:`autograder.outcome.Note`, salidas de error de las celdas);
aquí, y solo aquí (y en :mod:`autograder.feedback`, que usa estas funciones), se convierten en
frases para el profesorado y los estudiantes.
"""

from __future__ import annotations

import csv
import html
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from autograder.outcome import Note, Status

# Una frase por incidencia; los campos entre llaves salen de los detalles de la nota.
MESSAGES: dict[Status, str] = {
    Status.BAD_NAME: "nombre de archivo inesperado ({name}): no se sabe de qué estudiante es; no se calificó",
    Status.NOT_NOTEBOOK: "no es un cuaderno de Jupyter ({name}); no se calificó",
    Status.EMPTY: "cuaderno vacío ({name}); no se calificó",
    Status.TOO_BIG: "archivo demasiado grande ({name}, más de {limit} MiB); no se calificó",
    Status.ARCHIVE_LIMIT: "la fuente {name} pasa los límites de lectura ({detail}): se leyó solo una parte",
    Status.SEVERAL: "{count} entregas: cuenta la más reciente ({name})",
    Status.UNTOUCHED: "sin respuestas: el cuaderno llegó sin ningún ejercicio hecho",
    Status.NO_METADATA: "sin metadatos de nbgrader (p. ej., Colab): celdas reconocidas por su contenido",
    Status.SOME_METADATA: "faltaban metadatos de nbgrader en algunas celdas: reconocidas por su contenido",
    Status.REORDERED: "celdas reordenadas: se calificó en el orden original",
    Status.TAMPERED: "celda de prueba modificada ({cells}): se restauró la original",
    Status.MISSING_TESTS: "faltaban celdas de prueba ({cells}): se restauraron",
    Status.MISSING_EXERCISES: "faltaban celdas de ejercicio ({cells})",
    Status.DUPLICATED: "celdas duplicadas ({cells}): se ejecutan todas, en su sitio",
    Status.FOREIGN: "el cuaderno no se parece a la lección {lesson}",
    Status.CELL_TIMEOUT: "Una celda superó el límite de tiempo ({limit:g} s)",
    Status.NOTEBOOK_TIMEOUT: "Se agotó el tiempo total del cuaderno ({limit:g} s)",
    Status.MEMORY: "memoria agotada (límite de {limit} MiB)",
    Status.KERNEL_DIED: "El núcleo de Python se detuvo (os._exit, un fallo grave o falta de memoria)",
    Status.SYS_EXIT: "el código llamó a sys.exit()",
    Status.INTERPRETER_MODIFIED: "el cuaderno modificó el intérprete: {detail}",
    Status.GRADER_ERROR: "error del calificador: {detail} (detalles en calificador.log)",
    Status.WORKER_LOST: (
        "sin calificar: el proceso de trabajo que la calificaba murió {tries} veces (se reintentó); "
        "vuelve a calificarla"
    ),
    Status.NO_ISOLATION: "calificado SIN AISLAMIENTO (--sin-aislamiento): el código corrió como el instructor",
    Status.MANUAL_PENDING: "pendiente de corrección manual: {points:g} puntos de preguntas escritas",
}


def describe(note: Note) -> str:
    """La frase en español de una incidencia."""
    template = MESSAGES[note.status]
    try:
        return template.format(**dict(note.details))
    except (KeyError, ValueError, IndexError):
        return template.split(" (")[0].split(":")[0]


def status_text(notes: list[Note]) -> str:
    """La columna ``status`` de ``grades.csv``: las incidencias separadas por «; », u «ok»."""
    return "; ".join(describe(n) for n in notes) if notes else "ok"


@dataclass(frozen=True)
class Failure:
    """Por qué una celda de prueba no dio la nota completa, y de qué clase es (``kind``)."""

    message: str
    kind: str  # falta, comprobacion, error, nombre, tiempo, parada, parcial


# Qué probar después, en una frase, según la clase de fallo (la retroalimentación añade la sección).
ADVICE = {
    "falta": "Escribe tu solución en la celda del ejercicio y ejecuta su comprobación hasta que pase.",
    "comprobacion": "Prueba tu función en el cuaderno con el caso que cita el mensaje y compara con lo esperado.",
    "error": "Ejecuta el ejercicio y su comprobación en tu cuaderno: verás tu línea que falla y qué significa.",
    "nombre": "Ejecuta el cuaderno de arriba abajo y arregla primero la primera celda que falle.",
    "tiempo": "Busca un bucle que no termina o un cálculo demasiado grande, y prueba con datos pequeños.",
    "parada": "El cuaderno se detuvo antes de llegar aquí: arregla lo que lo detuvo (mira los avisos de arriba).",
    "parcial": "La comprobación da puntos parciales: mira qué casos fallan en tu cuaderno.",
}


def cell_message(output: dict, frames: list | None = None, notebook=None, index: int | None = None) -> Failure:
    """Lo que falló en una celda de prueba, a partir de su salida de error.

    Args:
        output: la salida de error de la celda.
        frames: líneas del estudiante donde saltó la excepción (las manda el juez).
        notebook: el cuaderno calificado, para atribuir líneas a ejercicios y explicar un ``NameError``.
        index: la posición de la celda de prueba en ``notebook``.
    """
    from autograder.execute import stopped_note
    from shared.explain import explain

    ename, evalue = output.get("ename", ""), output.get("evalue", "")
    stopped = stopped_note(output)
    if stopped is not None:
        note, where = stopped
        kind = "tiempo" if note.status in (Status.CELL_TIMEOUT, Status.NOTEBOOK_TIMEOUT) else "parada"
        return Failure(f"{describe(note)} — {where}.", kind)
    if ename in ("CheckError", "AssertionError") and evalue:
        return Failure(evalue, "comprobacion")
    if ename == "NotImplementedError":
        return Failure("Falta tu solución: el ejercicio todavía lanza NotImplementedError.", "falta")
    if ename == "NameError":
        return _name_error(evalue, notebook, index)
    if ename == "CellTimeoutError":
        return Failure("La celda superó el límite de tiempo.", "tiempo")
    if ename == "NucleoPerdido":
        return Failure(f"El cuaderno dejó de atender a las pruebas: {evalue}", "parada")
    where = _where(frames or [], notebook)
    head = f"{ename} en tu código{where}" if frames else f"Error al ejecutar la prueba: {ename}"
    return Failure(f"{head}.\nQué significa: {explain(ename, evalue)}\nMensaje original: {evalue}", "error")


def _where(frames: list, notebook) -> str:
    """`` (ejercicio `x`, línea 3: código)`` para la línea del estudiante más interna."""
    if not frames:
        return ""
    frame = frames[-1]
    code = str(frame.get("code", "")).strip()
    exercise = ""
    for cell in notebook.cells if notebook is not None else []:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and code and code in cell.get("source", ""):
            exercise = f"ejercicio `{meta.get('grade_id')}`, "
            break
    return f" ({exercise}línea {frame.get('line')}: `{code}`)"


def _name_error(evalue: str, notebook, index: int | None) -> Failure:
    """Un nombre que la prueba no encuentra: si lo define una celda anterior que falló, se dice cuál."""
    import re

    from shared.explain import explain

    match = re.search(r"name '(\w+)' is not defined", evalue)
    name = match.group(1) if match else ""
    if name and notebook is not None and index is not None:
        definition = re.compile(rf"^\s*(?:def|class)\s+{name}\b|^\s*{name}\s*(?:,[^=]*)?=(?!=)", re.M)
        for cell in reversed(notebook.cells[:index]):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if cell.get("cell_type") == "code" and definition.search(cell.get("source", "")) and errors:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                which = f"la celda del ejercicio `{meta['grade_id']}`" if meta.get("grade_id") else "una celda anterior"
                error = errors[0]
                detail = f"{error.get('ename')}: {str(error.get('evalue', ''))[:300]}"
                if error.get("ename") == "NotImplementedError":
                    return Failure(f"La prueba no encuentra `{name}`: {which} todavía no tiene tu solución.", "falta")
                return Failure(
                    f"La prueba no encuentra `{name}` porque {which}, que lo define, falló: {detail}", "nombre"
                )
    if name:
        return Failure(
            f"No está definido `{name}`, que usa la prueba: ¿ejecutaste o completaste el ejercicio? "
            f"({explain('NameError', evalue)})",
            "nombre",
        )
    return Failure(f"No está definido lo que usa la prueba ({evalue}).", "nombre")


def _number(value: float) -> str:
    return f"{value:g}"


def write_csv(path: Path, results: list, grade_ids: list[str]) -> None:
    """Una fila por estudiante: identificador, nombre, nota, puntos pendientes de corrección manual, una
    columna por celda de prueba y por pregunta escrita (vacía mientras no se corrija), estado y aislamiento."""
    questions = list(dict.fromkeys(gid for result in results for gid in result.manual))  # orden del cuaderno
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "student_id",
                "name",
                "score",
                "max_score",
                "manual_pending",
                *grade_ids,
                *questions,
                "status",
                "isolation",
            ]
        )
        for result in results:
            cells = [result.cells.get(gid) for gid in grade_ids]
            manual = [result.manual.get(gid) for gid in questions]
            max_score = sum(c.max_score for c in [*cells, *manual] if c)
            unknown = result.origin_unknown()
            writer.writerow(
                [
                    result.student_id,
                    result.name,
                    "" if unknown else _number(result.score),
                    _number(max_score),
                    "" if unknown else _number(result.manual_pending),
                    *["" if unknown or c is None else _number(c.score) for c in cells],
                    *["" if unknown or c is None or c.kind == "pendiente" else _number(c.score) for c in manual],
                    status_text(result.notes),
                    result.isolation,
                ]
            )


def summary(results: list, grade_ids: list[str], seconds: float, jobs: int, isolation: str = "") -> str:
    """Tabla final: media por celda, notas y estados."""
    graded = [r for r in results if r.graded]
    lines = [
        "",
        f"Calificadas {len(graded)} de {len(results)} entregas en {seconds:.1f} s con {jobs} procesos"
        + (f" ({60 * len(graded) / seconds:.1f} por minuto)." if seconds > 0 and graded else "."),
    ]
    if isolation == "sin-aislamiento":
        lines.append("ATENCIÓN: SIN AISLAMIENTO. El código de los estudiantes corrió como tu usuario.")
    elif isolation:
        lines.append(f"Aislamiento: {isolation} (sin red, sin ver el repositorio ni otras entregas).")
    lines += ["", f"{'celda':<32} {'media':>7} {'máx':>5} {'aprobadas':>10}"]
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
    statuses = Counter("ok" if not r.notes else "con incidencias" for r in results)
    lines += ["", f"{'estudiante':<24} {'nota':>6}  estado"]
    for r in results:
        score = f"{r.score:g}" if not r.origin_unknown() else "-"
        lines.append(f"{r.student_id[:24]:<24} {score:>6}  {status_text(r.notes)[:90]}")
    lines += ["", ", ".join(f"{k}: {v}" for k, v in statuses.items())]
    return "\n".join(lines)


PAGE = """<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: {width}; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4rem .5rem; text-align: left; vertical-align: top; }}
.aviso {{ background: #fff6d6; border-left: 4px solid #e0b000; padding: .5rem .8rem; }}
{css}
</style>
</head>
<body>
<h1>{title}</h1>
{body}
</body>
</html>
"""


def html_page(title: str, body: str, css: str = "", width: str = "52rem") -> str:
    """Una página HTML en español, legible sin conexión: la retroalimentación y el informe de la clase.

    ``title`` es texto (se escapa aquí); ``body`` y ``css``, HTML y CSS ya preparados."""
    return PAGE.format(title=html.escape(title), body=body, css=css, width=width)
