"""Respuestas erróneas plausibles de la lección 04 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero) y
lista en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa.
"""

WRONG_ANSWERS = [
    {
        "why": "salida lineal con ReLU",
        "cell": "build_linear_model",
        "replace": [("keras.layers.Dense(1)])", 'keras.layers.Dense(1, activation="relu")])')],
        "loses": ["test_build_linear_model", "test_train_steps"],
    },
    {
        "why": "ignora `epochs`: todos los pasos en una sola época",
        "cell": "train_steps",
        "replace": [
            ("rows = (steps // epochs) * batch_size", "rows = steps * batch_size"),
            ("epochs=epochs, shuffle=True", "epochs=1, shuffle=True"),
        ],
        "loses": ["test_train_steps"],
    },
    {
        "why": "devuelve el kernel (n, 1) sin aplanar",
        "cell": "get_linear_params",
        "replace": [("return kernel.ravel(), float(bias[0])", "return kernel, float(bias[0])")],
        "loses": ["test_get_linear_params"],
    },
    {
        "why": "resta un vector y una columna sin aplanar (difusión a (m, m))",
        "cell": "rmse",
        "replace": [
            ("y_true = np.ravel(np.asarray(y_true, dtype=float))", "y_true = np.asarray(y_true, dtype=float)"),
            ("y_pred = np.ravel(np.asarray(y_pred, dtype=float))", "y_pred = np.asarray(y_pred, dtype=float)"),
        ],
        "loses": ["test_rmse"],
    },
    {
        "why": "divide entre 12 en lugar de entre la raíz de 12",
        "cell": "noise_floor",
        "replace": [("/ np.sqrt(12.0)", "/ 12.0")],
        "loses": ["test_noise_floor"],
    },
    {
        "why": "ajusta un escalador distinto para cada conjunto",
        "cell": "scale_features",
        "replace": [("*(scaler.transform(X) for X in others)", "*(StandardScaler().fit_transform(X) for X in others)")],
        "loses": ["test_scale_features"],
    },
    {
        "why": "salida de la red con ReLU",
        "cell": "build_deep_regressor",
        "replace": [
            ("layers.append(keras.layers.Dense(1))", 'layers.append(keras.layers.Dense(1, activation="relu"))')
        ],
        "loses": ["test_build_deep_regressor", "test_deep_regressor_vs_baseline"],
    },
]
