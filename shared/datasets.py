"""Conjuntos de datos del curso, con comportamiento sin conexión y un generador reproducible.

- :func:`load_fashion_mnist`: Fashion-MNIST con el cargador de Keras. Sin internet (pruebas,
  aulas sin red) no se queda esperando: tras una comprobación corta usa un **sustituto anunciado**,
  los dígitos manuscritos que trae scikit-learn, con la misma forma ``(n, 28, 28)`` y 10 clases.
- :func:`make_churn`: datos sintéticos de abandono de clientes de un banco (*churn*) con las
  columnas del conjunto clásico ``Churn_Modelling.csv``. Deterministas para una semilla dada.

TensorFlow, scikit-learn y pandas se importan dentro de las funciones para que ``import shared``
siga siendo rápido.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FASHION_CLASSES = (
    "Camiseta",
    "Pantalón",
    "Jersey",
    "Vestido",
    "Abrigo",
    "Sandalia",
    "Camisa",
    "Zapatilla",
    "Bolso",
    "Botín",
)
DIGIT_CLASSES = tuple(str(d) for d in range(10))

# Servidor del que descarga Keras sus conjuntos de datos.
KERAS_DATA_HOST = "storage.googleapis.com"
# Si vale 1/true/sí, los cargadores no intentan usar la red (útil en pruebas y aulas sin internet).
OFFLINE_ENV = "CURSO_OFFLINE"
_FASHION_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


@dataclass
class ImageDataset:
    """Imágenes de entrenamiento y prueba con sus etiquetas y el nombre de cada clase."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    name: str
    is_substitute: bool = False
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kind = "SUSTITUTO sin conexión" if self.is_substitute else "original"
        return (
            f"Conjunto: {self.name} ({kind}). Entrenamiento: {self.x_train.shape}, "
            f"prueba: {self.x_test.shape}, clases: {len(self.class_names)}."
        )


def offline_requested() -> bool:
    """``True`` si la variable de entorno ``CURSO_OFFLINE`` pide no usar la red."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "si", "sí", "yes"}


def can_reach(host: str = KERAS_DATA_HOST, port: int = 443, timeout: float = 3.0) -> bool:
    """Comprueba si se puede abrir una conexión con ``host`` en menos de ``timeout`` segundos.

    La resolución DNS no respeta el ``timeout`` de los *sockets*, así que la prueba corre en un
    hilo aparte y se abandona si tarda más: nunca bloquea el cuaderno.
    """
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def _keras_cache_has_fashion() -> bool:
    home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    folder = home / "datasets" / "fashion-mnist"
    return all((folder / name).exists() for name in _FASHION_FILES)


def digits_as_28x28(seed: int = 0, test_fraction: float = 0.2) -> ImageDataset:
    """Los dígitos 8×8 de scikit-learn (1797 imágenes reales) llevados a 28×28 y 0-255.

    Cada píxel se repite en un bloque 3×3 (24×24) y se añade un marco de 2 píxeles, como el
    margen de MNIST. La división entrenamiento/prueba es estratificada y fija para ``seed``.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = np.kron(digits.images, np.ones((1, 3, 3)))  # (n, 24, 24)
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    images = np.round(images / 16.0 * 255.0).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_fraction, random_state=seed, stratify=labels
    )
    return ImageDataset(x_train, y_train, x_test, y_test, DIGIT_CLASSES, "dígitos de scikit-learn (28×28)", True)


