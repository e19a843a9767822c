"""Lo que cruza entre el juez (de confianza) y el núcleo del estudiante: datos, nunca código.

Un mensaje es una cabecera JSON y, detrás, los bytes de los arreglos (``numpy`` o tensores)::

    8 bytes: longitud total · 4 bytes: longitud de la cabecera · cabecera JSON · buffers

Los valores se escriben como un árbol JSON: ``None``, ``bool``, ``str``, números y listas van
tal cual; lo demás lleva una etiqueta ``{"$t": ...}``: ``tuple``, ``dict``, ``set``, ``nd``
(arreglo de numpy: ``dtype``, ``shape`` y el índice de su buffer), ``tensor``, ``ref`` (un objeto
que se queda al otro lado), ``mirror`` (un modelo de Keras o PyTorch copiado como configuración y
pesos), ``cb`` (una función del juez que el núcleo puede llamar)… Nunca ``pickle``: leer un
mensaje jamás ejecuta código de quien lo escribió.

:class:`Reader` valida todo lo que lee (tipos de ``dtype``, tamaños, profundidad, número de
nodos) y convierte cada etiqueta con las funciones que le da quien lee.
"""

from __future__ import annotations

import json
import math
import socket
import struct
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

MAX_MESSAGE = 512 << 20  # bytes de un mensaje
MAX_NODES = 1_000_000
MAX_DEPTH = 64
ARRAY_KINDS = "biufcUS"  # bool, enteros, reales, complejos y texto; nunca "O" (objetos) ni "V"


class WireError(ValueError):
    """Un mensaje mal formado, demasiado grande o con un tipo no permitido."""


class ConnectionLost(ConnectionError):
    """El otro lado cerró la conexión (el núcleo murió o dejó de atender)."""


# --- Marcos -------------------------------------------------------------------------------


def send(sock: socket.socket, header: dict, buffers: list[bytes] | None = None) -> None:
    buffers = buffers or []
    header = dict(header, nbuf=[len(b) for b in buffers])
    head = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    total = 4 + len(head) + sum(len(b) for b in buffers)
    if total > MAX_MESSAGE:
        raise WireError(f"mensaje de {total >> 20} MiB: el máximo es {MAX_MESSAGE >> 20} MiB")
    sock.sendall(struct.pack(">QI", total, len(head)) + head)
    for buffer in buffers:
        sock.sendall(buffer)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        n = sock.recv_into(view[got:], size - got)
        if n == 0:
            raise ConnectionLost("la conexión se cerró")
        got += n
    return bytes(data)


def receive(sock: socket.socket, limit: int = MAX_MESSAGE) -> tuple[dict, list[bytes]]:
    total, head_size = struct.unpack(">QI", _read_exactly(sock, 12))
    if total > limit or head_size > total - 4 + 0 or head_size > 64 << 20:
        raise WireError("mensaje demasiado grande o mal formado")
    header = json.loads(_read_exactly(sock, head_size))
    if not isinstance(header, dict):
        raise WireError("cabecera no válida")
    sizes = header.get("nbuf", [])
    if not isinstance(sizes, list) or not all(isinstance(n, int) and n >= 0 for n in sizes):
        raise WireError("tamaños de buffer no válidos")
    if 4 + head_size + sum(sizes) != total:
        raise WireError("tamaños de buffer inconsistentes")
    return header, [_read_exactly(sock, n) for n in sizes]


# --- Escribir valores -----------------------------------------------------------------------


