"""Respuestas erróneas plausibles de la lección 02 y las celdas calificadas que deben perder puntos."""

WRONG_ANSWERS = [
    {
        "why": "ReLU como valor absoluto",
        "cell": "relu",
        "replace": [("np.maximum(0, z)", "np.abs(z)")],
        "loses": [
            "test_relu",
            "test_predict_with_network",
            "test_predict_with_deep_network",
            "test_predict_many",
            "test_dense_layer",
            "test_forward_pass",
            "test_activation_stds",
        ],
    },
    {
        "why": "ReLU con max de Python (solo sirve para números sueltos)",
        "cell": "relu",
        "replace": [("np.maximum(0, z)", "max(z, 0)")],
        "loses": ["test_relu", "test_dense_layer", "test_forward_pass", "test_activation_stds"],
    },
    {
        "why": "sin ReLU en la capa oculta",
        "cell": "predict_with_network",
        "replace": [
            ('relu((input_data_row * weights["node_0"]).sum())', '(input_data_row * weights["node_0"]).sum()'),
            ('relu((input_data_row * weights["node_1"]).sum())', '(input_data_row * weights["node_1"]).sum()'),
        ],
        "loses": ["test_predict_with_network", "test_predict_many"],
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
        "loses": ["test_predict_with_network", "test_predict_many"],
    },
    {
        "why": "olvida la segunda capa oculta",
        "cell": "predict_with_deep_network",
        "replace": [('return (hidden_1 * weights["output"]).sum()', 'return (hidden_0 * weights["output"]).sum()')],
        "loses": ["test_predict_with_deep_network", "test_predict_many", "test_forward_pass"],
    },
    {
        "why": "devuelve una lista, no un arreglo",
        "cell": "predict_many",
        "replace": [("return np.array(results)", "return results")],
        "loses": ["test_predict_many"],
    },
    {
        "why": "olvida el sesgo en la capa densa",
        "cell": "dense_layer",
        "replace": [("@ W + b", "@ W")],
        "loses": ["test_dense_layer", "test_forward_pass", "test_activation_stds"],
    },
    {
        "why": "pesos de cada neurona como filas (np.vstack)",
        "cell": "dict_to_layers",
        "replace": [("W = np.column_stack(columns)", "W = np.vstack(columns)")],
        "loses": ["test_dict_to_layers", "test_forward_pass"],
    },
    {
        "why": "ReLU también en la salida de la red matricial",
        "cell": "forward_pass",
        "replace": [("return dense_layer(A, W_out, b_out, activation=None)", "return dense_layer(A, W_out, b_out)")],
        "loses": ["test_forward_pass"],
    },
    {
        "why": "varianza usada como desviación típica",
        "cell": "init_layer",
        "replace": [("np.sqrt(variance)", "variance")],
        "loses": ["test_init_layer"],
    },
    {
        "why": "divide entre n_out",
        "cell": "init_layer",
        "replace": [("[method] / n_in", "[method] / n_out")],
        "loses": ["test_init_layer"],
    },
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
    },
]
