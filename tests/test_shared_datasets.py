"""Pruebas de ``shared.datasets``: cargadores sin conexión y el generador de clientes (churn)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import types

import numpy as np
import pytest

import shared
from shared import datasets


@pytest.fixture
def no_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv(datasets.OFFLINE_ENV, raising=False)


def fake_keras(monkeypatch, load_data):
    module = types.ModuleType("keras")
    module.datasets = types.SimpleNamespace(fashion_mnist=types.SimpleNamespace(load_data=load_data))
    monkeypatch.setitem(sys.modules, "keras", module)


def test_import_shared_stays_light():
    code = (
        "import sys, shared; print(sorted(m for m in ('tensorflow', 'keras', 'sklearn', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_exported_from_shared():
    for name in ("load_fashion_mnist", "make_churn", "digits_as_28x28", "can_reach", "ImageDataset"):
        assert name in shared.__all__
        assert getattr(shared, name) is getattr(datasets, name)


def test_digits_substitute_looks_like_mnist():
    data = datasets.digits_as_28x28()
    assert data.is_substitute
    assert data.x_train.shape[1:] == (28, 28)
    assert data.x_test.shape[1:] == (28, 28)
    assert len(data.x_train) + len(data.x_test) == 1797
    assert data.x_train.dtype == np.uint8
    assert data.x_train.max() == 255
    assert data.x_train.min() == 0
    assert set(np.unique(data.y_train)) == set(range(10)) == set(np.unique(data.y_test))
    assert len(data.class_names) == 10
    again = datasets.digits_as_28x28()
    np.testing.assert_array_equal(data.x_test, again.x_test)


def test_offline_request_uses_announced_substitute(monkeypatch, capsys):
    monkeypatch.setenv(datasets.OFFLINE_ENV, "1")
    monkeypatch.setattr(datasets, "can_reach", lambda **_: pytest.fail("no debe tocar la red"))
    data = datasets.load_fashion_mnist()
    assert data.is_substitute
    out = capsys.readouterr().out
    assert "SUSTITUTO" in out
    assert "Fashion-MNIST no está disponible" in out


def test_no_network_falls_back_quickly(no_keras_cache, monkeypatch, capsys):
    monkeypatch.setattr(datasets, "can_reach", lambda **_: False)
    fake_keras(monkeypatch, lambda: pytest.fail("sin red no se llama al cargador de Keras"))
    data = datasets.load_fashion_mnist(verbose=False)
    assert data.is_substitute
    assert "no hay conexión" in data.notes[0]
    assert capsys.readouterr().out == ""


def test_failed_download_falls_back(no_keras_cache, monkeypatch):
    monkeypatch.setattr(datasets, "can_reach", lambda **_: True)

    def broken():
        raise OSError("conexión cortada")

    fake_keras(monkeypatch, broken)
    before = socket.getdefaulttimeout()
    data = datasets.load_fashion_mnist(verbose=False)
    assert data.is_substitute
    assert "OSError" in data.notes[0]
    assert socket.getdefaulttimeout() == before


def test_real_loader_used_when_reachable(no_keras_cache, monkeypatch):
    monkeypatch.setattr(datasets, "can_reach", lambda **_: True)
    x = np.zeros((4, 28, 28), np.uint8)
    y = np.arange(4, dtype=np.uint8)
    fake_keras(monkeypatch, lambda: ((x, y), (x[:2], y[:2])))
    data = datasets.load_fashion_mnist(verbose=False)
    assert not data.is_substitute
    assert data.name == "Fashion-MNIST"
    assert data.class_names == datasets.FASHION_CLASSES
    assert data.x_train.shape == (4, 28, 28)
    assert data.y_test.shape == (2,)


def test_can_reach_never_blocks(monkeypatch):
    def slow(*_args, **_kwargs):
        time.sleep(5)
        raise OSError

    monkeypatch.setattr(socket, "create_connection", slow)
    start = time.perf_counter()
    assert datasets.can_reach("example.org", timeout=0.3) is False
    assert time.perf_counter() - start < 2


def test_can_reach_unresolvable_host():
    assert datasets.can_reach("host-que-no-existe.invalid", timeout=1.0) is False


def test_make_churn_columns_and_ranges():
    frame = datasets.make_churn(n=3000, seed=0)
    assert tuple(frame.columns) == datasets.CHURN_COLUMNS
    assert len(frame) == 3000
    assert frame["RowNumber"].tolist() == list(range(1, 3001))
    assert frame["CustomerId"].is_unique
    assert set(frame["Geography"]) == {"France", "Germany", "Spain"}
    assert set(frame["Gender"]) == {"Male", "Female"}
    assert frame["CreditScore"].between(350, 850).all()
    assert frame["Age"].between(18, 92).all()
    assert frame["Tenure"].between(0, 10).all()
    assert set(frame["NumOfProducts"]) <= {1, 2, 3, 4}
    assert set(frame["HasCrCard"]) == {0, 1} == set(frame["IsActiveMember"]) == set(frame["Exited"])
    assert (frame["Balance"] >= 0).all()
    assert 0.2 < (frame["Balance"] == 0).mean() < 0.5
    assert 0.15 < frame["Exited"].mean() < 0.25  # clases desbalanceadas, como el conjunto original


def test_make_churn_is_deterministic():
    a = datasets.make_churn(n=500, seed=3)
    b = datasets.make_churn(n=500, seed=3)
    c = datasets.make_churn(n=500, seed=4)
    assert a.equals(b)
    assert not a.equals(c)


def test_make_churn_has_learnable_signal():
    frame = datasets.make_churn(n=10_000, seed=0)
    rate = frame.groupby("IsActiveMember")["Exited"].mean()
    assert rate[0] > rate[1] + 0.05
    by_geo = frame.groupby("Geography")["Exited"].mean()
    assert by_geo["Germany"] > by_geo["France"] + 0.05
    assert frame.loc[frame["Age"] >= 50, "Exited"].mean() > frame.loc[frame["Age"] < 35, "Exited"].mean() + 0.1