class Writer:
    """Convierte un valor en árbol JSON + buffers.

    Args:
        fallback: qué hacer con un objeto que no es un dato (p. ej. registrarlo y devolver una
            etiqueta ``ref``); recibe el objeto y el propio ``Writer``.
    """

    def __init__(self, fallback: Callable[[Any, Writer], Any]) -> None:
        self.fallback = fallback
        self.buffers: list[bytes] = []

    def array(self, array: np.ndarray, **extra) -> dict:
        array = np.asarray(array)
        if not array.flags.c_contiguous:
            array = array.copy(order="C")  # np.ascontiguousarray convertiría un escalar en (1,)
        if array.dtype.kind not in ARRAY_KINDS:
            raise WireError(f"dtype no permitido: {array.dtype}")
        self.buffers.append(array.tobytes())
        return {"$t": "nd", "b": len(self.buffers) - 1, "dtype": array.dtype.str, "shape": list(array.shape), **extra}

    def write(self, value: Any, depth: int = 0) -> Any:  # noqa: C901 - un caso por tipo
        if depth > MAX_DEPTH:
            raise WireError("estructura demasiado profunda")
        if value is None or isinstance(value, bool | str):
            return str(value) if isinstance(value, str) and type(value) is not str else value
        if isinstance(value, int) and not isinstance(value, np.integer):
            value = int(value)
            return value if -(2**63) <= value < 2**63 else {"$t": "int", "v": str(value)}
        if isinstance(value, float) and not isinstance(value, np.floating):
            value = float(value)
            return value if math.isfinite(value) else {"$t": "float", "v": repr(value)}
        if isinstance(value, complex):
            return {"$t": "complex", "v": [self.write(value.real), self.write(value.imag)]}
        if isinstance(value, np.generic) and value.dtype.kind in ARRAY_KINDS:
            return self.array(np.asarray(value), scalar=True)
        if isinstance(value, np.ndarray) and value.dtype.kind in ARRAY_KINDS:
            return self.array(value)
        if isinstance(value, np.dtype):
            return {"$t": "dtype", "v": value.str} if value.kind in ARRAY_KINDS else self.fallback(value, self)
        if isinstance(value, bytes | bytearray):
            self.buffers.append(bytes(value))
            return {"$t": "bytes", "b": len(self.buffers) - 1}
        if type(value) in (list, tuple, set, frozenset, dict) or _plain_container(value):
            return self._container(value, depth)
        if isinstance(value, slice):
            return {"$t": "slice", "v": [self.write(value.start), self.write(value.stop), self.write(value.step)]}
        pandas = sys.modules.get("pandas")
        if pandas is not None and isinstance(value, pandas.DataFrame | pandas.Series):
            return self._pandas(value, pandas, depth)
        if value is Ellipsis:
            return {"$t": "ellipsis"}
        return self.fallback(value, self)

    def _pandas(self, value: Any, pandas: Any, depth: int) -> dict:
        """Una tabla de pandas como columnas (arreglos) e índice; el texto, como texto."""
        frame = value.to_frame() if isinstance(value, pandas.Series) else value
        columns, kinds = [], []
        for name in frame.columns:
            column = frame[name].to_numpy()
            kinds.append("object" if column.dtype.kind == "O" else "")
            columns.append(self.array(column.astype(str) if column.dtype.kind == "O" else column))
        index = frame.index
        return {
            "$t": "pandas",
            "series": isinstance(value, pandas.Series),
            "names": [self.write(n, depth + 1) for n in frame.columns],
            "columns": columns,
            "objects": kinds,
            "index": self.array(index.to_numpy().astype(str) if index.dtype.kind == "O" else index.to_numpy()),
        }

    def _container(self, value: Any, depth: int) -> Any:
        if isinstance(value, dict):
            items = list(value.items())
            return {
                "$t": "dict",
                "k": [self.write(k, depth + 1) for k, _ in items],
                "v": [self.write(v, depth + 1) for _, v in items],
            }
        items = [self.write(v, depth + 1) for v in value]
        if isinstance(value, list):
            return items
        kind = "tuple" if isinstance(value, tuple) else "frozenset" if isinstance(value, frozenset) else "set"
        return {"$t": kind, "v": items}


def _plain_container(value: Any) -> bool:
    """Subclases de contenedores que son datos (``namedtuple``, ``OrderedDict``…)."""
    import collections

    return isinstance(value, tuple) and hasattr(value, "_fields") or type(value) is collections.OrderedDict


# --- Leer valores ---------------------------------------------------------------------------


