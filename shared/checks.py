"""Comprobaciones para las celdas de prueba, con mensajes en español que dicen qué falla.

Cada función lanza :class:`CheckError` (una ``AssertionError``) con un mensaje que nombra la
variable, lo esperado y lo obtenido. Cuando la respuesta del estudiante coincide con un error
típico conocido (``mistakes``), el mensaje nombra ese error.

Ejemplo::

    check_close(salida, 0.731, "salida", mistakes={"olvidaste sumar el sesgo": 0.5})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np


class CheckError(AssertionError):
    """Una comprobación no se cumplió; el mensaje explica por qué, en español.

    En el cuaderno se muestra sola, sin el *traceback* que pasa por este módulo: el ejercicio (el
    comentario con el que empieza la celda de comprobación), la frase y la pista. Sigue siendo un
    error, así que la calificación no cambia.
    """

    def _render_traceback_(self) -> list[str]:
        title = _cell_title(self.__traceback__)
        lines = str(self).splitlines() or [""]
        return [f"❌ {title}: {lines[0]}" if title else f"❌ {lines[0]}", *lines[1:]]


def _cell_title(tb) -> str:
    """El comentario de la primera línea de la celda del cuaderno por la que pasó la excepción."""
    import linecache
    import traceback

    for frame in traceback.extract_tb(tb):
        name = frame.filename
        if name.startswith("<ipython-input-") or "/ipykernel_" in name or name.startswith("<cell"):
            first = linecache.getline(name, 1).strip()
            return first.lstrip("#").strip() if first.startswith("#") else ""
    return ""


def to_numpy(value: Any) -> Any:
    """Convierte tensores de PyTorch o TensorFlow a numpy; deja lo demás igual."""
    if hasattr(value, "detach"):  # torch.Tensor
        return value.detach().cpu().numpy()
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray | np.generic):  # tf.Tensor
        return value.numpy()
    return value


def _fmt(value: Any) -> str:
    array = np.asarray(value) if _is_numeric(value) else None
    if array is not None and array.ndim > 0:
        text = np.array2string(array, precision=4, threshold=12, suppress_small=True)
        return text.replace("\n", " ")
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return repr(value)


def _is_numeric(value: Any) -> bool:
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - cualquier cosa que numpy no entienda no es numérica
        return False
    return array.dtype.kind in "biuf"


def _fail(message: str, hint: str | None = None) -> None:
    if hint:
        message += f"\nPista: {hint}"
    raise CheckError(message)


def _matching_mistake(obtained: Any, mistakes: Mapping[str, Any] | None, atol: float, rtol: float) -> str | None:
    for description, wrong_value in (mistakes or {}).items():
        try:
            wrong = np.asarray(wrong_value, dtype=float)
            got = np.asarray(obtained, dtype=float)
        except (TypeError, ValueError):
            continue
        if wrong.shape == got.shape and np.allclose(got, wrong, atol=atol, rtol=rtol):
            return description
    return None


def check_type(obtained: Any, expected: type | tuple[type, ...], name: str, hint: str | None = None) -> None:
    """Comprueba que ``obtained`` sea de tipo ``expected``."""
    if not isinstance(obtained, expected):
        kinds = expected if isinstance(expected, tuple) else (expected,)
        wanted = " o ".join(k.__name__ for k in kinds)
        if obtained is None:
            _fail(f"`{name}` es None: ¿olvidaste el `return`? Se esperaba un valor de tipo {wanted}.", hint)
        _fail(f"`{name}` es de tipo {type(obtained).__name__}, pero se esperaba {wanted}.", hint)


def check_callable(obtained: Any, name: str) -> None:
    """Comprueba que ``obtained`` sea una función (u otro objeto invocable)."""
    if not callable(obtained):
        _fail(f"`{name}` debería ser una función, pero es de tipo {type(obtained).__name__}.")


def check_shape(obtained: Any, expected_shape: tuple[int, ...], name: str, hint: str | None = None) -> None:
    """Comprueba la forma (``shape``) de un arreglo."""
    if obtained is None:
        _fail(f"`{name}` es None: ¿olvidaste el `return`?", hint)
    shape = tuple(np.shape(obtained))
    expected_shape = tuple(expected_shape)
    if shape != expected_shape:
        extra = ""
        if shape == expected_shape[::-1] and len(shape) > 1:
            extra = " ¿Está traspuesta? Revisa el orden de los factores en el producto de matrices."
        elif abs(len(shape) - len(expected_shape)) == 1:
            extra = " Falta o sobra una dimensión: revisa el eje (`axis`) de la operación o usa `reshape`."
        elif int(np.prod(shape)) == int(np.prod(expected_shape)):
            extra = " Tiene los mismos elementos, pero otra forma: revisa `reshape` o el eje de la suma."
        _fail(f"La forma de `{name}` es {shape}, pero se esperaba {expected_shape}.{extra}", hint)


def check_close(
    obtained: Any,
    expected: Any,
    name: str,
    *,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    mistakes: Mapping[str, Any] | None = None,
    hint: str | None = None,
) -> None:
    """Comprueba que un número o arreglo sea igual a ``expected`` dentro de una tolerancia.

    Primero revisa que no sea ``None``, que sea numérico, la forma y los NaN; después los
    valores. Si ``obtained`` coincide con alguno de los ``mistakes`` (descripción -> valor que
    daría ese error) el mensaje nombra el error.
    """
    if obtained is None:
        _fail(f"`{name}` es None: ¿olvidaste el `return`?", hint)
    obtained = to_numpy(obtained)
    if not _is_numeric(obtained):
        _fail(f"`{name}` debería ser numérico, pero es {type(obtained).__name__}: {_fmt(obtained)}.", hint)
    got = np.asarray(obtained, dtype=float)
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        check_shape(got, want.shape, name, hint)
    if np.isnan(got).any() and not np.isnan(want).any():
        _fail(f"`{name}` contiene NaN: revisa divisiones entre cero o logaritmos de cero.", hint)
    if np.allclose(got, want, atol=atol, rtol=rtol, equal_nan=True):
        return
    mistake = _matching_mistake(got, mistakes, atol, rtol)
    if mistake:
        _fail(f"`{name}` no es correcto: parece que {mistake}.", hint)
    if got.ndim == 0:
        _fail(f"`{name}` no es correcto: se esperaba {_fmt(want.item())} y se obtuvo {_fmt(got.item())}.", hint)
    wrong = ~np.isclose(got, want, atol=atol, rtol=rtol, equal_nan=True)
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    _fail(
        f"`{name}` no es correcto en {int(wrong.sum())} de {wrong.size} posiciones. "
        f"Por ejemplo, en la posición {first} se esperaba {_fmt(want[first])} y se obtuvo {_fmt(got[first])}.\n"
        f"Esperado: {_fmt(want)}\nObtenido: {_fmt(got)}",
        hint,
    )


def check_equal(
    obtained: Any,
    expected: Any,
    name: str,
    *,
    mistakes: Mapping[str, Any] | None = None,
    hint: str | None = None,
) -> None:
    """Comprueba igualdad exacta (enteros, etiquetas, cadenas, listas)."""
    if isinstance(expected, np.ndarray) or isinstance(obtained, np.ndarray):
        if np.shape(obtained) != np.shape(expected):
            check_shape(obtained, np.shape(expected), name, hint)
        if np.array_equal(np.asarray(obtained), np.asarray(expected)):
            return
    elif obtained == expected:
        return
    for description, wrong_value in (mistakes or {}).items():
        if np.array_equal(np.asarray(obtained, dtype=object), np.asarray(wrong_value, dtype=object)):
            _fail(f"`{name}` no es correcto: parece que {description}.", hint)
    if obtained is None:
        _fail(f"`{name}` es None: ¿olvidaste el `return`? Se esperaba {_fmt(expected)}.", hint)
    _fail(f"`{name}` no es correcto: se esperaba {_fmt(expected)} y se obtuvo {_fmt(obtained)}.", hint)


def check_true(condition: Any, message: str, hint: str | None = None) -> None:
    """Lanza :class:`CheckError` con ``message`` si ``condition`` es falsa."""
    if not condition:
        _fail(message, hint)


def check_in_range(obtained: Any, low: float, high: float, name: str, hint: str | None = None) -> None:
    """Comprueba que un número esté en el intervalo cerrado ``[low, high]``."""
    if obtained is None:
        _fail(f"`{name}` es None: ¿olvidaste el `return`?", hint)
    if not _is_numeric(obtained) or np.ndim(obtained) != 0:
        _fail(f"`{name}` debería ser un número, pero es {_fmt(obtained)}.", hint)
    value = float(obtained)
    if not low <= value <= high:
        _fail(f"`{name}` vale {_fmt(value)}, pero debería estar entre {_fmt(low)} y {_fmt(high)}.", hint)


def check_function_values(
    function: Callable[..., Any],
    cases: list[tuple[tuple[Any, ...], Any]],
    name: str,
    *,
    atol: float = 1e-6,
    mistakes: Mapping[str, Callable[..., Any]] | None = None,
) -> None:
    """Llama a ``function`` con cada caso ``(argumentos, esperado)`` y compara con :func:`check_close`.

    ``mistakes`` asocia una descripción a una función que reproduce un error típico: si la
    respuesta coincide con la de esa función, el mensaje nombra el error.
    """
    check_callable(function, name)
    for args, expected in cases:
        shown = ", ".join(_fmt(a) for a in args)
        try:
            obtained = function(*args)
        except NotImplementedError:
            _fail(f"`{name}` todavía no está implementada: borra `raise NotImplementedError()` y escribe tu código.")
        mistaken = {description: wrong(*args) for description, wrong in (mistakes or {}).items()}
        check_close(obtained, expected, f"{name}({shown})", atol=atol, mistakes=mistaken)


def passed(exercise: str) -> None:
    """Imprime un mensaje de ánimo cuando todas las comprobaciones de una celda pasan."""
    print(f"✅ {exercise}: ¡todas las comprobaciones pasaron!")
