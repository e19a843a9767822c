"""Respuestas erróneas plausibles de la lección 01 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero) y
lista en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa; ``message``
es un fragmento que la retroalimentación de esa entrega debe contener (el error, nombrado).

``BUILDS_ON`` dice qué ejercicios usan, por diseño, el resultado de otros: ``predict`` se escribe con
``weighted_sum`` y ``step``; la regla del perceptrón, con ``predict``; el entrenamiento, con la regla;
la red de XOR, con ``predict``. Un error en un ejercicio solo puede costar puntos en él y en los que
se apoyan en él.
"""

BUILDS_ON = {
    "predict": ["weighted_sum", "activations"],
    "perceptron_update": ["predict"],
    "train_perceptron": ["perceptron_update", "predict"],
    "xor_network": ["predict"],
}

_USES_PREDICT = ["test_predict", "test_perceptron_update", "test_train_perceptron", "test_xor_network"]

WRONG_ANSWERS = [
    # --- Ejercicio 1: weighted_sum ---
    {
        "why": "olvida sumar el sesgo",
        "cell": "weighted_sum",
        "replace": [("@ np.asarray(w, dtype=float) + b", "@ np.asarray(w, dtype=float)")],
        "loses": ["test_weighted_sum", *_USES_PREDICT],
        "message": "parece que olvidaste sumar el sesgo b",
    },
    {
        "why": "resta el sesgo",
        "cell": "weighted_sum",
        "replace": [("@ np.asarray(w, dtype=float) + b", "@ np.asarray(w, dtype=float) - b")],
        "loses": ["test_weighted_sum", *_USES_PREDICT],
        "message": "parece que restaste el sesgo b",
    },
    {
        "why": "suma todos los productos con np.sum (solo sirve para un ejemplo)",
        "cell": "weighted_sum",
        "code": "def weighted_sum(x, w, b):\n    return np.sum(np.asarray(x) * np.asarray(w)) + b\n",
        "loses": ["test_weighted_sum", "test_predict", "test_xor_network"],
        "message": "parece que sumaste todos los productos de la matriz en un solo número",
    },
    {
        "why": "factores al revés (w @ x)",
        "cell": "weighted_sum",
        "code": "def weighted_sum(x, w, b):\n    return np.asarray(w, dtype=float) @ np.asarray(x, dtype=float) + b\n",
        "loses": ["test_weighted_sum", "test_predict", "test_xor_network"],
        "message": "parece que escribiste los factores al revés (w @ X)",
    },
    # --- Ejercicio 2: activaciones ---
    {
        "why": "step(0) = 0",
        "cell": "activations",
        "replace": [("np.asarray(z) >= 0", "np.asarray(z) > 0")],
        "loses": ["test_step", "test_train_perceptron"],
        "message": "la convención del curso es step(0) = 1",
    },
    {
        "why": "step con np.sign",
        "cell": "activations",
        "replace": [("return np.where(np.asarray(z) >= 0, 1.0, 0.0)", "return np.sign(z)")],
        "loses": ["test_step", *_USES_PREDICT],
        "message": "parece que usaste np.sign",
    },
    {
        "why": "step con un if de Python",
        "cell": "activations",
        "replace": [
            ("return np.where(np.asarray(z) >= 0, 1.0, 0.0)", "if z >= 0:\n        return 1.0\n    return 0.0")
        ],
        "loses": ["test_step", "test_predict", "test_xor_network"],
        "message": "parece que usaste un `if`",
    },
    {
        "why": "sigmoide con e^z",
        "cell": "activations",
        "replace": [("np.exp(-np.asarray(z, dtype=float))", "np.exp(np.asarray(z, dtype=float))")],
        "loses": ["test_sigmoid", "test_swish"],
        "message": "parece que usaste e^(z) en lugar de e^(-z)",
    },
    {
        "why": "sigmoide sin paréntesis en el denominador",
        "cell": "activations",
        "replace": [
            ("1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))", "1.0 / 1.0 + np.exp(-np.asarray(z, dtype=float))")
        ],
        "loses": ["test_sigmoid", "test_swish"],
        "message": "parece que faltan paréntesis",
    },
    {
        "why": "sigmoide sin el 1 + del denominador",
        "cell": "activations",
        "replace": [("1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))", "1.0 / np.exp(-np.asarray(z, dtype=float))")],
        "loses": ["test_sigmoid", "test_swish"],
        "message": "parece que olvidaste el 1 + del denominador",
    },
    {
        "why": "tanh sin el denominador (es sinh)",
        "cell": "activations",
        "replace": [("/ (np.exp(z) + np.exp(-z))", "/ 2")],
        "loses": ["test_tanh"],
        "message": "parece que calculaste sinh(z)",
    },
    {
        "why": "tanh con el numerador al revés",
        "cell": "activations",
        "replace": [("(np.exp(z) - np.exp(-z)) /", "(np.exp(-z) - np.exp(z)) /")],
        "loses": ["test_tanh"],
        "message": "parece que el numerador va al revés",
    },
    {
        "why": "tanh sin paréntesis en el numerador",
        "cell": "activations",
        "replace": [("(np.exp(z) - np.exp(-z)) /", "np.exp(z) - np.exp(-z) /")],
        "loses": ["test_tanh"],
        "message": "parece que faltan paréntesis en el numerador",
    },
    {
        "why": "ReLU como valor absoluto",
        "cell": "activations",
        "replace": [("np.maximum(0.0, np.asarray(z, dtype=float))", "np.abs(np.asarray(z, dtype=float))")],
        "loses": ["test_relu"],
        "message": "parece que devolviste el valor absoluto",
    },
    {
        "why": "ReLU con el max de Python",
        "cell": "activations",
        "replace": [("np.maximum(0.0, np.asarray(z, dtype=float))", "max(0.0, z)")],
        "loses": ["test_relu"],
        "message": "relu(z) con un arreglo lanza ValueError",
    },
    {
        "why": "ReLU con np.minimum",
        "cell": "activations",
        "replace": [("np.maximum(0.0, np.asarray(z, dtype=float))", "np.minimum(0.0, np.asarray(z, dtype=float))")],
        "loses": ["test_relu"],
        "message": "parece que usaste np.minimum",
    },
    {
        "why": "leaky ReLU con alpha en la parte positiva",
        "cell": "activations",
        "replace": [("np.where(z >= 0, z, alpha * z)", "np.where(z >= 0, alpha * z, z)")],
        "loses": ["test_leaky_relu"],
        "message": "parece que multiplicaste por alpha la parte positiva",
    },
    {
        "why": "leaky ReLU como np.maximum(alpha, z)",
        "cell": "activations",
        "replace": [("np.where(z >= 0, z, alpha * z)", "np.maximum(alpha, z)")],
        "loses": ["test_leaky_relu"],
        "message": "parece que usaste np.maximum(alpha, z)",
    },
    {
        "why": "leaky ReLU que ignora alpha",
        "cell": "activations",
        "replace": [("np.where(z >= 0, z, alpha * z)", "np.where(z >= 0, z, 0.01 * z)")],
        "loses": ["test_leaky_relu"],
        "message": "parece que ignoras el argumento alpha",
    },
    {
        "why": "swish sin multiplicar por z",
        "cell": "activations",
        "replace": [("return z * sigmoid(z)", "return sigmoid(z)")],
        "loses": ["test_swish"],
        "message": "parece que olvidaste multiplicar por z",
    },
    {
        "why": "swish como suma",
        "cell": "activations",
        "replace": [("return z * sigmoid(z)", "return z + sigmoid(z)")],
        "loses": ["test_swish"],
        "message": "parece que sumaste z + σ(z)",
    },
    {
        "why": "swish con e^z",
        "cell": "activations",
        "replace": [("return z * sigmoid(z)", "return z / (1 + np.exp(z))")],
        "loses": ["test_swish"],
        "message": "tu swish usa e^(z) en lugar de e^(-z)",
    },
    # --- Ejercicio 3: predict ---
    {
        "why": "predict sin sesgo",
        "cell": "predict",
        "replace": [("step(weighted_sum(X, w, b))", "step(weighted_sum(X, w, 0.0))")],
        "loses": _USES_PREDICT,
        "message": "parece que olvidaste el sesgo",
    },
    {
        "why": "predict sin el escalón",
        "cell": "predict",
        "replace": [("step(weighted_sum(X, w, b))", "weighted_sum(X, w, b)")],
        "loses": _USES_PREDICT,
        "message": "parece que no aplicaste el escalón",
    },
    {
        "why": "predict con la sigmoide",
        "cell": "predict",
        "replace": [("step(weighted_sum(X, w, b))", "sigmoid(weighted_sum(X, w, b))")],
        "loses": _USES_PREDICT,
        "message": "parece que usaste la sigmoide en lugar del escalón",
    },
    # --- Ejercicio 4: perceptron_update ---
    {
        "why": "signo de la corrección invertido",
        "cell": "perceptron_update",
        "replace": [("w + lr * error", "w - lr * error"), ("b + lr * error", "b - lr * error")],
        "loses": ["test_perceptron_update", "test_train_perceptron"],
        "message": "parece que el signo de la corrección está invertido",
    },
    {
        "why": "no actualiza el sesgo",
        "cell": "perceptron_update",
        "replace": [("b + lr * error", "b")],
        "loses": ["test_perceptron_update", "test_train_perceptron"],
        "message": "parece que no actualizaste el sesgo",
    },
    {
        "why": "corrige w sin multiplicar por x",
        "cell": "perceptron_update",
        "replace": [("w + lr * error * np.asarray(x, dtype=float)", "w + lr * error")],
        "loses": ["test_perceptron_update", "test_train_perceptron"],
        "message": "parece que olvidaste multiplicar la corrección de w por x",
    },
    {
        "why": "corrige con la etiqueta y, no con el error",
        "cell": "perceptron_update",
        "replace": [("error = y - predict(x, w, b)", "error = y")],
        "loses": ["test_perceptron_update", "test_train_perceptron"],
        "message": "parece que corriges aunque acierte",
    },
    # --- Ejercicio 5: train_perceptron ---
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
        "message": "parece que contaste los errores después de corregir",
    },
    {
        "why": "acumula los errores de todas las épocas",
        "cell": "train_perceptron",
        "replace": [
            ("    for _ in range(epochs):\n        mistakes = 0\n", "    mistakes = 0\n    for _ in range(epochs):\n")
        ],
        "loses": ["test_train_perceptron"],
        "message": "parece que acumulaste los errores de las épocas anteriores",
    },
    {
        "why": "para al llegar a 0 errores",
        "cell": "train_perceptron",
        "replace": [
            ("errors.append(mistakes)", "errors.append(mistakes)\n        if mistakes == 0:\n            break")
        ],
        "loses": ["test_train_perceptron"],
        "message": "parece que paraste al llegar a 0 errores",
    },
    {
        "why": "un número de errores por ejemplo",
        "cell": "train_perceptron",
        "replace": [
            (
                "            w, b = perceptron_update(w, b, x_i, y_i, lr)\n        errors.append(mistakes)",
                "            w, b = perceptron_update(w, b, x_i, y_i, lr)\n            errors.append(mistakes)",
            )
        ],
        "loses": ["test_train_perceptron"],
        "message": "parece que añadiste un número por ejemplo",
    },
    # --- Ejercicio 6: accuracy ---
    {
        "why": "cuenta aciertos en vez de la fracción",
        "cell": "accuracy",
        "replace": [("np.mean(", "np.sum(")],
        "loses": ["test_accuracy"],
        "message": "parece que devolviste el número de aciertos",
    },
    {
        "why": "devuelve la tasa de error",
        "cell": "accuracy",
        "replace": [("== np.asarray(y_pred).ravel()", "!= np.asarray(y_pred).ravel()")],
        "loses": ["test_accuracy"],
        "message": "parece que devolviste la tasa de error",
    },
    {
        "why": "devuelve un porcentaje",
        "cell": "accuracy",
        "replace": [("return float(np.mean(", "return 100 * float(np.mean(")],
        "loses": ["test_accuracy"],
        "message": "parece que devolviste un porcentaje",
    },
    {
        "why": "no aplana: compara (m,) con (m, 1)",
        "cell": "accuracy",
        "replace": [
            ("np.asarray(y_true).ravel() == np.asarray(y_pred).ravel()", "np.asarray(y_true) == np.asarray(y_pred)")
        ],
        "loses": ["test_accuracy"],
        "message": "parece que comparaste un vector (m,) con una columna (m, 1)",
    },
    # --- Ejercicio 7: xor_network ---
    {
        "why": "neurona de salida OR en lugar de AND",
        "cell": "xor_network",
        "replace": [("w_and, b_and = np.array([1.0, 1.0]), -1.5", "w_and, b_and = np.array([1.0, 1.0]), -0.5")],
        "loses": ["test_xor_network"],
        "message": "parece que la red devuelve siempre 1",
    },
    {
        "why": "NAND con el sesgo de NOR",
        "cell": "xor_network",
        "replace": [("w_nand, b_nand = np.array([-1.0, -1.0]), 1.5", "w_nand, b_nand = np.array([-1.0, -1.0]), 0.5")],
        "loses": ["test_xor_network"],
        "message": "parece que la red devuelve siempre 0",
    },
    {
        "why": "apila las salidas ocultas como filas",
        "cell": "xor_network",
        "replace": [("hidden = np.column_stack([", "hidden = np.array([")],
        "loses": ["test_xor_network"],
        "message": "parece que juntaste las salidas ocultas como filas",
    },
]