class Reader:
    """Convierte un árbol recibido en valores, validando cada nodo.

    Args:
        buffers: los buffers del mensaje.
        hooks: ``etiqueta -> función(nodo, reader)`` para las etiquetas que no son datos
            (``ref``, ``mirror``, ``cb``, ``tensor``, ``module``…). Una etiqueta sin función es
            un error: lo desconocido nunca se acepta.
    """

    def __init__(self, buffers: list[bytes], hooks: dict[str, Callable[[dict, Reader], Any]] | None = None) -> None:
        self.buffers = buffers
        self.hooks = hooks or {}
        self.nodes = 0

    def array(self, node: dict) -> np.ndarray:
        try:
            dtype = np.dtype(str(node["dtype"]))
            shape = tuple(int(n) for n in node["shape"])
            buffer = self.buffers[int(node["b"])]
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise WireError(f"arreglo mal descrito: {error}") from None
        if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or any(n < 0 for n in shape):
            raise WireError(f"dtype no permitido: {dtype}")
        if math.prod(shape) * dtype.itemsize != len(buffer):
            raise WireError("el tamaño del arreglo no coincide con sus datos")
        array = np.frombuffer(buffer, dtype=dtype).reshape(shape).copy()
        return array[()] if node.get("scalar") else array

    def _pandas(self, node: dict, depth: int) -> Any:
        return _read_pandas(self, node, depth)

    def read(self, node: Any, depth: int = 0) -> Any:  # noqa: C901 - un caso por etiqueta
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise WireError("valor demasiado grande o profundo")
        if node is None or type(node) in (bool, str, int, float):
            return node
        if type(node) is list:
            return [self.read(v, depth + 1) for v in node]
        if type(node) is not dict:
            raise WireError(f"nodo no válido: {type(node).__name__}")
        tag = node.get("$t")
        if tag == "nd":
            return self.array(node)
        if tag in ("tuple", "set", "frozenset"):
            items = [self.read(v, depth + 1) for v in _list(node.get("v"))]
            return {"tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
        if tag == "dict":
            keys, values = _list(node.get("k")), _list(node.get("v"))
            if len(keys) != len(values):
                raise WireError("diccionario mal formado")
            return {self.read(k, depth + 1): self.read(v, depth + 1) for k, v in zip(keys, values, strict=True)}
        if tag == "int":
            text = str(node.get("v"))
            if len(text) > 4000:
                raise WireError("entero demasiado grande")
            return int(text)
        if tag == "float":
            if node.get("v") not in ("nan", "inf", "-inf"):
                raise WireError("real no válido")
            return float(node["v"])
        if tag == "complex":
            real, imag = (self.read(v, depth + 1) for v in _list(node.get("v")))
            return complex(float(real), float(imag))
        if tag == "bytes":
            try:
                return self.buffers[int(node["b"])]
            except (KeyError, ValueError, IndexError, TypeError):
                raise WireError("bytes mal descritos") from None
        if tag == "dtype":
            dtype = np.dtype(str(node.get("v")))
            if dtype.kind not in ARRAY_KINDS:
                raise WireError(f"dtype no permitido: {dtype}")
            return dtype
        if tag == "slice":
            start, stop, step = (self.read(v, depth + 1) for v in _list(node.get("v")))
            return slice(start, stop, step)
        if tag == "ellipsis":
            return Ellipsis
        if tag == "pandas":
            return self._pandas(node, depth)
        hook = self.hooks.get(tag) if isinstance(tag, str) else None
        if hook is None:
            raise WireError(f"etiqueta desconocida: {tag!r}")
        return hook(node, self)


def _read_pandas(reader: Reader, node: dict, depth: int) -> Any:
    import pandas

    names = [reader.read(n, depth + 1) for n in _list(node.get("names"))]
    columns = [reader.array(c) for c in _list(node.get("columns"))]
    objects = _list(node.get("objects"))
    if not len(names) == len(columns) == len(objects):
        raise WireError("tabla mal formada")
    data = {
        n: (c.astype(object) if kind == "object" else c) for n, c, kind in zip(names, columns, objects, strict=True)
    }
    frame = pandas.DataFrame(data, index=reader.array(node["index"]))
    return frame.iloc[:, 0] if node.get("series") and len(names) == 1 else frame


def _list(value: Any) -> list:
    if type(value) is not list:
        raise WireError("se esperaba una lista")
    return value
