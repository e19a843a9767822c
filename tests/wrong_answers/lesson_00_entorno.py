"""Respuestas erróneas plausibles de la lección 00 (formato en lesson_01_perceptron.py)."""

# Ningún ejercicio de esta lección usa el resultado de otro.
BUILDS_ON: dict[str, list[str]] = {}

WRONG_ANSWERS = [
    # --- Ejercicio 1: library_versions ---
    {
        "why": "copia a mano la versión que vio en su ordenador",
        "cell": "library_versions",
        "replace": [('"tensorflow": tf.__version__', '"tensorflow": "2.15.0"')],
        "loses": ["test_library_versions"],
        "message": "parece que la escribiste a mano",
    },
    {
        "why": "intercambia las versiones de TensorFlow y Keras",
        "cell": "library_versions",
        "replace": [
            ('"tensorflow": tf.__version__', '"tensorflow": keras.__version__'),
            ('"keras": keras.__version__', '"keras": tf.__version__'),
        ],
        "loses": ["test_library_versions"],
        "message": "pusiste la versión de keras en la clave «tensorflow»",
    },
    {
        "why": "llama «pytorch» a la clave de PyTorch",
        "cell": "library_versions",
        "replace": [('"torch": torch.__version__', '"pytorch": torch.__version__')],
        "loses": ["test_library_versions"],
        "message": "parece que usaste «pytorch», el nombre del proyecto",
    },
    {
        "why": "escribe las claves con mayúsculas",
        "cell": "library_versions",
        "replace": [('"tensorflow": tf', '"TensorFlow": tf'), ('"keras": keras', '"Keras": keras')],
        "loses": ["test_library_versions"],
        "message": "parece que escribiste alguna con mayúsculas",
    },
    # --- Ejercicio 2: version_at_least ---
    {
        "why": "compara las versiones como texto",
        "cell": "version_at_least",
        "code": "def version_at_least(version, minimum):\n    return version >= minimum\n",
        "loses": ["test_version_at_least"],
        "message": "parece que comparaste las versiones como texto",
    },
    {
        "why": "no rellena con ceros las partes que faltan",
        "cell": "version_at_least",
        "replace": [
            (
                "return a + [0] * (width - len(a)) >= b + [0] * (width - len(b))",
                "return a >= b",
            )
        ],
        "loses": ["test_version_at_least"],
        "message": "parece que no rellenaste con ceros las partes que faltan",
    },
    {
        "why": "usa > en lugar de >= (falla con versiones iguales)",
        "cell": "version_at_least",
        "replace": [(">= b + [0]", "> b + [0]")],
        "loses": ["test_version_at_least"],
        "message": "parece que devuelves False cuando las dos versiones son iguales",
    },
    {
        "why": "compara solo la versión mayor y la menor",
        "cell": "version_at_least",
        "replace": [
            (
                "return a + [0] * (width - len(a)) >= b + [0] * (width - len(b))",
                "return (a + [0, 0])[:2] >= (b + [0, 0])[:2]",
            )
        ],
        "loses": ["test_version_at_least"],
        "message": "parece que solo comparaste las dos primeras partes",
    },
    {
        "why": "no quita el sufijo local (+cpu)",
        "cell": "version_at_least",
        "replace": [('text.split("+")[0].split(".")', 'text.split(".")')],
        "loses": ["test_version_at_least"],
        "message": "parece que no quitaste el sufijo local",
    },
    # --- Ejercicio 3: pick_device ---
    {
        "why": "devuelve siempre 'cpu' (solo funciona en su portátil)",
        "cell": "pick_device",
        "code": 'def pick_device():\n    return "cpu"\n',
        "loses": ["test_pick_device"],
        "message": 'devuelves "cpu" aunque torch.cuda.is_available() es True',
    },
    {
        "why": "decide el dispositivo una vez, fuera de la función",
        "cell": "pick_device",
        "code": (
            'DEVICE = "cuda" if torch.cuda.is_available() else "cpu"\n\n\ndef pick_device():\n    return DEVICE\n'
        ),
        "loses": ["test_pick_device"],
        "message": "sin guardarla antes en una variable",
    },
    {
        "why": "pregunta a TensorFlow en lugar de a PyTorch",
        "cell": "pick_device",
        "code": 'def pick_device():\n    return "cuda" if tf.config.list_physical_devices("GPU") else "cpu"\n',
        "loses": ["test_pick_device"],
        "message": "sin preguntar a TensorFlow",
    },
    {
        "why": "devuelve 'gpu' en lugar de 'cuda'",
        "cell": "pick_device",
        "replace": [('return "cuda" if', 'return "gpu" if')],
        "loses": ["test_pick_device"],
        "message": 'parece que devolviste "gpu"',
    },
    {
        "why": "devuelve un torch.device y no una cadena",
        "cell": "pick_device",
        "replace": [
            (
                'return "cuda" if torch.cuda.is_available() else "cpu"',
                'return torch.device("cuda" if torch.cuda.is_available() else "cpu")',
            )
        ],
        "loses": ["test_pick_device"],
        "message": "parece que usaste torch.device(...)",
    },
    # --- Ejercicio 4: reproducible_samples ---
    {
        "why": "usa el generador global de numpy sin semilla",
        "cell": "reproducible_samples",
        "replace": [("np.random.default_rng(seed).normal(size=n)", "np.random.normal(size=n)")],
        "loses": ["test_reproducible_samples"],
        "message": "parece que usas el generador global",
    },
    {
        "why": "np.random.seed y el generador antiguo en lugar de default_rng",
        "cell": "reproducible_samples",
        "replace": [
            (
                "sample_numpy = np.random.default_rng(seed).normal(size=n)",
                "np.random.seed(seed)\n    sample_numpy = np.random.normal(size=n)",
            )
        ],
        "loses": ["test_reproducible_samples"],
        "message": "parece que fijaste la semilla global con np.random.seed",
    },
    {
        "why": "fija la semilla de torch después de generar",
        "cell": "reproducible_samples",
        "replace": [
            (
                "torch.manual_seed(seed)\n    sample_torch = torch.randn(n)",
                "sample_torch = torch.randn(n)\n    torch.manual_seed(seed)",
            )
        ],
        "loses": ["test_reproducible_samples"],
        "message": "parece que fijaste la semilla de torch después de generar los números",
    },
    {
        "why": "torch.rand (uniforme) en lugar de torch.randn",
        "cell": "reproducible_samples",
        "replace": [("torch.randn(n)", "torch.rand(n)")],
        "loses": ["test_reproducible_samples"],
        "message": "parece que usaste torch.rand (uniforme)",
    },
    {
        "why": "convierte la muestra de numpy en tensor",
        "cell": "reproducible_samples",
        "replace": [("sample_torch = torch.randn(n)", "sample_torch = torch.from_numpy(sample_numpy)")],
        "loses": ["test_reproducible_samples"],
        "message": "parece que convertiste la muestra de numpy en tensor",
    },
]