def load_fashion_mnist(*, offline: bool | None = None, timeout: float = 3.0, verbose: bool = True) -> ImageDataset:
    """Fashion-MNIST (60 000 + 10 000 imágenes 28×28 de ropa) con el cargador de Keras.

    Usa la copia en caché de Keras si existe; si no, comprueba en ``timeout`` segundos que hay
    conexión y descarga. Sin conexión, con ``offline=True`` o con ``CURSO_OFFLINE=1``, o si la
    descarga falla, devuelve el sustituto :func:`digits_as_28x28` y lo anuncia con claridad.
    """
    if offline is None:
        offline = offline_requested()
    reason = "se pidió trabajar sin conexión"
    if not offline:
        if _keras_cache_has_fashion() or can_reach(timeout=timeout):
            previous = socket.getdefaulttimeout()
            socket.setdefaulttimeout(max(timeout, 30.0))  # una descarga atascada no cuelga el cuaderno
            try:
                import keras

                (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
            except Exception as error:  # noqa: BLE001 - cualquier fallo de red lleva al sustituto
                reason = f"la descarga falló ({type(error).__name__})"
            else:
                data = ImageDataset(x_train, y_train, x_test, y_test, FASHION_CLASSES, "Fashion-MNIST")
                if verbose:
                    print(data.summary())
                return data
            finally:
                socket.setdefaulttimeout(previous)
        else:
            reason = f"no hay conexión con {KERAS_DATA_HOST}"
    data = digits_as_28x28()
    data.notes.append(reason)
    if verbose:
        print(
            f"⚠️  Fashion-MNIST no está disponible: {reason}.\n"
            "    Se usa un SUSTITUTO: los dígitos manuscritos de scikit-learn (0-9) en 28×28 y 0-255,\n"
            "    con la misma forma y 10 clases. El código de la lección es el mismo; los números\n"
            "    (exactitud, tiempos) serán distintos de los de Fashion-MNIST.\n" + data.summary()
        )
    return data


# --------------------------------------------------------------------------------------------
# Abandono de clientes (churn)

CHURN_COLUMNS = (
    "RowNumber",
    "CustomerId",
    "Surname",
    "CreditScore",
    "Geography",
    "Gender",
    "Age",
    "Tenure",
    "Balance",
    "NumOfProducts",
    "HasCrCard",
    "IsActiveMember",
    "EstimatedSalary",
    "Exited",
)
_SURNAMES = {
    "France": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"),
    "Spain": ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez"),
    "Germany": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann"),
}


def make_churn(n: int = 10_000, seed: int = 0):
    """Clientes sintéticos de un banco europeo y si abandonaron el banco (``Exited``).

    Columnas (las del conjunto clásico ``Churn_Modelling.csv``): ``RowNumber``, ``CustomerId``,
    ``Surname`` (identificadores, no sirven para predecir), ``CreditScore`` (350-850),
    ``Geography`` (France 50 %, Germany 25 %, Spain 25 %), ``Gender`` (Male/Female), ``Age``
    (18-92), ``Tenure`` (años como cliente, 0-10), ``Balance`` (saldo; un tercio en cero),
    ``NumOfProducts`` (1-4), ``HasCrCard`` y ``IsActiveMember`` (0/1), ``EstimatedSalary`` y el
    objetivo ``Exited`` (1 = se fue; alrededor del 20 %: clases desbalanceadas).

    ``Exited`` sigue un modelo logístico conocido: la probabilidad de irse crece con la edad,
    en Alemania, con 3 o 4 productos, en clientes inactivos, algo en mujeres y con saldo, y baja
    con 2 productos. Así una red puede aprender algo real pero no todo (hay azar). Mismo ``seed``,
    mismos datos, en cualquier máquina (``numpy.random.default_rng``).
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    geography = rng.choice(["France", "Germany", "Spain"], size=n, p=[0.5, 0.25, 0.25])
    gender = rng.choice(["Male", "Female"], size=n, p=[0.55, 0.45])
    age = np.clip(np.round(18 + rng.gamma(shape=4.0, scale=5.3, size=n)), 18, 92).astype(int)
    credit = np.clip(np.round(rng.normal(650, 97, size=n)), 350, 850).astype(int)
    tenure = rng.integers(0, 11, size=n)
    has_balance = rng.random(n) < np.where(geography == "Germany", 0.97, 0.55)
    balance = np.where(has_balance, np.clip(rng.normal(119_800, 30_000, size=n), 3_000, 250_000), 0.0).round(2)
    products = rng.choice([1, 2, 3, 4], size=n, p=[0.508, 0.459, 0.027, 0.006])
    has_card = (rng.random(n) < 0.70).astype(int)
    active = (rng.random(n) < 0.515).astype(int)
    salary = rng.uniform(11.58, 199_992.48, size=n).round(2)
    product_effect = np.select([products == 1, products == 2, products == 3], [0.0, -1.6, 2.6], default=5.0)
    logit = (
        -1.45
        + 0.1 * (age - 38)
        + 0.9 * (geography == "Germany")
        - 1.2 * active
        + 0.5 * (gender == "Female")
        + 0.35 * has_balance
        - 0.0007 * (credit - 650)
        + product_effect
    )
    exited = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    surnames = np.array([rng.choice(_SURNAMES[g]) for g in geography])
    customer_id = 15_565_000 + rng.permutation(900_000)[:n]
    frame = pd.DataFrame(
        {
            "RowNumber": np.arange(1, n + 1),
            "CustomerId": customer_id,
            "Surname": surnames,
            "CreditScore": credit,
            "Geography": geography,
            "Gender": gender,
            "Age": age,
            "Tenure": tenure,
            "Balance": balance,
            "NumOfProducts": products,
            "HasCrCard": has_card,
            "IsActiveMember": active,
            "EstimatedSalary": salary,
            "Exited": exited,
        }
    )
    return frame[list(CHURN_COLUMNS)]
