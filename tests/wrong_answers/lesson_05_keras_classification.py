"""Respuestas erróneas plausibles de la lección 05 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero), lista en
``loses`` exactamente las celdas de prueba que dejan de tener la nota completa y, en ``message``, un
fragmento que la retroalimentación debe mostrar (el error con nombre).

``BUILDS_ON``: los ejercicios de entrenamiento usan, por diseño, funciones de ejercicios anteriores; un
error en esas funciones puede costar también sus comprobaciones.
"""

BUILDS_ON = {
    "train_circles": ["build_classifier"],
    "train_iris": ["build_classifier"],
    "train_churn": ["build_classifier", "make_preprocessor"],
}

WRONG_ANSWERS = [
    # --- Ejercicio 1: output_config ---------------------------------------------------------------
    {
        "why": "multietiqueta con softmax",
        "cell": "output_config",
        "replace": [
            (
                '"multietiqueta": (n_outputs, "sigmoid", "binary_crossentropy")',
                '"multietiqueta": (n_outputs, "softmax", "categorical_crossentropy")',
            )
        ],
        "loses": ["test_output_config"],
        "message": "softmax obliga a elegir UNA etiqueta",
    },
    {
        "why": "binaria con una neurona por clase",
        "cell": "output_config",
        "replace": [('"binaria": (1, "sigmoid"', '"binaria": (n_outputs, "sigmoid"')],
        "loses": ["test_output_config"],
        "message": "en la binaria pusiste una neurona por clase",
    },
    {
        "why": "regresión con ReLU en la salida",
        "cell": "output_config",
        "replace": [('"regresion": (n_outputs, "linear", "mse")', '"regresion": (n_outputs, "relu", "mse")')],
        "loses": ["test_output_config"],
        "message": "pusiste ReLU en la salida de una regresión",
    },
    {
        "why": "problema desconocido: devuelve None en vez de lanzar ValueError",
        "cell": "output_config",
        "replace": [
            (
                '    if problem not in table:\n        raise ValueError(f"Problema desconocido: {problem}")\n'
                "    return table[problem]",
                "    return table.get(problem)",
            )
        ],
        "loses": ["test_output_config"],
        "message": "parece que no lanzas ValueError",
    },
    {
        "why": "multiclase con categorical_crossentropy y etiquetas enteras",
        "cell": "output_config",
        "replace": [('"sparse_categorical_crossentropy"', '"categorical_crossentropy"')],
        "loses": ["test_output_config"],
        "message": "la pérdida es la versión «sparse»",
    },
    # --- Ejercicio 2: build_classifier ------------------------------------------------------------
    {
        "why": "binaria con una neurona softmax (siempre 1.0)",
        "cell": "build_classifier",
        "replace": [('keras.layers.Dense(1, activation="sigmoid")', 'keras.layers.Dense(1, activation="softmax")')],
        "loses": ["test_build_classifier", "test_circles_accuracy", "test_churn_model"],
        "message": "una sola neurona con softmax siempre da 1.0",
    },
    {
        "why": "multiclase con categorical_crossentropy y etiquetas enteras",
        "cell": "build_classifier",
        "replace": [('loss = "sparse_categorical_crossentropy"', 'loss = "categorical_crossentropy"')],
        "loses": ["test_build_classifier", "test_iris_accuracy"],
        "message": "la pérdida es sparse_categorical_crossentropy; la otra espera one-hot",
    },
    {
        "why": "compila sin metrics=['accuracy']",
        "cell": "build_classifier",
        "replace": [(', loss=loss, metrics=["accuracy"])', ", loss=loss)")],
        "loses": ["test_build_classifier"],
        "message": "se compiló sin la exactitud",
    },
    {
        "why": "ignora learning_rate (Adam por defecto)",
        "cell": "build_classifier",
        "replace": [("keras.optimizers.Adam(learning_rate=learning_rate)", "keras.optimizers.Adam()")],
        # Con la tasa por defecto (0,001) los tres entrenamientos, que usan build_classifier, no llegan.
        "loses": ["test_build_classifier", "test_circles_accuracy", "test_iris_accuracy", "test_churn_model"],
        "message": "usas la tasa por defecto de Adam",
    },
    {
        "why": "solo crea la primera capa oculta",
        "cell": "build_classifier",
        "replace": [
            (
                'layers += [keras.layers.Dense(units, activation="relu") for units in hidden]',
                'layers += [keras.layers.Dense(hidden[0], activation="relu")]',
            )
        ],
        "loses": ["test_build_classifier"],
        "message": "solo creaste la primera capa oculta",
    },
    # --- Ejercicio 3: entrenar los círculos -------------------------------------------------------
    {
        "why": "red sin capas ocultas",
        "cell": "train_circles",
        "replace": [("hidden=(8,)", "hidden=()")],
        "loses": ["test_circles_accuracy"],
        "message": "parece que tu red no tiene capas ocultas",
    },
    {
        "why": "red más grande que el presupuesto de parámetros",
        "cell": "train_circles",
        "replace": [("hidden=(8,)", "hidden=(16, 16)")],
        "loses": ["test_circles_accuracy"],
        "message": "te pasaste del límite de 40",
    },
    {
        "why": "una sola época",
        "cell": "train_circles",
        "replace": [("epochs=20", "epochs=1")],
        "loses": ["test_circles_accuracy"],
        "message": "parece que entrenaste muy poco",
    },
    # --- Ejercicio 4: predicted_classes -----------------------------------------------------------
    {
        "why": "argmax por columnas",
        "cell": "predicted_classes",
        "replace": [("return p.argmax(axis=1)", "return p.argmax(axis=0)")],
        "loses": ["test_predicted_classes"],
        "message": "usaste argmax por columnas",
    },
    {
        "why": "umbral estricto: 0.5 exacto da la clase 0",
        "cell": "predicted_classes",
        "replace": [("(p.ravel() >= 0.5)", "(p.ravel() > 0.5)")],
        "loses": ["test_predicted_classes"],
        "message": "el umbral es «>= 0.5»",
    },
    {
        "why": "devuelve booleanos",
        "cell": "predicted_classes",
        "replace": [("return (p.ravel() >= 0.5).astype(int)", "return p.ravel() >= 0.5")],
        "loses": ["test_predicted_classes"],
        "message": "devuelves la comparación (True/False) sin convertirla",
    },
    {
        "why": "una softmax de dos columnas se trata con el umbral",
        "cell": "predicted_classes",
        "replace": [("p.shape[1] > 1", "p.shape[1] > 2")],
        "loses": ["test_predicted_classes"],
        "message": "también es argmax por filas",
    },
    {
        "why": "no aplana la columna sigmoide",
        "cell": "predicted_classes",
        "replace": [("return (p.ravel() >= 0.5).astype(int)", "return (p >= 0.5).astype(int)")],
        "loses": ["test_predicted_classes"],
        "message": "no aplanaste la salida sigmoide",
    },
    # --- Ejercicio 5: Iris ------------------------------------------------------------------------
    {
        "why": "escalador ajustado con los datos de prueba",
        "cell": "train_iris",
        "replace": [("StandardScaler().fit(X_iris_ent)", "StandardScaler().fit(X_iris_prueba)")],
        "loses": ["test_iris_accuracy"],
        "message": "ajustaste el escalador con los datos de prueba",
    },
    {
        "why": "escalador ajustado con todos los datos",
        "cell": "train_iris",
        "replace": [("StandardScaler().fit(X_iris_ent)", "StandardScaler().fit(iris.data)")],
        "loses": ["test_iris_accuracy"],
        "message": "ajustaste el escalador con todos los datos",
    },
    {
        "why": "entrena con las medidas sin escalar",
        "cell": "train_iris",
        "replace": [("modelo_iris.fit(escalador_iris.transform(X_iris_ent),", "modelo_iris.fit(X_iris_ent,")],
        "loses": ["test_iris_accuracy"],
        "message": "entrenaste la red con las medidas sin escalar",
    },
    {
        "why": "prob_iris con la prueba sin escalar",
        "cell": "train_iris",
        "replace": [
            ("modelo_iris.predict(escalador_iris.transform(X_iris_prueba),", "modelo_iris.predict(X_iris_prueba,")
        ],
        "loses": ["test_iris_accuracy"],
        "message": "calculaste prob_iris con las medidas de prueba sin escalar",
    },
    # --- Ejercicio 6: normalize_pixels ------------------------------------------------------------
    {
        "why": "división entera de los píxeles",
        "cell": "normalize_pixels",
        "replace": [('np.asarray(images, dtype="float32") / 255.0', 'np.asarray(images, dtype="float32") // 255.0')],
        "loses": ["test_normalize_pixels"],
        "message": "usaste la división entera //",
    },
    {
        "why": "divide sin convertir a float32 (float64)",
        "cell": "normalize_pixels",
        "replace": [('np.asarray(images, dtype="float32") / 255.0', "np.asarray(images) / 255.0")],
        "loses": ["test_normalize_pixels"],
        "message": "numpy da float64",
    },
    {
        "why": "divide entre el máximo de la imagen",
        "cell": "normalize_pixels",
        "replace": [
            ('np.asarray(images, dtype="float32") / 255.0', 'np.asarray(images, dtype="float32") / np.max(images)')
        ],
        "loses": ["test_normalize_pixels"],
        "message": "dividiste entre el máximo de la imagen",
    },
    {
        "why": "divide la entrada en su sitio",
        "cell": "normalize_pixels",
        "code": 'def normalize_pixels(images):\n    """Píxeles 0-255 a float32 en [0, 1]."""\n    images /= 255.0\n'
        "    return images\n",
        "loses": ["test_normalize_pixels"],
        "message": "dividiste el arreglo de entrada en su sitio",
    },
    # --- Ejercicio 7: build_fashion_model ---------------------------------------------------------
    {
        "why": "capa oculta sin ReLU",
        "cell": "build_fashion_model",
        "replace": [('keras.layers.Dense(hidden_units, activation="relu")]', "keras.layers.Dense(hidden_units)]")],
        "loses": ["test_build_fashion_model"],
        "message": "la capa oculta no lleva ReLU",
    },
    {
        "why": "sin Flatten",
        "cell": "build_fashion_model",
        "replace": [("keras.Input(shape=(28, 28)), keras.layers.Flatten(), ", "keras.Input(shape=(28, 28)), ")],
        "loses": ["test_build_fashion_model"],
        "message": "falta Flatten",
    },
    {
        "why": "ignora extra_layer_units",
        "cell": "build_fashion_model",
        "replace": [
            (
                "    if extra_layer_units is not None:\n"
                '        layers.append(keras.layers.Dense(extra_layer_units, activation="relu"))\n',
                "",
            )
        ],
        "loses": ["test_build_fashion_model"],
        "message": "ignoras `extra_layer_units`",
    },
    {
        "why": "salida sin softmax",
        "cell": "build_fashion_model",
        "replace": [('keras.layers.Dense(10, activation="softmax")', "keras.layers.Dense(10)")],
        "loses": ["test_build_fashion_model"],
        "message": "la salida no lleva softmax",
    },
    {
        "why": "categorical_crossentropy con etiquetas enteras",
        "cell": "build_fashion_model",
        "replace": [('loss="sparse_categorical_crossentropy"', 'loss="categorical_crossentropy"')],
        "loses": ["test_build_fashion_model"],
        "message": "con etiquetas enteras (0-9) la pérdida es sparse_categorical_crossentropy",
    },
    # --- Ejercicio 8: StopAtAccuracy --------------------------------------------------------------
    {
        "why": "para solo si la exactitud supera estrictamente el objetivo",
        "cell": "stop_at_accuracy",
        "replace": [("accuracy >= self.target", "accuracy > self.target")],
        "loses": ["test_stop_at_accuracy"],
        "message": "parece que comparas con «>»",
    },
    {
        "why": "lee logs['accuracy'] sin comprobar que está",
        "cell": "stop_at_accuracy",
        "replace": [('accuracy = (logs or {}).get("accuracy")', 'accuracy = logs["accuracy"]')],
        "loses": ["test_stop_at_accuracy"],
        "message": "sin comprobar que está",
    },
    {
        "why": "pone stop_training en el callback y no en el modelo",
        "cell": "stop_at_accuracy",
        "replace": [("self.model.stop_training = True", "self.stop_training = True")],
        "loses": ["test_stop_at_accuracy"],
        "message": "pusiste `self.stop_training = True` (en el callback)",
    },
    {
        "why": "vigila val_accuracy",
        "cell": "stop_at_accuracy",
        "replace": [('(logs or {}).get("accuracy")', '(logs or {}).get("val_accuracy")')],
        "loses": ["test_stop_at_accuracy"],
        "message": "parece que vigilas val_accuracy",
    },
    # --- Ejercicio 9: make_preprocessor -----------------------------------------------------------
    {
        "why": "no escala las columnas numéricas",
        "cell": "make_preprocessor",
        "replace": [('("numericas", StandardScaler(), numerical)', '("numericas", "passthrough", numerical)')],
        "loses": ["test_make_preprocessor", "test_churn_model"],
        "message": "parece que no estandarizaste",
    },
    {
        "why": "incluye los identificadores entre las numéricas",
        "cell": "make_preprocessor",
        "replace": [
            ('"EstimatedSalary",\n    ]', '"EstimatedSalary",\n        "RowNumber",\n        "CustomerId",\n    ]')
        ],
        "loses": ["test_make_preprocessor"],
        "message": "incluiste el identificador RowNumber",
    },
    {
        "why": "incluye la variable objetivo Exited",
        "cell": "make_preprocessor",
        "replace": [('"EstimatedSalary",\n    ]', '"EstimatedSalary",\n        "Exited",\n    ]')],
        "loses": ["test_make_preprocessor"],
        "message": "metiste la variable objetivo Exited entre las entradas",
    },
    {
        "why": "OneHotEncoder sin handle_unknown",
        "cell": "make_preprocessor",
        "replace": [
            ('OneHotEncoder(handle_unknown="ignore", sparse_output=False)', "OneHotEncoder(sparse_output=False)")
        ],
        "loses": ["test_make_preprocessor"],
        "message": 'tu OneHotEncoder no lleva handle_unknown="ignore"',
    },
    # --- Ejercicio 10: preparar y entrenar los clientes -------------------------------------------
    {
        "why": "preprocesador ajustado con la prueba",
        "cell": "train_churn",
        "replace": [
            (
                "X_cli_ent = preprocesador.fit_transform(clientes_ent)  # ajustado SOLO con entrenamiento\n"
                "X_cli_prueba = preprocesador.transform(clientes_prueba)",
                "X_cli_prueba = preprocesador.fit_transform(clientes_prueba)\n"
                "X_cli_ent = preprocesador.transform(clientes_ent)",
            )
        ],
        "loses": ["test_churn_model"],
        "message": "ajustaste el preprocesador con los datos de prueba",
    },
    {
        "why": "preprocesador ajustado con todos los clientes",
        "cell": "train_churn",
        "replace": [
            ("preprocesador = make_preprocessor()", "preprocesador = make_preprocessor().fit(clientes)"),
            ("preprocesador.fit_transform(clientes_ent)", "preprocesador.transform(clientes_ent)"),
        ],
        "loses": ["test_churn_model"],
        "message": "ajustaste el preprocesador con todos los clientes",
    },
    {
        "why": "prob_cli calculada con el entrenamiento",
        "cell": "train_churn",
        "replace": [("prob_cli = modelo_cli.predict(X_cli_prueba,", "prob_cli = modelo_cli.predict(X_cli_ent,")],
        "loses": ["test_churn_model"],
        "message": "parece que la calculaste con X_cli_ent",
    },
    {
        "why": "prob_cli con clases en vez de probabilidades",
        "cell": "train_churn",
        "replace": [
            (
                "prob_cli = modelo_cli.predict(X_cli_prueba, verbose=0).ravel()",
                "prob_cli = (modelo_cli.predict(X_cli_prueba, verbose=0).ravel() >= 0.5).astype(int)",
            )
        ],
        "loses": ["test_churn_model"],
        "message": "guardaste las clases (umbral 0,5) y no las probabilidades",
    },
    # --- Ejercicio 11: precision_recall -----------------------------------------------------------
    {
        "why": "precisión y exhaustividad intercambiadas",
        "cell": "precision_recall",
        "replace": [("return float(precision), float(recall)", "return float(recall), float(precision)")],
        "loses": ["test_precision_recall"],
        "message": "intercambiaste precisión y exhaustividad",
    },
    {
        "why": "no aplana las etiquetas en columna",
        "cell": "precision_recall",
        "replace": [
            ("y_true = np.asarray(y_true).ravel()", "y_true = np.asarray(y_true)"),
            ("y_pred = np.asarray(y_pred).ravel()", "y_pred = np.asarray(y_pred)"),
        ],
        "loses": ["test_precision_recall"],
        "message": "numpy formó una matriz (m, m)",
    },
    {
        "why": "divide entre cero sin comprobar el denominador",
        "cell": "precision_recall",
        "replace": [
            ("precision = tp / (tp + fp) if tp + fp > 0 else 0.0", "precision = tp / (tp + fp)"),
            ("recall = tp / (tp + fn) if tp + fn > 0 else 0.0", "recall = tp / (tp + fn)"),
        ],
        "loses": ["test_precision_recall"],
        "message": "divisiones entre cero",
    },
    {
        "why": "precisión dividida entre VP + FN",
        "cell": "precision_recall",
        "replace": [
            ("precision = tp / (tp + fp) if tp + fp > 0 else 0.0", "precision = tp / (tp + fn) if tp + fn > 0 else 0.0")
        ],
        "loses": ["test_precision_recall"],
        "message": "dividiste también la precisión entre VP + FN",
    },
]
