"""Paquete ``shared`` del curso: lo que todos los cuadernos importan.

- :func:`setup`: primera celda de cada lección (semillas, registros silenciosos, dispositivo, Colab).
- ``check_*``: comprobaciones con mensajes en español para las celdas de prueba.
- ``plot_*``: gráficos comunes (fronteras de decisión, curvas de aprendizaje).
"""

from shared.checks import (
    CheckError,
    check_callable,
    check_close,
    check_equal,
    check_function_values,
    check_in_range,
    check_shape,
    check_true,
    check_type,
    passed,
    to_numpy,
)
from shared.plots import plot_decision_boundary, plot_learning_curves
from shared.runtime import Environment, detect_device, on_colab, seed_everything, setup

__all__ = [
    "CheckError",
    "Environment",
    "check_callable",
    "check_close",
    "check_equal",
    "check_function_values",
    "check_in_range",
    "check_shape",
    "check_true",
    "check_type",
    "detect_device",
    "on_colab",
    "passed",
    "plot_decision_boundary",
    "plot_learning_curves",
    "seed_everything",
    "setup",
    "to_numpy",
]
