"""Respuestas erróneas plausibles de la lección 01 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero) y
lista en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa.
"""

WRONG_ANSWERS = [
    {
        "why": "olvida sumar el sesgo",
        "cell": "weighted_sum",
        "replace": [("@ np.asarray(w, dtype=float) + b", "@ np.asarray(w, dtype=float)")],
        "loses": [
            "test_weighted_sum",
            "test_predict",
            "test_perceptron_update",
            "test_train_perceptron",
            "test_xor_network",
        ],
    },
    {
        "why": "step(0) = 0",
        "cell": "activations",
        "replace": [("np.asarray(z) >= 0", "np.asarray(z) > 0")],
        "loses": ["test_step", "test_perceptron_update", "test_train_perceptron"],
    },
    {
        "why": "sigmoide con e^z",
        "cell": "activations",
        "replace": [("np.exp(-np.asarray(z, dtype=float))", "np.exp(np.asarray(z, dtype=float))")],
        "loses": ["test_sigmoid"],
    },
    {
        "why": "tanh sin el denominador (es sinh)",
        "cell": "activations",
        "replace": [("/ (np.exp(z) + np.exp(-z))", "/ 2")],
        "loses": ["test_tanh"],
    },
    {
        "why": "ReLU como valor absoluto",
        "cell": "activations",
        "replace": [("np.maximum(0.0, np.asarray(z, dtype=float))", "np.abs(np.asarray(z, dtype=float))")],
        "loses": ["test_relu"],
    },
    {
        "why": "predict sin sesgo",
        "cell": "predict",
        "replace": [("step(weighted_sum(X, w, b))", "step(weighted_sum(X, w, 0.0))")],
        "loses": ["test_predict", "test_perceptron_update", "test_train_perceptron", "test_xor_network"],
    },
    {
        "why": "signo de la corrección invertido",
        "cell": "perceptron_update",
        "replace": [("w + lr * error", "w - lr * error"), ("b + lr * error", "b - lr * error")],
        "loses": ["test_perceptron_update", "test_train_perceptron"],
    },
    {
        "why": "cuenta los errores después de corregir",
        "cell": "train_perceptron",
        "replace": [
            (
                "mistakes += int(predict(x_i, w, b) != y_i)\n            w, b = perceptron_update(w, b, x_i, y_i, lr)",
                "w, b = perceptron_update(w, b, x_i, y_i, lr)\n            mistakes += int(predict(x_i, w, b) != y_i)",
            )
        ],
        "loses": ["test_train_perceptron"],
    },
    {
        "why": "cuenta aciertos en vez de la fracción",
        "cell": "accuracy",
        "replace": [("np.mean(", "np.sum(")],
        "loses": ["test_accuracy"],
    },
    {
        "why": "neurona de salida OR en lugar de AND",
        "cell": "xor_network",
        "replace": [("w_and, b_and = np.array([1.0, 1.0]), -1.5", "w_and, b_and = np.array([1.0, 1.0]), -0.5")],
        "loses": ["test_xor_network"],
    },
]
