"""Lo que puede pasarle a una entrega, como datos: del intake y del núcleo al informe.

Cada incidencia es una :class:`Note`: un :class:`Status` y sus detalles (nombres de archivo,
celdas, límites). Viajan así desde quien las detecta (:mod:`autograder.intake`,
:mod:`autograder.execute`) hasta ``grades.csv`` y la retroalimentación; las frases en español se
escriben solo al final, en :func:`autograder.report.describe`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Status(enum.Enum):
    """Tipos de incidencia. El valor es el código estable que aparece en los registros."""

    # Entrada
    BAD_NAME = "nombre-inesperado"
    NOT_NOTEBOOK = "no-es-cuaderno"
    EMPTY = "vacio"
    TOO_BIG = "demasiado-grande"
    ARCHIVE_LIMIT = "zip-limite"
    SEVERAL = "varias-entregas"
    UNTOUCHED = "sin-respuestas"
    # Emparejado con la publicación
    NO_METADATA = "sin-metadatos"
    SOME_METADATA = "metadatos-parciales"
    REORDERED = "reordenado"
    TAMPERED = "prueba-modificada"
    MISSING_TESTS = "faltan-pruebas"
    MISSING_EXERCISES = "faltan-ejercicios"
    DUPLICATED = "duplicadas"
    FOREIGN = "otra-leccion"
    # Ejecución
    CELL_TIMEOUT = "tiempo-celda"
    NOTEBOOK_TIMEOUT = "tiempo-cuaderno"
    MEMORY = "memoria"
    KERNEL_DIED = "nucleo-muerto"
    SYS_EXIT = "sys-exit"
    INTERPRETER_MODIFIED = "interprete-modificado"
    GRADER_ERROR = "error-calificador"
    WORKER_LOST = "trabajador-perdido"
    NO_ISOLATION = "sin-aislamiento"
    # Calificación a mano
    MANUAL_PENDING = "pendiente-manual"


# Incidencias que detienen la ejecución del cuaderno (las celdas siguientes no se ejecutan).
STOPPING = {Status.CELL_TIMEOUT, Status.NOTEBOOK_TIMEOUT, Status.MEMORY, Status.KERNEL_DIED}
# Incidencias por las que la entrega no se califica (sin fila de notas o con ceros).
UNGRADABLE = {Status.BAD_NAME, Status.NOT_NOTEBOOK, Status.EMPTY, Status.TOO_BIG, Status.ARCHIVE_LIMIT}


@dataclass(frozen=True)
class Note:
    """Una incidencia con sus detalles (``name``, ``cells``, ``count``, ``limit``, ``detail``…)."""

    status: Status
    details: tuple[tuple[str, Any], ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, status: Status, **details: Any) -> Note:
        return cls(status, tuple(sorted(details.items())))

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.details).get(key, default)

    def to_dict(self) -> dict:
        return {"status": self.status.value, **dict(self.details)}

    @classmethod
    def from_dict(cls, data: dict) -> Note:
        data = dict(data)
        return cls.of(Status(data.pop("status")), **data)
