"""Respuestas erróneas plausibles de la lección 03 y las celdas calificadas que deben perder puntos."""

WRONG_ANSWERS = [
    {
        "why": "intercambia df/dz y df/dp",
        "cell": "graph_forward_backward",
        "replace": [("df_dp = z * df_df", "df_dp = p * df_df"), ("df_dz = p * df_df", "df_dz = z * df_df")],
        "loses": ["test_graph_forward_backward"],
    },
    {
        "why": "olvida la regla de la cadena (solo la derivada local)",
        "cell": "graph_forward_backward",
        "replace": [("df_dx = df_dp * 1.0", "df_dx = 1.0"), ("df_dy = df_dp * 1.0", "df_dy = 1.0")],
        "loses": ["test_graph_forward_backward"],
    },
    {
        "why": "derivada de la sigmoide aplicando la fórmula a A",
        "cell": "activation_backward",
        "replace": [("return dA * A * (1.0 - A)", "return dA * sigmoid(A) * (1.0 - sigmoid(A))")],
        "loses": ["test_sigmoid_backward", "test_backward"],
    },
    {
        "why": "relu_backward sin multiplicar por dA",
        "cell": "activation_backward",
        "replace": [("return dA * (Z > 0)", "return (Z > 0).astype(float)")],
        "loses": ["test_relu_backward", "test_backward", "test_fit_classifier"],
    },
    {
        "why": "softmax sumando sobre el eje equivocado",
        "cell": "softmax",
        "replace": [
            ("E = np.exp(Z - Z.max(axis=1, keepdims=True))", "E = np.exp(Z - Z.max(axis=0, keepdims=True))"),
            ("return E / E.sum(axis=1, keepdims=True)", "return E / E.sum(axis=0, keepdims=True)"),
        ],
        "loses": ["test_softmax", "test_backward"],
    },
    {
        "why": "pérdida binaria sumada (falta 1/m)",
        "cell": "compute_loss",
        "replace": [
            (
                "return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))",
                "return float(-np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)))",
            )
        ],
        "loses": ["test_compute_loss", "test_backward"],
    },
    {
        "why": "db promediado en lugar de sumado",
        "cell": "dense_backward",
        "replace": [("db = dZ.sum(axis=0)", "db = dZ.mean(axis=0)")],
        "loses": ["test_dense_backward", "test_backward"],
    },
    {
        "why": "db sumado sobre el eje equivocado",
        "cell": "dense_backward",
        "replace": [("db = dZ.sum(axis=0)", "db = dZ.sum(axis=1)")],
        "loses": ["test_dense_backward", "test_backward", "test_fit_classifier"],
    },
    {
        "why": "forward sin sesgo",
        "cell": "forward",
        "replace": [('Z = A @ params[f"W{layer}"] + params[f"b{layer}"]', 'Z = A @ params[f"W{layer}"]')],
        "loses": ["test_forward", "test_backward", "test_fit_classifier"],
    },
    {
        "why": "falta 1/m en el dZ de salida",
        "cell": "backward",
        "replace": [
            ("dZ = (A_out - Y) / A_out.size", "dZ = A_out - Y"),
            ("dZ = (A_out - Y) / Y.shape[0]", "dZ = A_out - Y"),
        ],
        "loses": ["test_backward", "test_fit_classifier"],
    },
    {
        "why": "derivada de la sigmoide con Z en lugar de A",
        "cell": "backward",
        "replace": [("sigmoid_backward(dA, A) if hidden", "sigmoid_backward(dA, Z) if hidden")],
        "loses": ["test_backward"],
    },
    {
        "why": "signo de la actualización invertido",
        "cell": "momentum_update",
        "replace": [("params[key] - lr * new_velocity[key]", "params[key] + lr * new_velocity[key]")],
        "loses": ["test_momentum_update", "test_fit_classifier"],
    },
    {
        "why": "momento sin la velocidad anterior",
        "cell": "momentum_update",
        "replace": [("beta * velocity[key] + grads[key]", "grads[key]")],
        "loses": ["test_momentum_update"],
    },
    {
        "why": "mini-lotes sin barajar",
        "cell": "minibatch_indices",
        "replace": [("order = rng.permutation(m)", "order = np.arange(m)")],
        "loses": ["test_minibatch_indices"],
    },
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
    },
    {
        "why": "entrena demasiado poco",
        "cell": "fit_classifier",
        "replace": [("int(np.ceil(3000 / updates_per_epoch))", "2")],
        "loses": ["test_fit_classifier"],
    },
]
