"""Gráficos que se repiten en el curso: fronteras de decisión y curvas de aprendizaje.

matplotlib se importa dentro de cada función para que ``import shared`` sea rápido.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

_SPANISH_METRICS = {
    "loss": "pérdida",
    "accuracy": "exactitud",
    "acc": "exactitud",
    "mse": "error cuadrático medio",
    "mae": "error absoluto medio",
    "rmse": "raíz del error cuadrático medio",
}


def _axes(ax: Any = None, figsize: tuple[float, float] = (5, 4)) -> Any:
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_decision_boundary(
    predict: Callable[[np.ndarray], Any],
    X: np.ndarray,
    y: np.ndarray,
    *,
    ax: Any = None,
    title: str | None = None,
    resolution: int = 200,
    margin: float = 0.5,
) -> Any:
    """Dibuja las regiones que ``predict`` asigna a cada clase y los puntos ``(X, y)``.

    ``predict`` recibe un arreglo ``(n, 2)`` y devuelve, para cada fila, una clase o una
    probabilidad (se corta en 0.5). Devuelve el ``Axes`` de matplotlib.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel()
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"`X` debe tener forma (n, 2) para dibujar una frontera; tiene forma {X.shape}.")
    ax = _axes(ax)
    x_min, x_max = X[:, 0].min() - margin, X[:, 0].max() + margin
    y_min, y_max = X[:, 1].min() - margin, X[:, 1].max() + margin
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    z = np.asarray(predict(grid), dtype=float)
    if z.ndim == 2 and z.shape[1] > 1:  # probabilidades por clase
        z = z.argmax(axis=1)
    z = z.reshape(xx.shape)
    if np.isin(np.unique(y), [0, 1]).all() and not np.isin(np.unique(z), [0, 1]).all():
        z = (z >= 0.5).astype(float)  # probabilidades de la clase 1
    ax.contourf(xx, yy, z, alpha=0.3, cmap="coolwarm")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=30)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    if title:
        ax.set_title(title)
    return ax


def _history_dict(history: Any) -> Mapping[str, Sequence[float]]:
    return history.history if hasattr(history, "history") else history


def plot_learning_curves(
    history: Any,
    metrics: Sequence[str] = ("loss",),
    *,
    axes: Any = None,
    title: str | None = None,
) -> Any:
    """Curvas de entrenamiento y validación por época.

    ``history`` es un ``keras.callbacks.History`` o un diccionario ``{"loss": [...],
    "val_loss": [...]}`` (el mismo formato sirve para un bucle de PyTorch). Devuelve los ``Axes``.
    """
    import matplotlib.pyplot as plt

    data = _history_dict(history)
    missing = [m for m in metrics if m not in data]
    if missing:
        raise KeyError(f"El historial no tiene {missing}; tiene {sorted(data)}.")
    if axes is None:
        _, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
        axes = axes[0]
    for ax, metric in zip(np.atleast_1d(axes), metrics, strict=True):
        epochs = np.arange(1, len(data[metric]) + 1)
        ax.plot(epochs, data[metric], label="entrenamiento")
        if f"val_{metric}" in data:
            ax.plot(epochs, data[f"val_{metric}"], label="validación")
        ax.set_xlabel("época")
        ax.set_ylabel(_SPANISH_METRICS.get(metric, metric))
        ax.legend()
        ax.grid(alpha=0.3)
    if title:
        np.atleast_1d(axes)[0].figure.suptitle(title)
    return axes
