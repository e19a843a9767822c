"""Pruebas de ``shared.torch_utils``: datos, bucle de entrenamiento, evaluación y ``fit``."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from shared import torch_utils as tu  # noqa: E402


def test_import_shared_does_not_import_torch():
    code = "import sys, shared; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_grading_reads_nbgrader_execution(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert not tu.grading()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert tu.grading()


def test_make_loader_dtypes_and_batches():
    loader = tu.make_loader(np.zeros((10, 3)), np.arange(10), batch_size=4)
    batches = list(loader)
    assert [len(xb) for xb, _ in batches] == [4, 4, 2]
    assert batches[0][0].dtype == torch.float32
    assert batches[0][1].dtype == torch.int64
    regression = tu.make_loader(np.zeros((5, 2)), np.ones((5, 1)), batch_size=5)
    assert next(iter(regression))[1].dtype == torch.float32


def test_make_loader_shuffle_is_reproducible():
    first = [yb.tolist() for _, yb in tu.make_loader(np.zeros((8, 1)), np.arange(8), 8, shuffle=True, seed=3)]
    second = [yb.tolist() for _, yb in tu.make_loader(np.zeros((8, 1)), np.arange(8), 8, shuffle=True, seed=3)]
    assert first == second
    assert sorted(first[0]) == list(range(8))


def _line_data():
    x = np.linspace(-1, 1, 40).reshape(-1, 1).astype("float32")
    return x, 3 * x - 1


def test_train_epoch_lowers_the_loss_and_sets_train_mode():
    torch.manual_seed(0)
    x, y = _line_data()
    model = nn.Linear(1, 1)
    model.eval()
    loader = tu.make_loader(x, y, batch_size=8, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = [tu.train_epoch(model, loader, nn.MSELoss(), optimizer) for _ in range(40)]
    assert model.training
    assert losses[-1] < 0.01 * losses[0]
    assert model.weight.item() == pytest.approx(3.0, abs=0.05)


def test_train_epoch_matches_manual_sgd_steps():
    torch.manual_seed(1)
    x, y = torch.randn(6, 2), torch.randn(6, 1)
    model = nn.Linear(2, 1)
    w = model.weight.detach().numpy().astype(np.float64).copy()
    b = model.bias.detach().numpy().astype(np.float64).copy()
    for start in (0, 3):
        xb, yb = x[start : start + 3].numpy(), y[start : start + 3].numpy()
        residual = xb @ w.T + b - yb
        w = w - 0.1 * (2 / 3) * residual.T @ xb
        b = b - 0.1 * (2 / 3) * residual.sum(axis=0)
    tu.train_epoch(model, tu.make_loader(x, y, batch_size=3), nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1))
    np.testing.assert_allclose(model.weight.detach().numpy(), w, atol=1e-5)
    np.testing.assert_allclose(model.bias.detach().numpy(), b, atol=1e-5)


def test_evaluate_is_deterministic_and_does_not_train():
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1))
    loader = tu.make_loader(np.random.default_rng(0).normal(size=(9, 3)), np.zeros((9, 1)), batch_size=4)
    before = [p.detach().clone() for p in model.parameters()]
    assert tu.evaluate(model, loader, nn.MSELoss()) == tu.evaluate(model, loader, nn.MSELoss())
    assert not model.training
    assert all(torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
    assert all(p.grad is None for p in model.parameters())


def test_accuracy_uses_argmax_over_classes():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.1, 0.2, 0.3], [5.0, 0.0, 9.0]])
    loader = tu.make_loader(logits, np.array([0, 1, 2, 0]), batch_size=3)
    assert tu.accuracy(nn.Identity(), loader) == pytest.approx(0.75)


def test_fit_history_has_keras_keys():
    torch.manual_seed(3)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    loader = tu.make_loader(x, y, batch_size=20, shuffle=True)
    history = tu.fit(
        model,
        loader,
        nn.CrossEntropyLoss(),
        torch.optim.Adam(model.parameters(), lr=0.05),
        epochs=15,
        val_loader=tu.make_loader(x, y, batch_size=60),
        metrics=("accuracy",),
        progress=False,
    )
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 15 for values in history.values())
    assert history["val_loss"][-1] < history["val_loss"][0]
    assert history["val_accuracy"][-1] > 0.9


def test_fit_regression_has_no_accuracy():
    x, y = _line_data()
    model = nn.Linear(1, 1)
    history = tu.fit(
        model, tu.make_loader(x, y, 10), nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), 3, progress=False
    )
    assert list(history) == ["loss"]
    assert not any(math.isnan(v) for v in history["loss"])


def test_count_parameters_trainable_only():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    for p in model[0].parameters():
        p.requires_grad_(False)
    assert tu.count_parameters(model) == 3 * 4 + 4 + 4 * 2 + 2
    assert tu.count_parameters(model, trainable_only=True) == 4 * 2 + 2


def test_get_device_is_a_torch_device():
    device = tu.get_device()
    assert isinstance(device, torch.device)
    assert device.type == ("cuda" if torch.cuda.is_available() else "cpu")
