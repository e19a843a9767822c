"""Respuestas erróneas plausibles de la lección 03 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero), lista
en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa y, en ``message``,
un fragmento que la retroalimentación debe mostrar (casi siempre, el nombre del error).
"""

# Ejercicios que usan, por diseño, el resultado de otros: `backward` llama a sigmoid_backward,
# relu_backward y dense_backward; `fit_classifier` entrena con `train`, que llama a forward, backward,
# minibatch_indices, momentum_update y (para registrar la pérdida) compute_loss.
BUILDS_ON = {
    "backward": ["activation_backward", "dense_backward"],
    "fit_classifier": ["forward", "backward", "minibatch_indices", "momentum_update", "compute_loss"],
}

GRAPH_CONSTANTS = """
def graph_forward_backward(x, y, z):
    return {"p": 4, "f": -12, "df_dp": -3, "df_dz": 4, "df_dx": -3, "df_dy": -3}
"""

WRONG_ANSWERS = [
    # --- Ejercicio 1: grafo -----------------------------------------------------------------------
    {
        "why": "intercambia df/dz y df/dp",
        "cell": "graph_forward_backward",
        "replace": [("df_dp = z * df_df", "df_dp = p * df_df"), ("df_dz = p * df_df", "df_dz = z * df_df")],
        "loses": ["test_graph_forward_backward"],
        "message": "intercambiaste las derivadas",
    },
    {
        "why": "olvida la regla de la cadena (solo la derivada local)",
        "cell": "graph_forward_backward",
        "replace": [("df_dx = df_dp * 1.0", "df_dx = 1.0"), ("df_dy = df_dp * 1.0", "df_dy = 1.0")],
        "loses": ["test_graph_forward_backward"],
        "message": "usaste solo la derivada local",
    },
    {
        "why": "multiplica por x e y en lugar de por la derivada local 1",
        "cell": "graph_forward_backward",
        "replace": [("df_dx = df_dp * 1.0", "df_dx = df_dp * x"), ("df_dy = df_dp * 1.0", "df_dy = df_dp * y")],
        "loses": ["test_graph_forward_backward"],
        "message": "multiplicaste por y",
    },
    {
        "why": "devuelve los valores del ejemplo visible",
        "cell": "graph_forward_backward",
        "code": GRAPH_CONSTANTS,
        "loses": ["test_graph_forward_backward"],
        "message": "devuelves siempre los valores del ejemplo visible",
    },
    # --- Ejercicio 2: derivadas de las activaciones ---------------------------------------------
    {
        "why": "derivada de la sigmoide aplicando la fórmula a A",
        "cell": "activation_backward",
        "replace": [("return dA * A * (1.0 - A)", "return dA * sigmoid(A) * (1.0 - sigmoid(A))")],
        "loses": ["test_sigmoid_backward", "test_backward"],
        "message": "A ya es σ(z), usa A(1 − A)",
    },
    {
        "why": "sigmoid_backward sin multiplicar por dA",
        "cell": "activation_backward",
        "replace": [("return dA * A * (1.0 - A)", "return A * (1.0 - A)")],
        "loses": ["test_sigmoid_backward", "test_backward"],
        "message": "olvidaste multiplicar por dA",
    },
    {
        "why": "sigmoid_backward con el signo cambiado",
        "cell": "activation_backward",
        "replace": [("return dA * A * (1.0 - A)", "return dA * A * (A - 1.0)")],
        "loses": ["test_sigmoid_backward", "test_backward"],
        "message": "el signo está cambiado",
    },
    {
        "why": "relu_backward sin multiplicar por dA",
        "cell": "activation_backward",
        "replace": [("return dA * (Z > 0)", "return (Z > 0).astype(float)")],
        "loses": ["test_relu_backward", "test_backward", "test_fit_classifier"],
        "message": "devolviste la derivada sin multiplicar por dA",
    },
    {
        "why": "relu_backward devuelve relu(dA)",
        "cell": "activation_backward",
        "replace": [("return dA * (Z > 0)", "return np.maximum(dA, 0.0)")],
        "loses": ["test_relu_backward", "test_backward", "test_fit_classifier"],
        "message": "devolviste relu(dA)",
    },
    {
        "why": "relu_backward con derivada 1 en z = 0",
        "cell": "activation_backward",
        "replace": [("return dA * (Z > 0)", "return dA * (Z >= 0)")],
        "loses": ["test_relu_backward"],
        "message": "en z = 0 usaste derivada 1",
    },
    {
        "why": "relu_backward multiplica por relu(Z) en lugar de por su derivada",
        "cell": "activation_backward",
        "replace": [("return dA * (Z > 0)", "return dA * np.maximum(Z, 0.0)")],
        "loses": ["test_relu_backward", "test_backward", "test_fit_classifier"],
        "message": "multiplicaste por relu(Z)",
    },
    # --- Ejercicio 3: softmax ---------------------------------------------------------------------
    {
        "why": "softmax sumando sobre el eje equivocado",
        "cell": "softmax",
        "replace": [
            ("E = np.exp(Z - Z.max(axis=1, keepdims=True))", "E = np.exp(Z - Z.max(axis=0, keepdims=True))"),
            ("return E / E.sum(axis=1, keepdims=True)", "return E / E.sum(axis=0, keepdims=True)"),
        ],
        "loses": ["test_softmax"],
        "message": "sumaste sobre el eje equivocado",
    },
    {
        "why": "softmax sin restar el máximo",
        "cell": "softmax",
        "replace": [("E = np.exp(Z - Z.max(axis=1, keepdims=True))", "E = np.exp(Z)")],
        "loses": ["test_softmax"],
        "message": "no restaste el máximo de cada fila",
    },
    {
        "why": "softmax restando el máximo de toda la matriz",
        "cell": "softmax",
        "replace": [("E = np.exp(Z - Z.max(axis=1, keepdims=True))", "E = np.exp(Z - Z.max())")],
        "loses": ["test_softmax"],
        "message": "restaste el máximo de toda la matriz",
    },
    {
        "why": "softmax sin keepdims",
        "cell": "softmax",
        "replace": [
            ("E = np.exp(Z - Z.max(axis=1, keepdims=True))", "E = np.exp(Z - Z.max(axis=1))"),
            ("return E / E.sum(axis=1, keepdims=True)", "return E / E.sum(axis=1)"),
        ],
        "loses": ["test_softmax"],
        "message": "olvidaste keepdims=True",
    },
    # --- Ejercicio 4: pérdidas --------------------------------------------------------------------
    {
        "why": "pérdida binaria sumada (falta 1/m)",
        "cell": "compute_loss",
        "replace": [
            (
                "return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))",
                "return float(-np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)))",
            )
        ],
        "loses": ["test_compute_loss"],
        "message": "sumaste en lugar de promediar",
    },
    {
        "why": "recorta también las predicciones de la MSE",
        "cell": "compute_loss",
        "replace": [
            (
                "return float(np.mean((A - Y) ** 2))",
                "return float(np.mean((np.clip(A, 1e-12, 1 - 1e-12) - Y) ** 2))",
            ),
        ],
        "loses": ["test_compute_loss"],
        "message": "recortaste también las predicciones de la MSE",
    },
    {
        "why": "entropía cruzada multiclase promediada también sobre las clases",
        "cell": "compute_loss",
        "replace": [("return float(-np.sum(Y * np.log(P)) / Y.shape[0])", "return float(-np.mean(Y * np.log(P)))")],
        "loses": ["test_compute_loss"],
        "message": "promediaste también sobre las clases",
    },
    {
        "why": "entropías cruzadas sin recortar (log 0)",
        "cell": "compute_loss",
        "replace": [("P = np.clip(A, 1e-12, 1 - 1e-12)", "P = A")],
        "loses": ["test_compute_loss"],
        "message": "no recortaste A con np.clip",
    },
    {
        "why": "entropía cruzada binaria sin el signo menos",
        "cell": "compute_loss",
        "replace": [
            (
                "return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))",
                "return float(np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))",
            )
        ],
        "loses": ["test_compute_loss"],
        "message": "olvidaste el signo menos",
    },
    # --- Ejercicio 5: capa densa hacia atrás -----------------------------------------------------
    {
        "why": "db promediado en lugar de sumado",
        "cell": "dense_backward",
        "replace": [("db = dZ.sum(axis=0)", "db = dZ.mean(axis=0)")],
        "loses": ["test_dense_backward", "test_backward"],
        "message": "promediaste dZ en lugar de sumarlo",
    },
    {
        "why": "db sumado sobre el eje equivocado",
        "cell": "dense_backward",
        "replace": [("db = dZ.sum(axis=0)", "db = dZ.sum(axis=1)")],
        "loses": ["test_dense_backward", "test_backward", "test_fit_classifier"],
        "message": "suma dZ sobre los ejemplos (las filas, axis=0)",
    },
    {
        "why": "dW dividido entre m",
        "cell": "dense_backward",
        "replace": [("dW = A_prev.T @ dZ", "dW = A_prev.T @ dZ / len(A_prev)")],
        "loses": ["test_dense_backward", "test_backward"],
        "message": "dividiste dW entre m",
    },
    {
        "why": "dW traspuesto",
        "cell": "dense_backward",
        "replace": [("dW = A_prev.T @ dZ", "dW = dZ.T @ A_prev")],
        "loses": ["test_dense_backward", "test_backward", "test_fit_classifier"],
        "message": "¿Está traspuesto?",
    },
    # --- Ejercicio 6: propagación hacia adelante ---------------------------------------------------
    {
        "why": "forward sin sesgo",
        "cell": "forward",
        "replace": [('Z = A @ params[f"W{layer}"] + params[f"b{layer}"]', 'Z = A @ params[f"W{layer}"]')],
        "loses": ["test_forward", "test_fit_classifier"],
        "message": "olvidaste sumar el sesgo b",
    },
    {
        "why": "aplica la activación oculta también a la salida",
        "cell": "forward",
        "replace": [("activate(Z, hidden if layer < L else output)", "activate(Z, hidden)")],
        "loses": ["test_forward"],
        "message": "aplicaste la activación oculta también a la salida",
    },
    {
        "why": "aplica la activación de salida a todas las capas",
        "cell": "forward",
        "replace": [("activate(Z, hidden if layer < L else output)", "activate(Z, output)")],
        "loses": ["test_forward", "test_fit_classifier"],
        "message": "aplicaste a la capa oculta la activación de salida",
    },
    # --- Ejercicio 7: retropropagación -------------------------------------------------------------
    {
        "why": "falta 1/m en el dZ de salida",
        "cell": "backward",
        "replace": [
            ("dZ = (A_out - Y) / A_out.size", "dZ = A_out - Y"),
            ("dZ = (A_out - Y) / Y.shape[0]", "dZ = A_out - Y"),
        ],
        "loses": ["test_backward", "test_fit_classifier"],
        "message": "falta dividir dZ de la salida entre el número de términos promediados",
    },
    {
        "why": "derivada de la sigmoide con Z en lugar de A",
        "cell": "backward",
        "replace": [("sigmoid_backward(dA, A) if hidden", "sigmoid_backward(dA, Z) if hidden")],
        "loses": ["test_backward"],
        "message": "usaste Z en la derivada de la sigmoide",
    },
    {
        "why": "entropía cruzada binaria dividida entre m y no entre m·k",
        "cell": "backward",
        "replace": [("dZ = (A_out - Y) / A_out.size", "dZ = (A_out - Y) / Y.shape[0]")],
        "loses": ["test_backward"],
        "message": "dZ se divide entre m·k",
    },
    {
        "why": "derivada de la MSE sin el 2",
        "cell": "backward",
        "replace": [("dA = 2.0 * (A_out - Y) / A_out.size", "dA = (A_out - Y) / A_out.size")],
        "loses": ["test_backward"],
        "message": "falta el 2 de la derivada de la MSE",
    },
    {
        "why": "MSE con salida sigmoide sin la derivada de la sigmoide de salida",
        "cell": "backward",
        "replace": [('dZ = sigmoid_backward(dA, A_out) if output == "sigmoid" else dA', "dZ = dA")],
        "loses": ["test_backward"],
        "message": "falta multiplicar por la derivada de la sigmoide de salida",
    },
    # --- Ejercicio 8: mini-lotes --------------------------------------------------------------------
    {
        "why": "mini-lotes sin barajar",
        "cell": "minibatch_indices",
        "replace": [("order = rng.permutation(m)", "order = np.arange(m)")],
        "loses": ["test_minibatch_indices"],
        "message": "parece que no barajaste",
    },
    {
        "why": "reparte los índices a partes iguales con np.array_split",
        "cell": "minibatch_indices",
        "replace": [
            (
                "return [order[start : start + batch_size] for start in range(0, m, batch_size)]",
                "return np.array_split(order, int(np.ceil(m / batch_size)))",
            )
        ],
        "loses": ["test_minibatch_indices"],
        "message": "repartiste los índices a partes iguales",
    },
    {
        "why": "descarta el último lote incompleto",
        "cell": "minibatch_indices",
        "replace": [("range(0, m, batch_size)", "range(0, m - batch_size + 1, batch_size)")],
        "loses": ["test_minibatch_indices", "test_fit_classifier"],
        "message": "descartaste el último lote incompleto",
    },
    {
        "why": "baraja con np.random y no con el rng recibido",
        "cell": "minibatch_indices",
        "replace": [("order = rng.permutation(m)", "order = np.random.permutation(m)")],
        "loses": ["test_minibatch_indices"],
        "message": "no con np.random",
    },
    # --- Ejercicio 9: momento ----------------------------------------------------------------------
    {
        "why": "signo de la actualización invertido",
        "cell": "momentum_update",
        "replace": [("params[key] - lr * new_velocity[key]", "params[key] + lr * new_velocity[key]")],
        "loses": ["test_momentum_update", "test_fit_classifier"],
        "message": "el signo de la actualización está invertido",
    },
    {
        "why": "momento sin la velocidad anterior",
        "cell": "momentum_update",
        "replace": [("beta * velocity[key] + grads[key]", "grads[key]")],
        "loses": ["test_momentum_update"],
        "message": "ignoraste la velocidad anterior",
    },
    {
        "why": "la tasa de aprendizaje dentro de la velocidad (mezcla las dos formas)",
        "cell": "momentum_update",
        "replace": [("beta * velocity[key] + grads[key]", "beta * velocity[key] + lr * grads[key]")],
        "loses": ["test_momentum_update"],
        "message": "metiste la tasa de aprendizaje dentro de la velocidad",
    },
    {
        "why": "actualiza los pesos con la velocidad anterior",
        "cell": "momentum_update",
        "replace": [("params[key] - lr * new_velocity[key]", "params[key] - lr * velocity[key]")],
        "loses": ["test_momentum_update"],
        "message": "actualizaste los pesos con la velocidad anterior",
    },
    # --- Ejercicio 10: tasa de aprendizaje decreciente ----------------------------------------------
    {
        "why": "multiplica en lugar de dividir",
        "cell": "inverse_time_decay",
        "replace": [("lr0 / (1.0 + decay * np.asarray(step, dtype=float))", "lr0 * (1.0 + decay * np.asarray(step))")],
        "loses": ["test_inverse_time_decay"],
        "message": "multiplicaste por (1 + k·t)",
    },
    {
        "why": "decaimiento exponencial",
        "cell": "inverse_time_decay",
        "replace": [("lr0 / (1.0 + decay * np.asarray(step, dtype=float))", "lr0 * np.exp(-decay * np.asarray(step))")],
        "loses": ["test_inverse_time_decay"],
        "message": "usaste un decaimiento exponencial",
    },
    {
        "why": "olvida la tasa inicial",
        "cell": "inverse_time_decay",
        "replace": [("lr0 / (1.0 + decay * np.asarray(step, dtype=float))", "1.0 / (1.0 + decay * np.asarray(step))")],
        "loses": ["test_inverse_time_decay"],
        "message": "olvidaste multiplicar por la tasa inicial",
    },
    {
        "why": "decaimiento lineal",
        "cell": "inverse_time_decay",
        "replace": [("lr0 / (1.0 + decay * np.asarray(step, dtype=float))", "lr0 * (1.0 - decay * np.asarray(step))")],
        "loses": ["test_inverse_time_decay"],
        "message": "usaste un decaimiento lineal",
    },
    # --- Ejercicio 11: normas por capa -------------------------------------------------------------
    {
        "why": "claves ordenadas como texto",
        "cell": "gradient_norms",
        "replace": [
            (
                'return np.array([np.linalg.norm(grads[f"W{layer}"]) for layer in range(1, L + 1)])',
                'return np.array([np.linalg.norm(grads[k]) for k in sorted(k for k in grads if k.startswith("W"))])',
            )
        ],
        "loses": ["test_gradient_norms"],
        "message": "ordenaste las claves como texto",
    },
    {
        "why": "incluye las normas de los sesgos",
        "cell": "gradient_norms",
        "replace": [
            (
                'return np.array([np.linalg.norm(grads[f"W{layer}"]) for layer in range(1, L + 1)])',
                "return np.array([np.linalg.norm(value) for value in grads.values()])",
            )
        ],
        "loses": ["test_gradient_norms"],
        "message": "incluiste también las normas de los sesgos",
    },
    {
        "why": "recorre las claves en el orden del diccionario",
        "cell": "gradient_norms",
        "replace": [
            (
                'return np.array([np.linalg.norm(grads[f"W{layer}"]) for layer in range(1, L + 1)])',
                'return np.array([np.linalg.norm(v) for k, v in grads.items() if k.startswith("W")])',
            )
        ],
        "loses": ["test_gradient_norms"],
        "message": "recorriste las claves en el orden del diccionario",
    },
    # --- Ejercicio 12: clasificador ----------------------------------------------------------------
    {
        "why": "número de épocas fijo y pequeño (XOR recibe 5 actualizaciones)",
        "cell": "fit_classifier",
        "replace": [("epochs = int(np.ceil(updates / np.ceil(len(X) / batch_size)))", "epochs = 5")],
        "loses": ["test_fit_classifier"],
        "message": "entrenaste muy pocas actualizaciones",
    },
    {
        "why": "red sin capas ocultas",
        "cell": "fit_classifier",
        "replace": [("[X.shape[1], 16, 16, 1]", "[X.shape[1], 1]")],
        "loses": ["test_fit_classifier"],
        "message": "tu red no tiene capas ocultas",
    },
    {
        "why": "entrena con sigmoide en las capas ocultas",
        "cell": "fit_classifier",
        "replace": [('        "relu",\n        "sigmoid",', '        "sigmoid",\n        "sigmoid",')],
        "loses": ["test_fit_classifier"],
        "message": "entrenaste con sigmoide en las capas ocultas",
    },
    {
        "why": "tasa de aprendizaje demasiado grande",
        "cell": "fit_classifier",
        "replace": [("lr=0.1,", "lr=20.0,")],
        "loses": ["test_fit_classifier"],
        "message": "la tasa de aprendizaje es demasiado grande",
    },
    {
        "why": "devuelve la tupla de train",
        "cell": "fit_classifier",
        "replace": [("params, _ = train(", "params = train(")],
        "loses": ["test_fit_classifier"],
        "message": "fit_classifier debe devolver solo params",
    },
]
