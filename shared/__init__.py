"""Paquete ``shared`` del curso: lo que todos los cuadernos importan.

- :func:`setup`: primera celda de cada lección (semillas, registros silenciosos, dispositivo, Colab).
- ``check_*``: comprobaciones con mensajes en español para las celdas de prueba.
- ``plot_*``: gráficos comunes (fronteras de decisión, curvas de aprendizaje).
- :mod:`shared.explain`: los errores de tu código explicados en español (los activa :func:`setup`).
"""

from shared import torch_utils  # utilidades de PyTorch (importa torch solo al usarlas)
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
from shared.datasets import ImageDataset, can_reach, digits_as_28x28, load_fashion_mnist, make_churn
from shared.gradcheck import check_gradient, numerical_gradient, numerical_gradients, relative_error
from shared.playground import Playground, playground
from shared.plots import plot_decision_boundary, plot_learning_curves
from shared.runtime import Environment, detect_device, on_colab, seed_everything, setup, simulated_gpu

__all__ = [
    "CheckError",
    "ImageDataset",
    "can_reach",
    "digits_as_28x28",
    "load_fashion_mnist",
    "make_churn",
    "Environment",
    "check_callable",
    "check_close",
    "check_equal",
    "check_function_values",
    "check_gradient",
    "check_in_range",
    "check_shape",
    "check_true",
    "check_type",
    "detect_device",
    "numerical_gradient",
    "numerical_gradients",
    "on_colab",
    "passed",
    "playground",
    "Playground",
    "plot_decision_boundary",
    "plot_learning_curves",
    "relative_error",
    "seed_everything",
    "setup",
    "simulated_gpu",
    "to_numpy",
    "torch_utils",
]
