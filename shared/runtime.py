"""Preparación del entorno de un cuaderno: semillas, registros silenciosos, dispositivo y Colab.

La primera celda de cada lección llama a :func:`setup`. Todo lo que hace es barato salvo
importar los *frameworks* que se le piden (TensorFlow tarda varios segundos en importarse),
por eso las lecciones que solo usan numpy no los piden.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import random
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np

SUPPORTED_FRAMEWORKS = ("tensorflow", "torch")

# Variables que TensorFlow lee *al importarse*: hay que fijarlas antes.
_QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # sin mensajes INFO/WARNING del núcleo en C++
    "TF_ENABLE_ONEDNN_OPTS": "0",  # resultados reproducibles en CPU y sin el aviso de oneDNN
    "ABSL_MIN_LOG_LEVEL": "3",
    "GRPC_VERBOSITY": "ERROR",
    "KERAS_BACKEND": "tensorflow",
}


@dataclass
class Environment:
    """Lo que :func:`setup` averigua del entorno en el que corre el cuaderno."""

    seed: int
    on_colab: bool
    device: str
    gpu_name: str | None
    versions: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """Resumen en español, una línea por dato."""
        lugar = "Google Colab" if self.on_colab else "entorno local"
        gpu = self.gpu_name or "ninguna (se usa la CPU)"
        lines = [
            f"Entorno: {lugar}",
            f"Semilla: {self.seed}",
            f"Dispositivo: {self.device}",
            f"GPU: {gpu}",
        ]
        lines += [f"{name}: {version}" for name, version in self.versions.items()]
        return "\n".join(lines)


def on_colab() -> bool:
    """``True`` si el cuaderno corre en Google Colab."""
    return "google.colab" in sys.modules


def quiet_logs() -> None:
    """Silencia los registros de TensorFlow/absl y los avisos conocidos de las bibliotecas.

    Debe llamarse antes de importar TensorFlow para que surta efecto en su parte en C++.
    """
    for name, value in _QUIET_ENV.items():
        os.environ.setdefault(name, value)
    for name in ("tensorflow", "absl", "h5py", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", module=r"(keras|tensorflow|torch)(\.|$)")


def seed_everything(seed: int, frameworks: tuple[str, ...] = ()) -> None:
    """Fija la semilla de ``random``, numpy y de los *frameworks* indicados o ya importados."""
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if "tensorflow" in frameworks or "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.random.set_seed(seed)
        try:
            import keras

            keras.utils.set_random_seed(seed)
        except ImportError:  # pragma: no cover - Keras viene con TensorFlow
            pass
    if "torch" in frameworks or "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)


@contextlib.contextmanager
def simulated_gpu(available: bool):
    """Hace creer a PyTorch que hay (o no hay) una GPU mientras dura el bloque ``with``.

    Sirve para ver qué haría tu código en otra máquina: dentro del bloque,
    ``torch.cuda.is_available()`` devuelve ``available``. No crea ninguna GPU: solo responde a
    esa pregunta. Ejemplo::

        with shared.simulated_gpu(True):
            print(pick_device())  # lo que elegiría tu función en Colab con GPU
    """
    import torch

    original = torch.cuda.is_available
    torch.cuda.is_available = lambda: bool(available)
    try:
        yield
    finally:
        torch.cuda.is_available = original


def _gpu_from_nvidia_smi() -> str | None:
    if shutil.which("nvidia-smi") is None:
        return None
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    names = [line.strip() for line in out.stdout.splitlines() if line.strip()]
    return names[0] if names else None


def detect_device() -> tuple[str, str | None]:
    """Devuelve ``(dispositivo, nombre_de_la_gpu)``; ``("cpu", None)`` si no hay GPU.

    Solo consulta a PyTorch o TensorFlow si ya están importados, para no pagar su importación.
    """
    if "torch" in sys.modules:
        import torch

        if torch.cuda.is_available():
            return "cuda", torch.cuda.get_device_name(0)
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return "mps", "Apple MPS"
        return "cpu", None
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            details = tf.config.experimental.get_device_details(gpus[0])
            return "cuda", details.get("device_name", gpus[0].name)
        return "cpu", None
    name = _gpu_from_nvidia_smi()
    return ("cuda", name) if name else ("cpu", None)


def framework_versions(frameworks: tuple[str, ...] = ()) -> dict[str, str]:
    """Versiones de Python, numpy y de los *frameworks* pedidos o ya importados."""
    versions = {"Python": sys.version.split()[0], "numpy": np.__version__}
    for name in SUPPORTED_FRAMEWORKS:
        if name in frameworks or name in sys.modules:
            versions[name] = importlib.import_module(name).__version__
    if "tensorflow" in versions:
        versions["keras"] = importlib.import_module("keras").__version__
    return versions


@contextlib.contextmanager
def _silent_native_stderr():
    """Calla lo que la parte en C++ de TensorFlow escribe directamente en stderr al importarse
    («All log messages before absl::InitializeLog()…», «Could not find cuda drivers…»), que ninguna
    opción de registro de Python alcanza. Los errores de Python se siguen lanzando como siempre."""
    try:
        saved = os.dup(2)
    except OSError:  # sin descriptor 2 (algunos entornos): no hay nada que callar
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _explain_errors_in_spanish() -> None:
    """En un cuaderno (IPython), los errores empiezan con su explicación en español (:mod:`shared.explain`)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - sin IPython no hay cuaderno
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "InteractiveTB"):
        from shared import explain

        explain.install(shell)


def setup(
    seed: int = 42,
    frameworks: tuple[str, ...] | list[str] = (),
    verbose: bool = True,
    threads: int | None = None,
) -> Environment:
    """Prepara el cuaderno: registros silenciosos, semillas, dispositivo y detección de Colab.

    Parámetros
    ----------
    seed:
        Semilla para ``random``, numpy y los *frameworks*.
    frameworks:
        ``"tensorflow"`` y/o ``"torch"``: se importan (en el orden correcto: primero torch)
        y se siembran. Los que ya estuvieran importados también se siembran.
    verbose:
        Si es ``True`` imprime un resumen del entorno.
    threads:
        Hilos de CPU para PyTorch (``torch.set_num_threads``). Con redes pequeñas un hilo va igual
        de rápido y no compite con otros procesos; ``None`` deja el valor de PyTorch.
    """
    frameworks = tuple(frameworks)
    unknown = [name for name in frameworks if name not in SUPPORTED_FRAMEWORKS]
    if unknown:
        raise ValueError(f"Framework desconocido: {unknown}. Usa alguno de {list(SUPPORTED_FRAMEWORKS)}.")
    quiet_logs()
    with _silent_native_stderr():
        # Importar torch antes que TensorFlow evita bloqueos conocidos al cargar ambos.
        for name in sorted(frameworks, key=lambda n: n != "torch"):
            importlib.import_module(name)
        if "tensorflow" in sys.modules:
            import absl.logging

            absl.logging.set_verbosity(absl.logging.ERROR)
        if threads is not None and "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(threads)
        seed_everything(seed, frameworks)
    _explain_errors_in_spanish()
    device, gpu_name = detect_device()
    env = Environment(
        seed=seed,
        on_colab=on_colab(),
        device=device,
        gpu_name=gpu_name,
        versions=framework_versions(frameworks),
    )
    if verbose:
        print(env.summary())
    return env
