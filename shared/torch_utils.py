"""Utilidades de PyTorch que las lecciones reutilizan: datos, bucle de entrenamiento y evaluación.

La lección 06 pide programar estas mismas piezas (``train_epoch``, ``evaluate``...); a partir de
la lección 07 se usan desde aquí para no repetir código en cada cuaderno.

PyTorch se importa dentro de las funciones para que ``import shared`` siga siendo rápido.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np


def grading() -> bool:
    """``True`` mientras nbgrader califica o valida el cuaderno (``NBGRADER_EXECUTION``).

    Las lecciones usan menos épocas o subconjuntos de datos en ese caso: la nota no depende
    de entrenar más, y el calificador ejecuta el cuaderno de cada estudiante entero.
    """
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def get_device() -> Any:
    """``torch.device("cuda")`` si hay una GPU de NVIDIA disponible; si no, la CPU."""
    import torch

    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def make_loader(X: Any, y: Any, batch_size: int = 64, shuffle: bool = False, seed: int = 0) -> Any:
    """Un ``DataLoader`` sobre arreglos de numpy.

    ``X`` pasa a ``float32``; ``y`` a ``int64`` si es entera (clases, para ``CrossEntropyLoss``) y
    a ``float32`` si no (regresión). Si ``shuffle`` es ``True``, el orden se baraja en cada época
    con un generador propio sembrado con ``seed`` (reproducible).
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    X_t = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    y_np = np.asarray(y)
    y_dtype = torch.int64 if y_np.dtype.kind in "iub" else torch.float32
    y_t = torch.as_tensor(y_np, dtype=y_dtype)
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(TensorDataset(X_t, y_t), batch_size=batch_size, shuffle=shuffle, generator=generator)


def _run_epoch(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any = None, device: Any = "cpu"
) -> tuple[float, float]:
    """Una pasada por ``loader``: entrena si hay ``optimizer`` y si no evalúa. Devuelve (pérdida, exactitud).

    La exactitud solo tiene sentido en clasificación (salidas con una columna por clase); en
    regresión se devuelve ``nan``.
    """
    import torch

    training = optimizer is not None
    model.train(training)
    total, hits, count = 0.0, 0, 0
    classify = True
    with torch.set_grad_enabled(training):
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            if training:
                optimizer.zero_grad()
            output = model(xb)
            loss = loss_fn(output, yb)
            if training:
                loss.backward()
                optimizer.step()
            total += loss.item() * len(xb)
            count += len(xb)
            classify = classify and output.ndim == 2 and yb.ndim == 1 and not yb.is_floating_point()
            if classify:
                hits += (output.argmax(dim=1) == yb).sum().item()
    return total / count, (hits / count if classify else float("nan"))


def train_epoch(model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: Any = "cpu") -> float:
    """Una época de entrenamiento; devuelve la pérdida media por ejemplo.

    Para cada lote: a ``device``, ``zero_grad``, predicción, pérdida, ``backward`` y ``step``.
    """
    return _run_epoch(model, loader, loss_fn, optimizer, device)[0]


def evaluate(model: Any, loader: Any, loss_fn: Any, device: Any = "cpu") -> float:
    """Pérdida media por ejemplo en modo evaluación (``model.eval()``) y sin gradientes."""
    return _run_epoch(model, loader, loss_fn, None, device)[0]


def accuracy(model: Any, loader: Any, device: Any = "cpu") -> float:
    """Fracción de ejemplos cuya clase con mayor puntuación (``argmax``) es la etiqueta."""
    import torch

    model.eval()
    hits, count = 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            hits += (model(xb).argmax(dim=1) == yb).sum().item()
            count += len(xb)
    return hits / count


def fit(
    model: Any,
    train_loader: Any,
    loss_fn: Any,
    optimizer: Any,
    epochs: int,
    val_loader: Any = None,
    device: Any = "cpu",
    metrics: tuple[str, ...] = (),
    progress: bool = True,
    description: str = "entrenando",
) -> dict[str, list[float]]:
    """Entrena ``epochs`` épocas con una barra de progreso (``tqdm.auto``).

    Devuelve un historial como el de Keras: ``{"loss": [...], "val_loss": [...]}`` y, si
    ``metrics`` contiene ``"accuracy"``, también ``"accuracy"`` y ``"val_accuracy"``. Como en
    Keras, las métricas de entrenamiento se miden durante la época (con *dropout* activo) y las
    de validación al final. Sirve directamente para :func:`shared.plot_learning_curves`.
    """
    from tqdm.auto import tqdm

    track = "accuracy" in metrics
    keys = ["loss"] + (["accuracy"] if track else [])
    if val_loader is not None:
        keys += ["val_loss"] + (["val_accuracy"] if track else [])
    history: dict[str, list[float]] = {key: [] for key in keys}
    bar = tqdm(range(epochs), desc=description, disable=not progress, leave=False)
    for _ in bar:
        loss, acc = _run_epoch(model, train_loader, loss_fn, optimizer, device)
        history["loss"].append(loss)
        if track:
            history["accuracy"].append(acc)
        shown = {"pérdida": f"{loss:.4f}"}
        if val_loader is not None:
            val_loss, val_acc = _run_epoch(model, val_loader, loss_fn, None, device)
            history["val_loss"].append(val_loss)
            if track:
                history["val_accuracy"].append(val_acc)
            shown["val"] = f"{val_loss:.4f}"
        bar.set_postfix(shown)
    return history


def count_parameters(model: Any, trainable_only: bool = False) -> int:
    """Número de parámetros del modelo (solo los entrenables si ``trainable_only``)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
