"""Respuestas erróneas plausibles de la lección 07 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero) y
lista en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa.
"""

WRONG_ANSWERS = [
    {
        "why": "dropout sin escalar las neuronas que sobreviven",
        "cell": "dropout_forward",
        "replace": [("return a * keep / (1.0 - rate)", "return a * keep")],
        "loses": ["test_dropout_forward"],
    },
    {
        "why": "dropout también en evaluación",
        "cell": "dropout_forward",
        "replace": [("if not training or rate == 0:", "if rate == 0:")],
        "loses": ["test_dropout_forward"],
    },
    {
        "why": "versión clásica: divide entre q al evaluar",
        "cell": "dropout_classic",
        "replace": [("return a * q", "return a / q")],
        "loses": ["test_dropout_classic"],
    },
    {
        "why": "la red no lleva capas Dropout",
        "cell": "build_dropout_mlp",
        "replace": [
            (
                "stack += [nn.Linear(width, units), nn.ReLU(), nn.Dropout(rate)]",
                "stack += [nn.Linear(width, units), nn.ReLU()]",
            )
        ],
        "loses": ["test_build_dropout_mlp"],
    },
    {
        "why": "EarlyStopping sin restore_best_weights: se queda con los últimos pesos",
        "cell": "keras_early_stopping",
        "replace": [(", restore_best_weights=True)", ")")],
        "loses": ["test_keras_early_stopping"],
    },
    {
        "why": "guarda state_dict() sin copiarlo: los «mejores» pesos cambian con el modelo",
        "cell": "early_stopping_loop",
        "replace": [("best_state = copy.deepcopy(model.state_dict())", "best_state = model.state_dict()")],
        "loses": ["test_early_stopping_loop"],
    },
    {
        "why": "la penalización L2 incluye los sesgos",
        "cell": "l2_penalty",
        "replace": [
            (
                "weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]",
                "weights = list(model.parameters())",
            )
        ],
        "loses": ["test_l2_penalty"],
    },
    {
        "why": "desplaza con np.roll: lo que sale por un borde entra por el otro",
        "cell": "shift_images",
        "code": (
            "def shift_images(images, dx, dy):\n"
            "    images = np.asarray(images)\n"
            "    return np.roll(np.roll(images, dy, axis=1), dx, axis=2)\n"
        ),
        "loses": ["test_shift_images"],
    },
    {
        "why": "etiquetas con np.repeat: no siguen el orden de las copias",
        "cell": "augment_with_shifts",
        "replace": [("np.tile(np.asarray(labels), len(shifts))", "np.repeat(np.asarray(labels), len(shifts))")],
        "loses": ["test_augment_with_shifts"],
    },
    {
        "why": "no congela el extractor",
        "cell": "make_transfer_model",
        "replace": [("param.requires_grad_(False)", "pass")],
        "loses": ["test_make_transfer_model"],
    },
    {
        "why": "modifica la red preentrenada en lugar de una copia",
        "cell": "make_transfer_model",
        "replace": [("model = copy.deepcopy(pretrained)", "model = pretrained")],
        "loses": ["test_make_transfer_model"],
    },
]
