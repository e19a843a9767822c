"""Respuestas erróneas plausibles de la lección 00 (formato en lesson_01_perceptron.py)."""

WRONG_ANSWERS = [
    {
        "why": "copia a mano la versión que vio en su ordenador",
        "cell": "library_versions",
        "replace": [('"tensorflow": tf.__version__', '"tensorflow": "2.15.0"')],
        "loses": ["test_library_versions"],
    },
    {
        "why": "compara las versiones como texto",
        "cell": "version_at_least",
        "code": "def version_at_least(version, minimum):\n    return version >= minimum\n",
        "loses": ["test_version_at_least"],
    },
    {
        "why": "devuelve siempre 'cpu' (solo funciona en su portátil)",
        "cell": "pick_device",
        "code": 'def pick_device():\n    return "cpu"\n',
        "loses": ["test_pick_device"],
    },
    {
        "why": "usa el generador global de numpy sin semilla",
        "cell": "reproducible_samples",
        "replace": [("np.random.default_rng(seed).normal(size=n)", "np.random.normal(size=n)")],
        "loses": ["test_reproducible_samples"],
    },
]
