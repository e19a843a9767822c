"""Respuestas erróneas plausibles de la lección 02 y las celdas calificadas que deben perder puntos.

Formato en lesson_01_perceptron.py. ``BUILDS_ON``: las dos redes hechas a mano y la capa densa usan
``relu``; la propagación matricial y la medida de la señal se escriben con ``dense_layer``. Las
pruebas de ``predict_many``, ``dict_to_layers``, ``forward_pass`` e ``init_layer`` calculan lo
esperado por su cuenta, sin llamar a otras funciones del estudiante.
"""

BUILDS_ON = {
    "predict_with_network": ["relu"],
    "predict_with_deep_network": ["relu"],
    "dense_layer": ["relu"],
    "forward_pass": ["dense_layer"],
    "activation_stds": ["dense_layer"],
}

_RELU_USERS = [
    "test_relu",
    "test_predict_with_network",
    "test_predict_with_deep_network",
    "test_dense_layer",
    "test_forward_pass",
    "test_activation_stds",
]

WRONG_ANSWERS = [
    # --- Ejercicio 1: relu ---
    {
        "why": "ReLU como valor absoluto",
        "cell": "relu",
        "replace": [("np.maximum(0, z)", "np.abs(z)")],
        "loses": _RELU_USERS,
        "message": "parece que devolviste el valor absoluto",
    },
    {
        "why": "ReLU con max de Python (solo sirve para números sueltos)",
        "cell": "relu",
        "replace": [("np.maximum(0, z)", "max(z, 0)")],
        "loses": ["test_relu", "test_dense_layer", "test_forward_pass", "test_activation_stds"],
        "message": "parece que usaste el `max` de Python",
    },
    {
        "why": "ReLU con np.minimum",
        "cell": "relu",
        "replace": [("np.maximum(0, z)", "np.minimum(0, z)")],
        "loses": _RELU_USERS,
        "message": "parece que usaste np.minimum",
    },
    {
        "why": "ReLU devuelve z > 0",
        "cell": "relu",
        "replace": [("np.maximum(0, z)", "np.asarray(z) > 0")],
        "loses": _RELU_USERS,
        "message": "parece que devolviste z > 0",
    },
    # --- Ejercicio 2: predict_with_network ---
    {
        "why": "sin ReLU en la capa oculta",
        "cell": "predict_with_network",
        "replace": [
            ('relu((input_data_row * weights["node_0"]).sum())', '(input_data_row * weights["node_0"]).sum()'),
            ('relu((input_data_row * weights["node_1"]).sum())', '(input_data_row * weights["node_1"]).sum()'),
        ],
        "loses": ["test_predict_with_network"],
        "message": "parece que no aplicaste ReLU en la capa oculta",
    },
    {
        "why": "ReLU también en la salida",
        "cell": "predict_with_network",
        "replace": [
            (
                'return (hidden_layer_outputs * weights["output"]).sum()',
                'return relu((hidden_layer_outputs * weights["output"]).sum())',
            )
        ],
        "loses": ["test_predict_with_network"],
        "message": "parece que aplicaste ReLU también a la salida",
    },
    {
        "why": "copia y pega: node_1 con los pesos de node_0",
        "cell": "predict_with_network",
        "replace": [
            ('relu((input_data_row * weights["node_1"]).sum())', 'relu((input_data_row * weights["node_0"]).sum())')
        ],
        "loses": ["test_predict_with_network"],
        "message": "parece que la salida solo usa node_0",
    },
    {
        "why": "np.array(a, b) del material de origen",
        "cell": "predict_with_network",
        "replace": [("np.array([node_0_output, node_1_output])", "np.array(node_0_output, node_1_output)")],
        "loses": ["test_predict_with_network"],
        "message": "juntaste las salidas con np.array(a, b)",
    },
    # --- Ejercicio 3: predict_with_deep_network ---
    {
        "why": "olvida la segunda capa oculta",
        "cell": "predict_with_deep_network",
        "replace": [('return (hidden_1 * weights["output"]).sum()', 'return (hidden_0 * weights["output"]).sum()')],
        "loses": ["test_predict_with_deep_network"],
        "message": "parece que olvidaste la segunda capa oculta",
    },
    {
        "why": "sin ReLU en las capas ocultas",
        "cell": "predict_with_deep_network",
        "replace": [("relu((input_data_row", "((input_data_row"), ("relu((hidden_0", "((hidden_0")],
        "loses": ["test_predict_with_deep_network"],
        "message": "parece que no aplicaste ReLU en las capas ocultas",
    },
    {
        "why": "ReLU también en la salida de la red profunda",
        "cell": "predict_with_deep_network",
        "replace": [
            ('return (hidden_1 * weights["output"]).sum()', 'return relu((hidden_1 * weights["output"]).sum())')
        ],
        "loses": ["test_predict_with_deep_network"],
        "message": "parece que aplicaste ReLU también a la salida",
    },
    {
        "why": "la segunda capa recibe la entrada original",
        "cell": "predict_with_deep_network",
        "replace": [
            ('relu((hidden_0 * weights["node_1_0"]).sum())', 'relu((input_data_row * weights["node_1_0"]).sum())'),
            ('relu((hidden_0 * weights["node_1_1"]).sum())', 'relu((input_data_row * weights["node_1_1"]).sum())'),
        ],
        "loses": ["test_predict_with_deep_network"],
        "message": "parece que la segunda capa recibe la entrada original",
    },
    # --- Ejercicio 4: predict_many ---
    {
        "why": "devuelve una lista, no un arreglo",
        "cell": "predict_many",
        "replace": [("return np.array(results)", "return results")],
        "loses": ["test_predict_many"],
        "message": "parece que olvidaste convertirla con np.array",
    },
    {
        "why": "llama a predict una vez con toda la matriz",
        "cell": "predict_many",
        "code": "def predict_many(input_data, weights, predict):\n    return np.array(predict(input_data, weights))\n",
        "loses": ["test_predict_many"],
        "message": "parece que llamaste a predict una vez con toda la matriz",
    },
    {
        "why": "se salta la última fila",
        "cell": "predict_many",
        "replace": [("for input_data_row in input_data:", "for input_data_row in input_data[:-1]:")],
        "loses": ["test_predict_many"],
        "message": "parece que te saltaste alguna fila",
    },
    {
        "why": "llama siempre a predict_with_network",
        "cell": "predict_many",
        "replace": [
            (
                "results.append(predict(input_data_row, weights))",
                "results.append(predict_with_network(input_data_row, weights))",
            )
        ],
        "loses": ["test_predict_many"],
        "message": "parece que llamas siempre a predict_with_network",
    },
    # --- Ejercicio 5: dense_layer ---
    {
        "why": "olvida el sesgo en la capa densa",
        "cell": "dense_layer",
        "replace": [("@ W + b", "@ W")],
        "loses": ["test_dense_layer", "test_forward_pass", "test_activation_stds"],
        "message": "parece que olvidaste sumar el sesgo b",
    },
    {
        "why": "factores al revés (W @ X)",
        "cell": "dense_layer",
        "replace": [("Z = np.asarray(X, dtype=float) @ W + b", "Z = (W @ np.asarray(X, dtype=float).T).T + b")],
        "loses": ["test_dense_layer", "test_forward_pass", "test_activation_stds"],
        "message": "parece que escribiste los factores al revés (W @ X)",
    },
    {
        "why": "sesgo después de la activación",
        "cell": "dense_layer",
        "code": (
            'def dense_layer(X, W, b, activation="relu"):\n'
            '    if activation == "relu":\n'
            "        activation = relu\n"
            "    Z = np.asarray(X, dtype=float) @ W\n"
            "    if activation is None:\n"
            "        return Z + b\n"
            "    return activation(Z) + b\n"
        ),
        "loses": ["test_dense_layer", "test_forward_pass", "test_activation_stds"],
        "message": "parece que sumaste el sesgo después de la activación",
    },
    {
        "why": "no contempla activation=None",
        "cell": "dense_layer",
        "replace": [("    if activation is None:\n        return Z\n", "")],
        "loses": ["test_dense_layer", "test_forward_pass"],
        "message": "parece que llamas a activation aunque sea None",
    },
    # --- Ejercicio 6: dict_to_layers ---
    {
        "why": "pesos de cada neurona como filas (np.vstack)",
        "cell": "dict_to_layers",
        "replace": [("W = np.column_stack(columns)", "W = np.vstack(columns)")],
        "loses": ["test_dict_to_layers"],
        "message": "parece que pusiste los pesos de cada neurona como filas",
    },
    {
        "why": "ordena las claves como texto",
        "cell": "dict_to_layers",
        "code": (
            "def dict_to_layers(weights):\n"
            "    groups = {}\n"
            "    for key in sorted(weights):\n"
            '        if key.startswith("node_"):\n'
            '            groups.setdefault(key.split("_")[1], []).append(np.asarray(weights[key], dtype=float))\n'
            "    layers = []\n"
            "    for layer in sorted(groups):\n"
            "        W = np.column_stack(groups[layer])\n"
            "        layers.append((W, np.zeros(W.shape[1])))\n"
            '    W_out = np.asarray(weights["output"], dtype=float).reshape(-1, 1)\n'
            "    return layers + [(W_out, np.zeros(1))]\n"
        ),
        "loses": ["test_dict_to_layers"],
        "message": "parece que ordenaste las claves como texto",
    },
    {
        "why": "recorre las claves en el orden en que se escribieron",
        "cell": "dict_to_layers",
        "code": (
            "def dict_to_layers(weights):\n"
            "    groups = {}\n"
            "    for key, value in weights.items():\n"
            '        if key.startswith("node_"):\n'
            '            groups.setdefault(int(key.split("_")[1]), []).append(np.asarray(value, dtype=float))\n'
            "    layers = []\n"
            "    for layer in sorted(groups):\n"
            "        W = np.column_stack(groups[layer])\n"
            "        layers.append((W, np.zeros(W.shape[1])))\n"
            '    W_out = np.asarray(weights["output"], dtype=float).reshape(-1, 1)\n'
            "    return layers + [(W_out, np.zeros(1))]\n"
        ),
        "loses": ["test_dict_to_layers"],
        "message": "parece que recorres el diccionario en el orden en que se escribieron las claves",
    },
    {
        "why": "la W de la salida queda como vector (n,)",
        "cell": "dict_to_layers",
        "replace": [
            ('np.asarray(weights["output"], dtype=float).reshape(-1, 1)', 'np.asarray(weights["output"], dtype=float)')
        ],
        "loses": ["test_dict_to_layers"],
        "message": "parece que olvidaste convertirla en una columna",
    },
    {
        "why": "un sesgo por entrada en lugar de por neurona",
        "cell": "dict_to_layers",
        "replace": [
            ("layers.append((W, np.zeros(W.shape[1])))", "layers.append((W, np.zeros(W.shape[0])))"),
            ("layers.append((W_out, np.zeros(1)))", "layers.append((W_out, np.zeros(W_out.shape[0])))"),
        ],
        "loses": ["test_dict_to_layers"],
        "message": "parece que pusiste un sesgo por entrada",
    },
    # --- Ejercicio 7: forward_pass ---
    {
        "why": "ReLU también en la salida de la red matricial",
        "cell": "forward_pass",
        "replace": [("return dense_layer(A, W_out, b_out, activation=None)", "return dense_layer(A, W_out, b_out)")],
        "loses": ["test_forward_pass"],
        "message": "parece que aplicaste ReLU también a la salida",
    },
    {
        "why": "no aplica la capa de salida",
        "cell": "forward_pass",
        "replace": [("return dense_layer(A, W_out, b_out, activation=None)", "return A")],
        "loses": ["test_forward_pass"],
        "message": "parece que no aplicaste la última capa",
    },
    {
        "why": "sin ReLU en las capas ocultas",
        "cell": "forward_pass",
        "replace": [("A = dense_layer(A, W, b, activation=relu)", "A = dense_layer(A, W, b, activation=None)")],
        "loses": ["test_forward_pass"],
        "message": "parece que no aplicaste ReLU en las capas ocultas",
    },
    {
        "why": "se salta la primera capa",
        "cell": "forward_pass",
        "replace": [("for W, b in layers[:-1]:", "for W, b in layers[1:-1]:")],
        "loses": ["test_forward_pass"],
        "message": "parece que te saltaste la primera capa",
    },
    # --- Ejercicio 8: init_layer ---
    {
        "why": "varianza usada como desviación típica",
        "cell": "init_layer",
        "replace": [("np.sqrt(variance)", "variance")],
        "loses": ["test_init_layer"],
        "message": "parece que usaste la varianza como desviación típica",
    },
    {
        "why": "divide entre n_out",
        "cell": "init_layer",
        "replace": [('"lecun": 1.0 / n_in', '"lecun": 1.0 / n_out'), ('"he": 2.0 / n_in', '"he": 2.0 / n_out')],
        "loses": ["test_init_layer"],
        "message": "parece que dividiste entre n_out en lugar de n_in",
    },
    {
        "why": "intercambia LeCun y He",
        "cell": "init_layer",
        "replace": [('"lecun": 1.0 / n_in', '"lecun": 2.0 / n_in'), ('"he": 2.0 / n_in', '"he": 1.0 / n_in')],
        "loses": ["test_init_layer"],
        "message": "parece que usaste la varianza de LeCun (1/n_in)",
    },
    {
        "why": "Glorot como 1/n_in (la confusión de nombres)",
        "cell": "init_layer",
        "replace": [('"glorot": 2.0 / (n_in + n_out)', '"glorot": 1.0 / n_in')],
        "loses": ["test_init_layer"],
        "message": "parece que usaste la varianza de LeCun (1/n_in)",
    },
    {
        "why": "llama «xavier» al método de LeCun",
        "cell": "init_layer",
        "replace": [('"lecun": 1.0 / n_in', '"xavier": 1.0 / n_in')],
        "loses": ["test_init_layer"],
        "message": "parece que no reconoces el método 'lecun'",
    },
    {
        "why": "usa np.random en lugar del rng",
        "cell": "init_layer",
        "replace": [("rng.normal(0.0, np.sqrt(variance)", "np.random.normal(0.0, np.sqrt(variance)")],
        "loses": ["test_init_layer"],
        "message": "parece que usaste np.random en lugar del rng",
    },
    # --- Ejercicio 9: activation_stds ---
    {
        "why": "mide z en lugar de la salida con ReLU",
        "cell": "activation_stds",
        "replace": [
            (
                "A = dense_layer(A, W, b, activation=relu)\n        stds.append(A.std())",
                "stds.append(dense_layer(A, W, b, activation=None).std())\n"
                "        A = dense_layer(A, W, b, activation=relu)",
            )
        ],
        "loses": ["test_activation_stds"],
        "message": "parece que mediste la entrada z de cada capa",
    },
    {
        "why": "solo la desviación de la última capa",
        "cell": "activation_stds",
        "replace": [("return np.array(stds)", "return np.array(stds[-1])")],
        "loses": ["test_activation_stds"],
        "message": "parece que solo mediste la última capa",
    },
    {
        "why": "incluye la desviación de la entrada",
        "cell": "activation_stds",
        "replace": [("stds = []", "stds = [A.std()]")],
        "loses": ["test_activation_stds"],
        "message": "parece que incluiste la desviación típica de la entrada X",
    },
    {
        "why": "última capa lineal, como en forward_pass",
        "cell": "activation_stds",
        "code": (
            "def activation_stds(X, layers):\n"
            "    A = np.asarray(X, dtype=float)\n"
            "    stds = []\n"
            "    for i, (W, b) in enumerate(layers):\n"
            "        A = dense_layer(A, W, b, activation=relu if i < len(layers) - 1 else None)\n"
            "        stds.append(A.std())\n"
            "    return np.array(stds)\n"
        ),
        "loses": ["test_activation_stds"],
        "message": "parece que dejaste lineal la última capa",
    },
]
