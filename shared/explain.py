"""Errores explicados en español: qué significa la excepción y en qué línea de tu código saltó.

Cuando tu código lanza una excepción (en una celda tuya o dentro de una comprobación), el cuaderno
muestra primero, en español, qué quiere decir, tu propia línea que falló y el mensaje original;
debajo sigue el *traceback* de siempre. Un ``NameError`` que viene de una celda anterior que falló
señala esa celda y su error. :func:`shared.setup` lo activa; el calificador usa las mismas frases
en la retroalimentación.

Ejemplo::

    >>> explain("TypeError", "unsupported operand type(s) for +: 'NoneType' and 'float'")
    'Una de tus funciones devolvió None (¿falta el `return`?) y después se usó como un número.'
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass

# Frases para mensajes concretos (de numpy, PyTorch, Keras, scikit-learn), de más a menos específico.
PATTERNS: list[tuple[str, str]] = [
    (
        r"'NoneType' object is not (callable|subscriptable|iterable)|"
        r"unsupported operand type\(s\) for .*'NoneType'|NoneType.* has no attribute",
        "Una de tus funciones devolvió None (¿falta el `return`?) y después se usó como un número.",
    ),
    (
        r"operands could not be broadcast together with shapes? (\S+) (\S+)",
        "numpy no pudo combinar arreglos de formas {0} y {1}: revisa las formas (`.shape`), el eje de las "
        "sumas y si hace falta `reshape` o trasponer.",
    ),
    (
        r"shapes \(([^)]*)\) and \(([^)]*)\) not aligned|matmul: Input operand \d has a mismatch",
        "Producto de matrices con formas que no encajan: en A @ B las columnas de A deben ser las filas de B. "
        "¿Falta trasponer una de las dos?",
    ),
    (
        r"mat1 and mat2 shapes cannot be multiplied \(([^)]*) and ([^)]*)\)",
        "PyTorch no pudo multiplicar matrices de formas {0} y {1}: el número de entradas de una capa "
        "`nn.Linear` debe coincidir con las salidas de la anterior.",
    ),
    (
        r"The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\)",
        "Dos tensores de tamaños {0} y {1} no se pueden combinar: revisa sus formas (`.shape`).",
    ),
    (
        r"truth value of an array with more than one element is ambiguous|"
        r"Boolean value of Tensor with more than one value is ambiguous",
        "Usaste un arreglo donde Python esperaba un solo True/False (en un `if`, `and` u `or`): usa "
        "`np.any(...)`/`np.all(...)`, o trabaja elemento a elemento con `np.where`.",
    ),
    (
        r"Expected all tensors to be on the same device",
        "Hay tensores en dispositivos distintos (CPU y GPU): mueve el modelo y los datos con `.to(dispositivo)`.",
    ),
    (
        r"Can't call numpy\(\) on Tensor that requires grad",
        "Para pasar a numpy un tensor que lleva gradiente, usa `.detach().numpy()`.",
    ),
    (
        r"element 0 of tensors does not require grad|does not have a grad_fn",
        "El resultado no está conectado con los parámetros: ¿usaste `.item()`, `.detach()` o numpy por el camino?",
    ),
    (
        r"Trying to backward through the graph a second time",
        "Llamaste a `backward()` dos veces sobre el mismo grafo: calcula la pérdida de nuevo en cada paso.",
    ),
    (
        r"Found unknown categories",
        "El codificador encontró categorías que no vio al ajustarse: ajústalo con los datos de entrenamiento y "
        "usa `handle_unknown='ignore'`.",
    ),
    (
        r"Input \d+ of layer .* is incompatible|expected (axis|shape).*found shape|Arguments `target` and `output`",
        "La forma de los datos no encaja con la que espera el modelo de Keras: revisa `keras.Input(shape=...)`, "
        "la capa de salida y la forma de las etiquetas.",
    ),
    (
        r"could not convert string to float",
        "Hay texto donde se esperaban números: codifica las columnas de categorías antes de usarlas.",
    ),
    (
        r"takes (\d+) positional arguments? but (\d+) (?:was|were) given|missing \d+ required positional argument",
        "La función se llamó con otro número de argumentos del que acepta: compara su `def` con la llamada.",
    ),
]

# Frase general por tipo de excepción.
MEANINGS: dict[str, str] = {
    "NameError": "Usas un nombre que Python no conoce: una variable o función sin definir, mal escrita, o de una "
    "celda que no se ejecutó (o que falló).",
    "TypeError": "Una operación recibió un valor de un tipo que no esperaba (por ejemplo, None donde iba un número).",
    "ValueError": "El tipo es correcto pero el valor no sirve (formas que no encajan, un valor fuera de rango...).",
    "KeyError": "Buscas en un diccionario o en una tabla una clave que no existe: revisa cómo se escribe.",
    "IndexError": "Accedes a una posición que no existe: revisa los índices y la longitud (o la forma).",
    "AttributeError": "Ese objeto no tiene el atributo o el método que usas: ¿es del tipo que crees?",
    "ZeroDivisionError": "Hay una división entre cero.",
    "NotImplementedError": "El ejercicio todavía no tiene tu solución: borra `raise NotImplementedError()` y escribe "
    "tu código.",
    "RecursionError": "Una función se llama a sí misma sin parar: le falta el caso que termina.",
    "MemoryError": "Se acabó la memoria: probablemente un arreglo enorme o un bucle que crece sin fin.",
    "RuntimeError": "El framework (PyTorch, TensorFlow) no pudo hacer la operación: lee el mensaje original.",
    "StopIteration": "Se pidió un elemento más a un iterador que ya se había agotado.",
    "UnboundLocalError": "Usas una variable local antes de darle valor dentro de la función.",
}


def explain(ename: str, message: str) -> str:
    """Qué significa, en español, la excepción ``ename`` con este ``message``."""
    for pattern, sentence in PATTERNS:
        match = re.search(pattern, message or "")
        if match:
            return sentence.format(*[g for g in match.groups() if g is not None])
    return MEANINGS.get(ename, f"Python lanzó {ename}: lee el mensaje original.")


@dataclass(frozen=True)
class Place:
    """Una línea del código del cuaderno (no de una biblioteca) por la que pasó la excepción."""

    cell: str  # nombre del archivo de la celda, o "celda [n]"
    line: int
    code: str


def notebook_places(tb, numbers: dict[str, int] | None = None) -> list[Place]:
    """Las líneas del *traceback* que son de celdas del cuaderno, de la más externa a la más interna.

    Args:
        tb: el *traceback*.
        numbers: ``archivo -> número de ejecución`` de las celdas (el ``_filename_map`` de IPython),
            para decir «celda [5]» en lugar del nombre del archivo temporal.
    """
    places = []
    for frame in traceback.extract_tb(tb):
        name = frame.filename
        if name.startswith("<ipython-input-") or "/ipykernel_" in name or name.startswith("<cell"):
            number = (numbers or {}).get(name)
            match = re.match(r"<ipython-input-(\d+)-", name)
            cell = f"celda [{number}]" if number else f"celda [{match.group(1)}]" if match else "una celda"
            places.append(Place(cell, frame.lineno or 0, (frame.line or "").strip()))
    return places


# Celdas que fallaron en esta sesión: (número de ejecución, código, tipo, mensaje). Las registra un
# evento de IPython (ver :func:`install`) para explicar los NameError que vienen de ellas.
_failed_cells: list[tuple[int, str, str, str]] = []


def defining_cell(name: str) -> tuple[int, str, str, str] | None:
    """La última celda que falló y que define ``name`` (``def name``, ``class name`` o ``name =``)."""
    definition = re.compile(rf"^\s*(?:def|class)\s+{re.escape(name)}\b|^\s*{re.escape(name)}\s*(?:,[^=]*)?=(?!=)", re.M)
    for failure in reversed(_failed_cells):
        if definition.search(failure[1]):
            return failure
    return None


def lines_for(ename: str, message: str, places: list[Place]) -> list[str]:
    """Las líneas en español que preceden al *traceback*: tu línea, qué significa y el mensaje original."""
    lines = [f"❌ {ename} en tu código"]
    if places:
        where = places[-1]
        lines[0] += f" ({where.cell}, línea {where.line}): {where.code}"
    lines.append(f"   Qué significa: {explain(ename, message)}")
    if ename == "NameError":
        match = re.search(r"name '(\w+)' is not defined", message or "")
        failed = defining_cell(match.group(1)) if match else None
        if failed:
            lines.append(
                f"   `{match.group(1)}` lo define la celda [{failed[0]}], que falló antes con {failed[2]}: "
                f"{failed[3][:200]}. Arregla primero esa celda."
            )
    lines.append(f"   Mensaje original: {message}")
    return [*lines, ""]


def install(shell) -> None:
    """Activa las explicaciones en el IPython de ``shell`` (lo llama :func:`shared.setup`)."""
    tb = shell.InteractiveTB
    if getattr(tb, "_explicado", False):
        return
    original = tb.structured_traceback

    def structured_traceback(etype, evalue, etb=None, tb_offset=None, *args, **kwargs):
        stb = original(etype, evalue, etb, tb_offset, *args, **kwargs)
        try:
            numbers = getattr(shell.compile, "_filename_map", {})
            extra = lines_for(etype.__name__, str(evalue), notebook_places(etb, numbers))
        except Exception:  # noqa: BLE001 - la explicación nunca debe tapar el error de verdad
            extra = []
        return [*extra, *stb]

    def record(result) -> None:
        error = getattr(result, "error_in_exec", None)
        if error is not None and not isinstance(error, SyntaxError):
            _failed_cells.append((result.execution_count or 0, result.info.raw_cell, type(error).__name__, str(error)))
            del _failed_cells[:-50]

    tb.structured_traceback = structured_traceback
    tb._explicado = True
    shell.events.register("post_run_cell", record)
