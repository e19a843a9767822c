"""Respuestas erróneas plausibles de la lección 07 y las celdas calificadas que deben perder puntos.

Cada entrada cambia una celda de solución (``replace`` sobre la solución, o ``code`` entero) y
lista en ``loses`` exactamente las celdas de prueba que dejan de tener la nota completa; ``message``
es un fragmento que la retroalimentación debe mostrar (casi siempre, el nombre del error).
"""

# random_shifts desplaza cada imagen con el shift_images del estudiante.
BUILDS_ON = {"random_shifts": ["shift_images"]}

WRONG_ANSWERS = [
    # --- Ejercicio 1: dropout invertido -------------------------------------------------------
    {
        "why": "dropout sin escalar las neuronas que sobreviven",
        "cell": "dropout_forward",
        "replace": [("return a * keep / (1.0 - rate)", "return a * keep")],
        "loses": ["test_dropout_forward"],
        "message": "no escalaste las supervivientes",
    },
    {
        "why": "dropout también en evaluación",
        "cell": "dropout_forward",
        "replace": [("if not training or rate == 0:", "if rate == 0:")],
        "loses": ["test_dropout_forward"],
        "message": "aplicas el dropout también en evaluación",
    },
    {
        "why": "máscara al revés: conserva con probabilidad rate",
        "cell": "dropout_forward",
        "replace": [("keep = rng.random(a.shape) >= rate", "keep = rng.random(a.shape) < rate")],
        "loses": ["test_dropout_forward"],
        "message": "la máscara va al revés",
    },
    {
        "why": "divide entre rate en vez de entre 1 - rate",
        "cell": "dropout_forward",
        "replace": [("return a * keep / (1.0 - rate)", "return a * keep / rate")],
        "loses": ["test_dropout_forward"],
        "message": "dividiste entre rate en vez de entre 1 - rate",
    },
    {
        "why": "usa np.random en vez del generador recibido",
        "cell": "dropout_forward",
        "replace": [("keep = rng.random(a.shape) >= rate", "keep = np.random.random(a.shape) >= rate")],
        "loses": ["test_dropout_forward"],
        "message": "no usas el `rng` recibido",
    },
    # --- Ejercicio 2: dropout clásico ---------------------------------------------------------
    {
        "why": "versión clásica: divide entre q al evaluar",
        "cell": "dropout_classic",
        "replace": [("return a * q", "return a / q")],
        "loses": ["test_dropout_classic"],
        "message": "dividiste entre q al evaluar",
    },
    {
        "why": "versión clásica que escala al entrenar",
        "cell": "dropout_classic",
        "replace": [("return a * (rng.random(a.shape) < q)", "return a * (rng.random(a.shape) < q) / q")],
        "loses": ["test_dropout_classic"],
        "message": "escalaste al entrenar",
    },
    {
        "why": "versión clásica con la máscara al revés",
        "cell": "dropout_classic",
        "replace": [("rng.random(a.shape) < q", "rng.random(a.shape) >= q")],
        "loses": ["test_dropout_classic"],
        "message": "conservas con probabilidad 1 - q",
    },
    {
        "why": "versión clásica que al evaluar devuelve a",
        "cell": "dropout_classic",
        "replace": [("return a * q", "return a")],
        "loses": ["test_dropout_classic"],
        "message": "al evaluar devolviste a sin cambiar",
    },
    # --- Ejercicio 3: red con dropout -----------------------------------------------------------
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
        "message": "La red no tiene capas Dropout",
    },
    {
        "why": "nn.Dropout con la probabilidad de conservar",
        "cell": "build_dropout_mlp",
        "replace": [("nn.Dropout(rate)]", "nn.Dropout(1 - rate)]")],
        "loses": ["test_build_dropout_mlp"],
        "message": "pasaste la probabilidad de conservar (1 - rate)",
    },
    {
        "why": "Dropout también detrás de la capa de salida",
        "cell": "build_dropout_mlp",
        "replace": [
            ("stack.append(nn.Linear(width, n_outputs))", "stack += [nn.Linear(width, n_outputs), nn.Dropout(rate)]")
        ],
        "loses": ["test_build_dropout_mlp"],
        "message": "apagarías salidas de la red",
    },
    {
        "why": "Dropout delante de cada Linear (apaga las entradas)",
        "cell": "build_dropout_mlp",
        "replace": [
            (
                "stack += [nn.Linear(width, units), nn.ReLU(), nn.Dropout(rate)]",
                "stack += [nn.Dropout(rate), nn.Linear(width, units), nn.ReLU()]",
            )
        ],
        "loses": ["test_build_dropout_mlp"],
        "message": "Apagas entradas",
    },
    # --- Ejercicio 4: EarlyStopping de Keras ----------------------------------------------------
    {
        "why": "EarlyStopping sin restore_best_weights: se queda con los últimos pesos",
        "cell": "keras_early_stopping",
        "replace": [(", restore_best_weights=True)", ")")],
        "loses": ["test_keras_early_stopping"],
        "message": "falta restore_best_weights=True",
    },
    {
        "why": "vigila la pérdida de entrenamiento",
        "cell": "keras_early_stopping",
        "replace": [('monitor="val_loss"', 'monitor="loss"')],
        "loses": ["test_keras_early_stopping"],
        "message": "vigilas la pérdida de entrenamiento (loss)",
    },
    {
        "why": "paciencia fija en la del ejemplo visible",
        "cell": "keras_early_stopping",
        "replace": [("patience=patience", "patience=5")],
        "loses": ["test_keras_early_stopping"],
        "message": "devuelves siempre la paciencia del ejemplo visible",
    },
    {
        "why": "mode='max' con una pérdida",
        "cell": "keras_early_stopping",
        "replace": [("restore_best_weights=True)", 'restore_best_weights=True, mode="max")')],
        "loses": ["test_keras_early_stopping"],
        "message": "Con mode='max'",
    },
    # --- Ejercicio 5: parada temprana a mano ----------------------------------------------------
    {
        "why": "guarda state_dict() sin copiarlo: los «mejores» pesos cambian con el modelo",
        "cell": "early_stopping_loop",
        "replace": [
            (
                "best_state = copy.deepcopy(model.state_dict())\n        else",
                "best_state = model.state_dict()\n        else",
            )
        ],
        "loses": ["test_early_stopping_loop"],
        "message": "el modelo acaba con los últimos pesos",
    },
    {
        "why": "un empate cuenta como mejora",
        "cell": "early_stopping_loop",
        "replace": [("if val_loss < best_loss:", "if val_loss <= best_loss:")],
        "loses": ["test_early_stopping_loop"],
        "message": "contaste un empate como mejora",
    },
    {
        "why": "espera una época de más",
        "cell": "early_stopping_loop",
        "replace": [("if waited >= patience:", "if waited > patience:")],
        "loses": ["test_early_stopping_loop"],
        "message": "esperas una época de más",
    },
    {
        "why": "cuenta las épocas desde 1",
        "cell": "early_stopping_loop",
        "replace": [
            (
                "best_loss, best_epoch, waited = val_loss, epoch, 0",
                "best_loss, best_epoch, waited = val_loss, epoch + 1, 0",
            )
        ],
        "loses": ["test_early_stopping_loop"],
        "message": "contaste las épocas desde 1",
    },
    {
        "why": "solo restaura los mejores pesos si para antes de tiempo",
        "cell": "early_stopping_loop",
        "replace": [
            (
                "                break\n    model.load_state_dict(best_state)",
                "                model.load_state_dict(best_state)\n                break",
            )
        ],
        "loses": ["test_early_stopping_loop"],
        "message": "solo restauras los mejores pesos cuando paras antes de tiempo",
    },
    # --- Ejercicio 6: penalización L2 ---------------------------------------------------------
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
        "message": "sumaste también los sesgos",
    },
    {
        "why": "valores absolutos (L1)",
        "cell": "l2_penalty",
        "replace": [("(w**2).sum()", "w.abs().sum()")],
        "loses": ["test_l2_penalty"],
        "message": "sumaste valores absolutos (eso es L1)",
    },
    {
        "why": "devuelve un float (.item())",
        "cell": "l2_penalty",
        "replace": [
            (
                "return lam * sum((w**2).sum() for w in weights)",
                "return lam * sum((w**2).sum().item() for w in weights)",
            )
        ],
        "loses": ["test_l2_penalty"],
        "message": "no uses .item()",
    },
    {
        "why": "olvida multiplicar por lam",
        "cell": "l2_penalty",
        "replace": [("return lam * sum(", "return sum(")],
        "loses": ["test_l2_penalty"],
        "message": "olvidaste multiplicar por lam",
    },
    {
        "why": "media de los cuadrados en vez de la suma",
        "cell": "l2_penalty",
        "replace": [("(w**2).sum()", "(w**2).mean()")],
        "loses": ["test_l2_penalty"],
        "message": "usaste la media de los cuadrados",
    },
    {
        "why": "solo la primera capa",
        "cell": "l2_penalty",
        "replace": [("if isinstance(m, nn.Linear)]", "if isinstance(m, nn.Linear)][:1]")],
        "loses": ["test_l2_penalty"],
        "message": "penalizaste solo la primera capa",
    },
    {
        "why": "calcula con los pesos separados del grafo (detach)",
        "cell": "l2_penalty",
        "replace": [("(w**2).sum()", "(w.detach() ** 2).sum()")],
        "loses": ["test_l2_penalty"],
        "message": "La penalización debe poder derivarse",
    },
    # --- Ejercicio 7: desplazar imágenes ------------------------------------------------------
    {
        "why": "desplaza con np.roll: lo que sale por un borde entra por el otro",
        "cell": "shift_images",
        "code": (
            "def shift_images(images, dx, dy):\n"
            "    images = np.asarray(images)\n"
            "    return np.roll(np.roll(images, dy, axis=1), dx, axis=2)\n"
        ),
        "loses": ["test_shift_images", "test_random_shifts"],
        "message": "usaste np.roll",
    },
    {
        "why": "intercambia dx y dy",
        "cell": "shift_images",
        "replace": [
            ("    shifted = np.zeros_like(images)\n", "    dx, dy = dy, dx\n    shifted = np.zeros_like(images)\n")
        ],
        "loses": ["test_shift_images"],
        "message": "intercambiaste dx y dy",
    },
    {
        "why": "dx con el signo cambiado",
        "cell": "shift_images",
        "replace": [("    shifted = np.zeros_like(images)\n", "    dx = -dx\n    shifted = np.zeros_like(images)\n")],
        "loses": ["test_shift_images"],
        "message": "desplazaste a la izquierda",
    },
    {
        "why": "resultado con np.zeros(forma): float en vez del dtype de la entrada",
        "cell": "shift_images",
        "replace": [("shifted = np.zeros_like(images)", "shifted = np.zeros(images.shape)")],
        "loses": ["test_shift_images"],
        "message": "usa np.zeros_like(images)",
    },
    # --- Ejercicio 8: desplazamientos al azar -------------------------------------------------
    {
        "why": "el mismo desplazamiento para todo el lote",
        "cell": "random_shifts",
        "code": (
            "def random_shifts(images, max_shift, rng):\n"
            "    images = np.asarray(images)\n"
            "    dx, dy = rng.integers(-max_shift, max_shift + 1, size=2)\n"
            "    return shift_images(images, int(dx), int(dy))\n"
        ),
        "loses": ["test_random_shifts"],
        "message": "Todas las imágenes se desplazaron lo mismo",
    },
    {
        "why": "rng.integers sin el extremo superior",
        "cell": "random_shifts",
        "replace": [("rng.integers(-max_shift, max_shift + 1,", "rng.integers(-max_shift, max_shift,")],
        "loses": ["test_random_shifts"],
        "message": "rng.integers(a, b) no incluye b",
    },
    {
        "why": "sortea con np.random en vez del generador recibido",
        "cell": "random_shifts",
        "replace": [("rng.integers(-max_shift, max_shift + 1,", "np.random.randint(-max_shift, max_shift + 1,")],
        "loses": ["test_random_shifts"],
        "message": "no usas el `rng` recibido",
    },
    {
        "why": "solo desplaza en horizontal",
        "cell": "random_shifts",
        "replace": [("int(dx), int(dy))[0]", "int(dx), 0)[0]")],
        "loses": ["test_random_shifts"],
        "message": "Solo desplazas en una dirección",
    },
    {
        "why": "solo desplazamientos positivos",
        "cell": "random_shifts",
        "replace": [("rng.integers(-max_shift, max_shift + 1,", "rng.integers(0, max_shift + 1,")],
        "loses": ["test_random_shifts"],
        "message": "Solo desplazas en un sentido",
    },
    # --- Ejercicio 9: transferencia -----------------------------------------------------------
    {
        "why": "no congela el extractor",
        "cell": "make_transfer_model",
        "replace": [("param.requires_grad_(False)", "pass")],
        "loses": ["test_make_transfer_model"],
        "message": "deben estar congelados",
    },
    {
        "why": "modifica la red preentrenada en lugar de una copia",
        "cell": "make_transfer_model",
        "replace": [("model = copy.deepcopy(pretrained)", "model = pretrained")],
        "loses": ["test_make_transfer_model"],
        "message": "Trabaja sobre una copia",
    },
    {
        "why": "se queda con la cabeza vieja",
        "cell": "make_transfer_model",
        "replace": [("    model.head = nn.Linear(model.head.in_features, n_classes)\n", "")],
        "loses": ["test_make_transfer_model"],
        "message": "te quedaste con la cabeza vieja",
    },
    {
        "why": "congela la red entera, cabeza nueva incluida",
        "cell": "make_transfer_model",
        "code": (
            "def make_transfer_model(pretrained, n_classes):\n"
            "    model = copy.deepcopy(pretrained)\n"
            "    model.head = nn.Linear(model.head.in_features, n_classes)\n"
            "    for param in model.parameters():\n"
            "        param.requires_grad_(False)\n"
            "    return model\n"
        ),
        "loses": ["test_make_transfer_model"],
        "message": "¿congelaste la red entera",
    },
    {
        "why": "cabeza con 64 entradas fijas",
        "cell": "make_transfer_model",
        "replace": [("nn.Linear(model.head.in_features, n_classes)", "nn.Linear(64, n_classes)")],
        "loses": ["test_make_transfer_model"],
        "message": "fijaste las entradas de la cabeza en 64",
    },
]
