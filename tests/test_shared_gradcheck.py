"""Pruebas de ``shared.gradcheck``: diferencias centrales, error relativo y diagnósticos."""

import numpy as np
import pytest

import shared
from shared.checks import CheckError


def test_numerical_gradient_of_quadratic_is_exact_enough():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = shared.numerical_gradient(lambda v: np.sum(v**2), x)
    assert grad.shape == x.shape
    assert shared.relative_error(grad, 2 * x) < 1e-9


def test_numerical_gradient_uses_float64_and_leaves_input_untouched():
    x = np.array([1, 2, 3], dtype=np.int64)
    seen = []
    grad = shared.numerical_gradient(lambda v: seen.append(v.dtype) or float(np.sum(np.sin(v))), x)
    assert set(seen) == {np.dtype(np.float64)}
    assert np.array_equal(x, [1, 2, 3])
    assert np.allclose(grad, np.cos([1.0, 2.0, 3.0]), atol=1e-8)


def test_numerical_gradients_of_a_dict_of_parameters():
    rng = np.random.default_rng(0)
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    X = rng.normal(size=(5, 3))
    before = {k: v.copy() for k, v in params.items()}

    def loss(p):
        return float(np.mean(np.tanh(X @ p["W"] + p["b"]) ** 2))

    numeric = shared.numerical_gradients(loss, params)
    T = np.tanh(X @ params["W"] + params["b"])
    dZ = 2 * T * (1 - T**2) / T.size
    analytic = {"W": X.T @ dZ, "b": dZ.sum(axis=0)}
    assert shared.check_gradient(analytic, numeric, "grads") < 1e-7
    assert all(np.array_equal(params[k], before[k]) for k in params)


def test_relative_error_edge_cases():
    assert shared.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert shared.relative_error(np.ones(3), -np.ones(3)) == pytest.approx(1.0)
    assert shared.relative_error({"a": np.ones(2)}, {"a": np.ones(2)}) == 0.0


def test_check_gradient_names_sign_scale_and_custom_mistakes():
    numeric = np.array([1.0, -2.0, 0.5])
    with pytest.raises(CheckError, match="signo"):
        shared.check_gradient(-numeric, numeric, "g")
    with pytest.raises(CheckError, match="1/m"):
        shared.check_gradient(8 * numeric, numeric, "g")
    with pytest.raises(CheckError, match="olvidaste el sesgo"):
        shared.check_gradient(numeric + [0, 0, 1], numeric, "g", mistakes={"olvidaste el sesgo": numeric + [0, 0, 1]})
    with pytest.raises(CheckError, match="forma"):
        shared.check_gradient(np.ones((3, 1)), numeric, "g")
    with pytest.raises(CheckError, match="faltan"):
        shared.check_gradient({"W": numeric}, {"W": numeric, "b": numeric}, "grads")
    with pytest.raises(CheckError, match="None"):
        shared.check_gradient(None, numeric, "g")
