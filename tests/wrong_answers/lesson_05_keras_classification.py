"""Respuestas erróneas plausibles de la lección 05 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero) y
lista en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa.
"""

WRONG_ANSWERS = [
    {
        "why": "multietiqueta con softmax",
        "cell": "output_config",
        "replace": [('"multietiqueta": (n_outputs, "sigmoid",', '"multietiqueta": (n_outputs, "softmax",')],
        "loses": ["test_output_config"],
    },
    {
        "why": "binaria con una neurona softmax (siempre 1.0)",
        "cell": "build_classifier",
        "replace": [('keras.layers.Dense(1, activation="sigmoid")', 'keras.layers.Dense(1, activation="softmax")')],
        "loses": ["test_build_classifier", "test_circles_accuracy", "test_churn_model"],
    },
    {
        "why": "multiclase con categorical_crossentropy y etiquetas enteras",
        "cell": "build_classifier",
        "replace": [('loss = "sparse_categorical_crossentropy"', 'loss = "categorical_crossentropy"')],
        "loses": ["test_build_classifier", "test_iris_accuracy"],
    },
    {
        "why": "argmax por columnas",
        "cell": "predicted_classes",
        "replace": [("return p.argmax(axis=1)", "return p.argmax(axis=0)")],
        "loses": ["test_predicted_classes", "test_iris_accuracy"],
    },
    {
        "why": "división entera de los píxeles",
        "cell": "normalize_pixels",
        "replace": [('np.asarray(images, dtype="float32") / 255.0', 'np.asarray(images, dtype="float32") // 255.0')],
        "loses": ["test_normalize_pixels", "test_fashion_accuracy"],
    },
    {
        "why": "capa oculta sin ReLU",
        "cell": "build_fashion_model",
        "replace": [
            (
                'keras.layers.Dense(hidden_units, activation="relu")]',
                "keras.layers.Dense(hidden_units)]",
            )
        ],
        "loses": ["test_build_fashion_model"],
    },
    {
        "why": "para solo si la exactitud supera estrictamente el objetivo",
        "cell": "stop_at_accuracy",
        "replace": [("accuracy >= self.target", "accuracy > self.target")],
        "loses": ["test_stop_at_accuracy"],
    },
    {
        "why": "no escala las columnas numéricas",
        "cell": "make_preprocessor",
        "replace": [('("numericas", StandardScaler(), NUMERICAS)', '("numericas", "passthrough", NUMERICAS)')],
        "loses": ["test_make_preprocessor", "test_churn_model"],
    },
    {
        "why": "precisión y exhaustividad intercambiadas",
        "cell": "precision_recall",
        "replace": [("return float(precision), float(recall)", "return float(recall), float(precision)")],
        "loses": ["test_precision_recall"],
    },
]
