"""Respuestas erróneas plausibles de la lección 04 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero), lista
en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa y, en ``message``,
un fragmento que la retroalimentación debe mostrar (casi siempre, el nombre del error).
"""

# `fit_regressor` junta por diseño el escalado, la red profunda y el entrenamiento por pasos.
BUILDS_ON = {"fit_regressor": ["scale_features", "build_deep_regressor", "train_steps"]}

WRONG_ANSWERS = [
    # --- Ejercicio 1: modelo lineal ---------------------------------------------------------------
    {
        "why": "salida lineal con ReLU",
        "cell": "build_linear_model",
        "replace": [("keras.layers.Dense(1)])", 'keras.layers.Dense(1, activation="relu")])')],
        "loses": ["test_build_linear_model"],
        "message": "usaste ReLU",
    },
    {
        "why": "salida con sigmoide",
        "cell": "build_linear_model",
        "replace": [("keras.layers.Dense(1)])", 'keras.layers.Dense(1, activation="sigmoid")])')],
        "loses": ["test_build_linear_model"],
        "message": "usaste una sigmoide",
    },
    {
        "why": "optimizador SGD en lugar de Adam",
        "cell": "build_linear_model",
        "replace": [
            ("keras.optimizers.Adam(learning_rate=learning_rate)", "keras.optimizers.SGD(learning_rate=learning_rate)")
        ],
        "loses": ["test_build_linear_model"],
        "message": "el enunciado pide Adam",
    },
    {
        "why": "ignora el argumento learning_rate",
        "cell": "build_linear_model",
        "replace": [("keras.optimizers.Adam(learning_rate=learning_rate)", "keras.optimizers.Adam(learning_rate=0.1)")],
        "loses": ["test_build_linear_model"],
        "message": "ignoraste el argumento learning_rate",
    },
    {
        "why": "pérdida MAE",
        "cell": "build_linear_model",
        "replace": [('loss="mse"', 'loss="mae"')],
        "loses": ["test_build_linear_model"],
        "message": "usaste el error absoluto medio",
    },
    # --- Ejercicio 2: entrenar por pasos -----------------------------------------------------------
    {
        "why": "redondea hacia abajo el número de tramos",
        "cell": "train_steps",
        "replace": [("tramos = -(-steps // steps_per_epoch)", "tramos = steps // steps_per_epoch")],
        "loses": ["test_train_steps"],
        "message": "redondeaste hacia abajo el número de tramos",
    },
    {
        "why": "no se detiene en el paso pedido",
        "cell": "train_steps",
        "replace": [("        callbacks=[StopAfter(steps)],\n", "")],
        "loses": ["test_train_steps"],
        "message": "no te detuviste en el paso pedido",
    },
    {
        "why": "ignora steps_per_epoch: todo en un solo tramo",
        "cell": "train_steps",
        "replace": [
            (
                "idx = np.resize(np.arange(len(x)), steps_per_epoch * batch_size)",
                "idx = np.resize(np.arange(len(x)), steps * batch_size)",
            ),
            ("epochs=tramos,", "epochs=1,"),
            ("steps_per_epoch=steps_per_epoch,\n", ""),
        ],
        "loses": ["test_train_steps"],
        "message": "ignoraste steps_per_epoch y lo pusiste todo en un solo tramo",
    },
    {
        "why": "pasa steps_per_epoch sin repetir los datos",
        "cell": "train_steps",
        "replace": [("idx = np.resize(np.arange(len(x)), steps_per_epoch * batch_size)", "idx = np.arange(len(x))")],
        "loses": ["test_train_steps", "test_fit_regressor"],
        "message": "no repetiste los datos",
    },
    # --- Ejercicio 3: pesos aprendidos ------------------------------------------------------------
    {
        "why": "devuelve el kernel (n, 1) sin aplanar",
        "cell": "get_linear_params",
        "replace": [("return kernel.ravel(), float(bias[0])", "return kernel, float(bias[0])")],
        "loses": ["test_get_linear_params"],
        "message": "devolviste el kernel sin aplanar",
    },
    {
        "why": "usa la primera capa y no la última",
        "cell": "get_linear_params",
        "replace": [("model.layers[-1].get_weights()", "model.layers[0].get_weights()")],
        "loses": ["test_get_linear_params"],
        "message": "usaste la primera capa del modelo",
    },
    {
        "why": "devuelve el sesgo como arreglo",
        "cell": "get_linear_params",
        "replace": [("return kernel.ravel(), float(bias[0])", "return kernel.ravel(), bias")],
        "loses": ["test_get_linear_params"],
        "message": "El sesgo debe ser un número",
    },
    {
        "why": "devuelve (b, w) en lugar de (w, b)",
        "cell": "get_linear_params",
        "replace": [("return kernel.ravel(), float(bias[0])", "return float(bias[0]), kernel.ravel()")],
        "loses": ["test_get_linear_params"],
        "message": "devolviste (b, w) en lugar de (w, b)",
    },
    # --- Ejercicio 4: RMSE ------------------------------------------------------------------------
    {
        "why": "resta un vector y una columna sin aplanar (difusión a (m, m))",
        "cell": "rmse",
        "replace": [
            ("y_true = np.ravel(np.asarray(y_true, dtype=float))", "y_true = np.asarray(y_true, dtype=float)"),
            ("y_pred = np.ravel(np.asarray(y_pred, dtype=float))", "y_pred = np.asarray(y_pred, dtype=float)"),
        ],
        "loses": ["test_rmse"],
        "message": "numpy difundió a (m, m)",
    },
    {
        "why": "sin la raíz cuadrada (MSE)",
        "cell": "rmse",
        "replace": [("float(np.sqrt(np.mean((y_true - y_pred) ** 2)))", "float(np.mean((y_true - y_pred) ** 2))")],
        "loses": ["test_rmse"],
        "message": "olvidaste la raíz cuadrada",
    },
    {
        "why": "error absoluto medio",
        "cell": "rmse",
        "replace": [("float(np.sqrt(np.mean((y_true - y_pred) ** 2)))", "float(np.mean(np.abs(y_true - y_pred)))")],
        "loses": ["test_rmse"],
        "message": "calculaste el error absoluto medio",
    },
    {
        "why": "raíz de la suma sin dividir entre m",
        "cell": "rmse",
        "replace": [
            ("float(np.sqrt(np.mean((y_true - y_pred) ** 2)))", "float(np.sqrt(np.sum((y_true - y_pred) ** 2)))")
        ],
        "loses": ["test_rmse"],
        "message": "sacaste la raíz de la suma sin dividir entre m",
    },
    # --- Ejercicio 5: suelo de ruido ----------------------------------------------------------------
    {
        "why": "divide entre 12 en lugar de entre la raíz de 12",
        "cell": "noise_floor",
        "replace": [("/ np.sqrt(12.0)", "/ 12.0")],
        "loses": ["test_noise_floor"],
        "message": "dividiste entre 12 en lugar de entre la raíz de 12",
    },
    {
        "why": "devuelve la varianza",
        "cell": "noise_floor",
        "replace": [("return (high - low) / np.sqrt(12.0)", "return (high - low) ** 2 / 12.0")],
        "loses": ["test_noise_floor"],
        "message": "devolviste la varianza",
    },
    {
        "why": "usa la semiamplitud",
        "cell": "noise_floor",
        "replace": [("return (high - low) / np.sqrt(12.0)", "return (high - low) / 2.0")],
        "loses": ["test_noise_floor"],
        "message": "usaste la semiamplitud",
    },
    {
        "why": "devuelve siempre el valor del ejemplo visible",
        "cell": "noise_floor",
        "replace": [("return (high - low) / np.sqrt(12.0)", "return 20 / np.sqrt(12.0)")],
        "loses": ["test_noise_floor"],
        "message": "devuelves siempre el valor del ejemplo visible",
    },
    # --- Ejercicio 6: escalado sin fugas -----------------------------------------------------------
    {
        "why": "ajusta un escalador distinto para cada conjunto",
        "cell": "scale_features",
        "replace": [("*(scaler.transform(X) for X in others)", "*(StandardScaler().fit_transform(X) for X in others)")],
        "loses": ["test_scale_features"],
        "message": "ajustaste otro escalador con B",
    },
    {
        "why": "ajusta el escalador con todos los datos juntos",
        "cell": "scale_features",
        "replace": [
            ("scaler = StandardScaler().fit(X_fit)", "scaler = StandardScaler().fit(np.vstack([X_fit, *others]))")
        ],
        "loses": ["test_scale_features"],
        "message": "ajustaste el escalador con todos los datos juntos",
    },
    {
        "why": "devuelve el escalador el primero",
        "cell": "scale_features",
        "replace": [
            (
                "return (scaler.transform(X_fit), *(scaler.transform(X) for X in others), scaler)",
                "return (scaler, scaler.transform(X_fit), *(scaler.transform(X) for X in others))",
            )
        ],
        "loses": ["test_scale_features", "test_fit_regressor"],
        "message": "parece que lo pusiste el primero",
    },
    {
        "why": "devuelve X_fit sin escalar",
        "cell": "scale_features",
        "replace": [("return (scaler.transform(X_fit),", "return (X_fit,")],
        "loses": ["test_scale_features", "test_fit_regressor"],
        "message": "devolviste A sin escalar",
    },
    # --- Ejercicio 7: red profunda ----------------------------------------------------------------
    {
        "why": "salida de la red con ReLU",
        "cell": "build_deep_regressor",
        "replace": [
            ("layers.append(keras.layers.Dense(1))", 'layers.append(keras.layers.Dense(1, activation="relu"))')
        ],
        "loses": ["test_build_deep_regressor", "test_fit_regressor"],
        "message": "la salida de una regresión no lleva ReLU",
    },
    {
        "why": "un solo Dropout",
        "cell": "build_deep_regressor",
        "code": """
def build_deep_regressor(n_features, hidden=(32, 16), dropout=0.3, learning_rate=1e-3):
    layers = [keras.Input(shape=(n_features,))]
    for i, units in enumerate(hidden):
        layers.append(keras.layers.Dense(units, activation="relu"))
        if i == 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(1))
    net = keras.Sequential(layers)
    net.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    return net
""",
        "loses": ["test_build_deep_regressor"],
        "message": "pusiste un solo Dropout",
    },
    {
        "why": "sin capas Dropout",
        "cell": "build_deep_regressor",
        "replace": [("        layers.append(keras.layers.Dropout(dropout))\n", "")],
        "loses": ["test_build_deep_regressor"],
        "message": "olvidaste las capas Dropout",
    },
    {
        "why": "ignora el argumento hidden",
        "cell": "build_deep_regressor",
        "replace": [("for units in hidden:", "for units in (32, 16):")],
        "loses": ["test_build_deep_regressor"],
        "message": "ignoraste el argumento hidden",
    },
    {
        "why": "ignora el argumento learning_rate",
        "cell": "build_deep_regressor",
        "replace": [
            ("keras.optimizers.Adam(learning_rate=learning_rate)", "keras.optimizers.Adam(learning_rate=1e-3)")
        ],
        "loses": ["test_build_deep_regressor"],
        "message": "ignoraste el argumento learning_rate",
    },
    # --- Ejercicio 8: regresor de principio a fin ---------------------------------------------------
    {
        "why": "no deshace la estandarización del objetivo",
        "cell": "fit_regressor",
        "replace": [
            (
                "model.predict(scaler.transform(X_new), verbose=0).ravel() * y_std + y_mean",
                "model.predict(scaler.transform(X_new), verbose=0).ravel()",
            )
        ],
        "loses": ["test_fit_regressor"],
        "message": "parecen estar en unidades estandarizadas",
    },
    {
        "why": "ajusta el escalador con los datos que predice",
        "cell": "fit_regressor",
        "replace": [
            ("model.predict(scaler.transform(X_new), verbose=0)", "model.predict(scale_features(X_new)[0], verbose=0)")
        ],
        "loses": ["test_fit_regressor"],
        "message": "ajustaste el escalador con los datos que predices",
    },
    {
        "why": "devuelve una columna (m, 1)",
        "cell": "fit_regressor",
        "replace": [("verbose=0).ravel() * y_std + y_mean", "verbose=0) * y_std + y_mean")],
        "loses": ["test_fit_regressor"],
        "message": "aplánala con .ravel()",
    },
    {
        "why": "entrena muy pocos pasos",
        "cell": "fit_regressor",
        "replace": [("steps=1000, batch_size=32, steps_per_epoch=100", "steps=10, batch_size=32, steps_per_epoch=10")],
        "loses": ["test_fit_regressor"],
        "message": "no bate a predecir la media",
    },
]
