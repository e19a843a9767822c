"""Comprobación numérica de gradientes: diferencias centrales en float64 y error relativo.

La derivada de una función escalar ``f`` respecto a cada componente de ``x`` se aproxima con

    (f(x + eps) - f(x - eps)) / (2 * eps)

cuyo error es del orden de ``eps**2``. Se compara con el gradiente analítico (el de la
retropropagación) mediante el error relativo ``‖a - n‖ / (‖a‖ + ‖n‖)``: por debajo de 1e-7 el
gradiente es correcto; cerca de 1 está mal.

Ejemplo::

    numerico = numerical_gradients(lambda p: perdida(red(X, p), Y), params)
    check_gradient(gradientes, numerico, "gradientes")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from shared.checks import CheckError, to_numpy


def numerical_gradient(f: Callable[[np.ndarray], Any], x: Any, eps: float = 1e-6) -> np.ndarray:
    """Gradiente de ``f`` (función escalar de un arreglo) en ``x`` por diferencias centrales, en float64.

    ``f`` recibe una copia float64 de ``x`` con una componente desplazada; ``x`` no se modifica.
    """
    x = np.array(to_numpy(x), dtype=np.float64)
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    grad_flat = grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = float(f(x))
        flat[i] = original - eps
        minus = float(f(x))
        flat[i] = original
        grad_flat[i] = (plus - minus) / (2 * eps)
    return grad


def numerical_gradients(
    f: Callable[[dict[str, np.ndarray]], Any], params: Mapping[str, Any], eps: float = 1e-6
) -> dict[str, np.ndarray]:
    """Gradientes numéricos de ``f(params)`` respecto a cada arreglo de un diccionario de parámetros.

    ``f`` recibe un diccionario nuevo (copias float64) en el que solo cambia el parámetro que se
    está derivando; ``params`` no se modifica.
    """
    base = {key: np.array(to_numpy(value), dtype=np.float64) for key, value in params.items()}
    grads = {}
    for key in base:
        grads[key] = numerical_gradient(lambda value, key=key: f({**base, key: value}), base[key], eps)
    return grads


def relative_error(analytic: Any, numeric: Any) -> float:
    """Error relativo ``‖a - n‖ / (‖a‖ + ‖n‖)`` (0 si ambos son cero). Acepta diccionarios con las mismas claves."""
    if isinstance(analytic, Mapping):
        return max((relative_error(analytic[key], numeric[key]) for key in numeric), default=0.0)
    a = np.asarray(to_numpy(analytic), dtype=np.float64)
    n = np.asarray(to_numpy(numeric), dtype=np.float64)
    denominator = np.linalg.norm(a) + np.linalg.norm(n)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(a - n) / denominator)


def _diagnose(a: np.ndarray, n: np.ndarray, tol: float, mistakes: Mapping[str, Any] | None, key: str | None) -> str:
    for description, wrong in (mistakes or {}).items():
        if isinstance(wrong, Mapping):
            if key is None or key not in wrong:
                continue
            wrong = wrong[key]
        wrong = np.asarray(to_numpy(wrong), dtype=np.float64)
        if wrong.shape == a.shape and relative_error(a, wrong) < tol:
            return f"parece que {description}."
    if np.linalg.norm(n) > 0 and relative_error(a, -n) < tol:
        return "tiene el signo cambiado: revisa el signo de la derivada (o de la actualización)."
    norm_n = float(n.ravel() @ n.ravel())
    if norm_n > 0:
        ratio = float(a.ravel() @ n.ravel()) / norm_n
        if abs(ratio) > 1e-12 and abs(ratio - 1) > 1e-3 and relative_error(a, ratio * n) < tol:
            return (
                f"es el numérico multiplicado por {ratio:.4g}: sobra o falta un factor constante "
                "(¿la media 1/m, o un 2?)."
            )
    return ""


def check_gradient(
    analytic: Any,
    numeric: Any,
    name: str,
    *,
    tol: float = 1e-6,
    mistakes: Mapping[str, Any] | None = None,
    hint: str | None = None,
) -> float:
    """Comprueba que el gradiente analítico coincide con el numérico (error relativo < ``tol``).

    ``analytic`` y ``numeric`` son arreglos o diccionarios ``nombre -> arreglo``. ``mistakes``
    asocia una descripción a un gradiente erróneo conocido (arreglo o diccionario): si el del
    estudiante coincide, el mensaje nombra ese error. Devuelve el mayor error relativo.
    """
    if isinstance(numeric, Mapping):
        if analytic is None or not isinstance(analytic, Mapping):
            _fail(f"`{name}` debería ser un diccionario con las claves {sorted(numeric)}.", hint)
        missing = sorted(set(numeric) - set(analytic))
        if missing:
            _fail(f"A `{name}` le faltan las claves {missing}.", hint)
        return max(
            (_check_one(analytic[key], numeric[key], f"{name}[{key!r}]", tol, mistakes, hint, key) for key in numeric),
            default=0.0,
        )
    return _check_one(analytic, numeric, name, tol, mistakes, hint, None)


def _check_one(analytic, numeric, name, tol, mistakes, hint, key) -> float:
    if analytic is None:
        _fail(f"`{name}` es None: ¿olvidaste el `return`?", hint)
    a = np.asarray(to_numpy(analytic), dtype=np.float64)
    n = np.asarray(to_numpy(numeric), dtype=np.float64)
    if a.shape != n.shape:
        extra = " ¿Está traspuesto?" if a.shape == n.shape[::-1] else " Revisa el eje (`axis`) de las sumas."
        _fail(f"La forma de `{name}` es {a.shape}, pero el parámetro tiene forma {n.shape}.{extra}", hint)
    if not np.all(np.isfinite(a)):
        _fail(f"`{name}` contiene NaN o infinitos.", hint)
    error = relative_error(a, n)
    if error < tol:
        return error
    diagnosis = _diagnose(a, n, tol, mistakes, key)
    message = f"`{name}` no coincide con el gradiente numérico (error relativo {error:.2e}, debe ser < {tol:.0e})"
    _fail(message + (f": {diagnosis}" if diagnosis else "."), hint)
    return error


def _fail(message: str, hint: str | None) -> None:
    if hint:
        message += f"\nPista: {hint}"
    raise CheckError(message)
