"""El juez: ejecuta las celdas de prueba en un proceso de confianza, fuera del núcleo del estudiante.

Cualquier defensa dentro del proceso del estudiante es una carrera que el estudiante puede ganar
(transformadores de entrada de IPython, hilos que vuelven a parchear, ``__code__`` cambiado,
``ctypes``…). Por eso el veredicto no se decide allí: el calificador manda cada celda de prueba
al juez, un proceso que nunca ejecutó código del estudiante, con sus propios ``numpy``,
``shared``, Keras y PyTorch. La celda se ejecuta aquí tal cual; los nombres que no define ella
ni una prueba anterior (las funciones del estudiante, sus modelos, sus datos) se piden al agente
del núcleo (:mod:`autograder.agent`) y llegan como datos:

- números, textos, arreglos y tensores, por valor (:mod:`autograder.wire`, sin ``pickle``);
- modelos de Keras o PyTorch de capas estándar, como copias de confianza (:mod:`autograder.models`)
  que se mantienen al día tras cada llamada al núcleo: las pruebas los entrenan, miden y
  comparan aquí;
- lo demás, como :class:`Remote`: atributos, llamadas, índices, iteración y conversiones a
  número viajan al núcleo, y lo que vuelve son otra vez datos.

Llamar a una función del estudiante envía los argumentos por valor (las funciones de la prueba
viajan como *callbacks* que se ejecutan aquí). Lo que el núcleo devuelva es su resultado, sea el
que sea; lo esperado y la comparación nunca salen del juez.

Las semillas que fija una prueba (``np.random.seed``, ``keras.utils.set_random_seed``,
``torch.manual_seed``…) se fijan también en el núcleo. Los nombres que define la parte visible de
una prueba se copian al núcleo al terminar, para las celdas que vienen después.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import io
import json
import os
import signal
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder import models, wire

# Módulos cuyas clases pueden decir «soy de este tipo» en nombre de un objeto del núcleo.
TRUSTED_TYPE_MODULES = ("keras", "tensorflow", "torch", "sklearn", "numpy", "shared", "collections")
TRUSTED_MODULES = (*TRUSTED_TYPE_MODULES, "matplotlib", "math", "random", "time", "os", "sys", "copy", "itertools")
FORWARDED_DUNDERS = {"__name__", "__qualname__", "__module__", "__doc__"}
# Funciones que, llamadas en una prueba, deben hacer lo mismo en el núcleo (semillas, GPU simulada).
MIRRORED_CALLS = (
    ("random", "seed"),
    ("numpy.random", "seed"),
    ("shared", "seed_everything"),
    ("keras.utils", "set_random_seed"),
    ("tensorflow.random", "set_seed"),
    ("torch", "manual_seed"),
)
# Contextos que una prueba abre y que deben abrirse también en el núcleo (p. ej. una GPU simulada).
MIRRORED_CONTEXTS = (("shared", "simulated_gpu"),)


class AgentLost(RuntimeError):
    """El núcleo dejó de responder al juez (murió, o su código rompió el agente)."""


class CellTimeout(RuntimeError):
    """La celda de prueba superó su tiempo."""


class StudentException:
    """Marca de las excepciones lanzadas por el código del estudiante (en el núcleo)."""

    remote_type: str = ""
    frames: list = []


_exception_types: dict[tuple[str, str], type] = {}


def student_exception(info: dict) -> BaseException:
    """Una excepción del juez con el nombre y la base de Python de la que lanzó el núcleo.

    ``except ValueError`` de una prueba atrapa así el ``ValueError`` del estudiante; nunca se
    reconstruye ``SystemExit`` ni ``KeyboardInterrupt`` (serían un ``RuntimeError``).
    """
    name = str(info.get("type", "Exception"))[:100]
    base: type = RuntimeError
    for candidate in info.get("bases", []):
        cls = getattr(builtins, str(candidate), None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            base = cls
            break
    key = (name, base.__name__)
    if key not in _exception_types:
        _exception_types[key] = type(name, (base, StudentException), {"__module__": "cuaderno"})
    error = _exception_types[key](str(info.get("message", ""))[:4000])
    error.remote_type = name
    error.frames = list(info.get("frames", []))[:5]
    return error


# --- Objetos del núcleo -----------------------------------------------------------------------


class Remote:
    """Un objeto que se queda en el núcleo. Cada operación es una petición al agente."""

    __slots__ = ("_judge", "_id", "_types", "_callable", "__weakref__")

    def __init__(self, judge: Judge, rid: int, types: list[str], is_callable: bool) -> None:
        object.__setattr__(self, "_judge", judge)
        object.__setattr__(self, "_id", rid)
        object.__setattr__(self, "_types", types)
        object.__setattr__(self, "_callable", is_callable)

    @property
    def __class__(self):  # noqa: D105 - isinstance(obj, keras.Model) con la clase de confianza
        for name in self._types:
            cls = _trusted_class(name)
            if cls is not None:
                return cls
        return Remote

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__") and name not in FORWARDED_DUNDERS:
            raise AttributeError(name)
        return self._judge.request("getattr", self, name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._judge.request("setattr", self, name=name, value=value)

    def __call__(self, *args, **kwargs):
        return self._judge.request("call", self, args=list(args), kwargs=kwargs)

    def __getitem__(self, key):
        return self._judge.request("getitem", self, key=key)

    def __setitem__(self, key, value) -> None:
        self._judge.request("setitem", self, key=key, value=value)

    def __len__(self) -> int:
        return int(self._judge.request("len", self))

    def __iter__(self):
        return iter(self._judge.request("iter", self))

    def __next__(self):
        return self._judge.request("next", self)

    def __contains__(self, item) -> bool:
        return bool(self._judge.request("contains", self, item=item))

    def __bool__(self) -> bool:
        return bool(self._judge.request("bool", self))

    def __repr__(self) -> str:
        return str(self._judge.request("repr", self))[:2000]

    def __str__(self) -> str:
        return str(self._judge.request("str", self))[:2000]

    def __enter__(self):
        return self._judge.request("enter", self)

    def __exit__(self, *exc) -> bool:
        self._judge.request("exit", self)
        return False

    def _value(self) -> Any:
        return self._judge.request("value", self)

    def __array__(self, dtype=None, copy=None):
        import numpy as np

        return np.asarray(self._value(), dtype=dtype)

    def __float__(self) -> float:
        return float(self._value())

    def __int__(self) -> int:
        return int(self._value())

    def __index__(self) -> int:
        return int(self._value())

    def __complex__(self) -> complex:
        return complex(self._value())

    def __format__(self, spec: str) -> str:
        return format(self._value(), spec)

    __hash__ = object.__hash__


def _value_op(name: str):
    def method(self, *others):
        return getattr(self._value(), name)(*[o._value() if isinstance(o, Remote) else o for o in others])

    method.__name__ = name
    return method


VALUE_OPERATORS = (
    "__eq__ __ne__ __lt__ __le__ __gt__ __ge__ __add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ "
    "__rtruediv__ __floordiv__ __mod__ __pow__ __neg__ __pos__ __abs__ __matmul__ __rmatmul__ __round__"
)
for _name in VALUE_OPERATORS.split():  # noqa: SIM905
    setattr(Remote, _name, _value_op(_name))


def _trusted_class(qualified: str) -> type | None:
    module_name, _, qualname = qualified.rpartition(".")
    while module_name and "." in qualname:  # clases anidadas: mod.Clase.Interna
        module_name, _, outer = module_name.rpartition(".")
        qualname = f"{outer}.{qualname}"
    if module_name.split(".")[0] not in TRUSTED_TYPE_MODULES or module_name not in sys.modules:
        return None
    obj: Any = sys.modules[module_name]
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, type) else None


# --- El juez ----------------------------------------------------------------------------------


@dataclass
class CellResult:
    """Lo que devuelve una celda de prueba: salidas al estilo de nbformat y qué pasó."""

    outputs: list[dict] = field(default_factory=list)
    timed_out: bool = False
    agent_lost: bool = False
    seconds: float = 0.0
    requests: int = 0
    agent_seconds: float = 0.0  # de ``seconds``, lo que tardó el núcleo en atender las peticiones


class Judge:
    """Ejecuta celdas de prueba con los objetos del estudiante al otro lado de un socket.

    Args:
        listen: socket donde escuchar al agente, en una carpeta que la caja ve de solo lectura. Se
            acepta una sola conexión, la primera: la del agente, que conecta al arrancar el núcleo,
            antes de que corra código del estudiante.
        setup: código de confianza (la celda de preparación y los ``import`` de la lección,
            tomados del cuaderno fuente, nunca de la entrega) que define los nombres del juez.
        uid: dueño del socket (como root, el usuario de la caja).
    """

    def __init__(self, listen: str, setup: str, uid: int | None = None) -> None:
        self.listener: socket.socket | None = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(listen)
        os.chmod(listen, 0o600)
        if uid is not None and os.geteuid() == 0:
            os.chown(listen, uid, uid)
        self.listener.listen(1)
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self.conn: socket.socket | None = None
        self.deadline = float("inf")
        self.remotes: dict[int, Remote] = {}
        self.mirrors: dict[int, Any] = {}  # id del núcleo -> copia de confianza
        self.mirror_state: dict[int, tuple[str, str]] = {}  # id -> (configuración, huella)
        self.by_object: dict[int, int] = {}  # id(copia) -> id del núcleo
        self.callbacks: dict[int, Any] = {}
        self.pending_builds: dict[int, Any] = {}
        self.pending_rngs: dict[int, Any] = {}  # generadores enviados: su estado vuelve tras la llamada
        self.pending_copyout: dict[int, Any] = {}  # optimizadores y generadores de torch, ídem
        self.requests = 0
        self.agent_seconds = 0.0
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(setup, "<preparación>", "exec"), self.namespace)  # noqa: S102 - código del instructor
        self.trusted = set(self.namespace)
        self.owned: set[str] = set()
        self._mirror_calls()

    # --- Conexión con el agente ---

    def _connect(self) -> socket.socket:
        if self.conn is None:
            if self.listener is None:
                raise AgentLost("el agente del núcleo ya se desconectó")
            self.listener.settimeout(max(0.1, min(self.deadline - time.monotonic(), 30)))
            try:
                self.conn, _ = self.listener.accept()
            except OSError as error:
                raise AgentLost(f"el núcleo no atiende al juez ({error})") from None
            finally:
                self.listener.close()  # nadie más (ni el estudiante) puede conectarse después
                self.listener = None
        return self.conn

    def request(self, op: str, target: Remote | None = None, **fields: Any) -> Any:
        """Envía una operación al agente y devuelve su resultado (ya como valor de este lado)."""
        writer = wire.Writer(self._encode_other)
        header: dict[str, Any] = {"op": op}
        if target is not None:
            header["ref"] = target._id
        self._prebuild(header, writer, fields.values())
        for key, value in fields.items():
            header[key] = value if key in ("name", "names", "module", "path") else writer.write(value)
        conn = self._connect()
        self.requests += 1
        try:
            wire.send(conn, header, writer.buffers)
            return self._await_reply()
        except TimeoutError:
            raise CellTimeout("tiempo agotado esperando al núcleo") from None
        except (wire.ConnectionLost, ConnectionError, BrokenPipeError) as error:
            self._drop_connection()
            raise AgentLost(f"el núcleo dejó de responder ({error})") from None
        except wire.WireError as error:
            self._drop_connection()
            raise AgentLost(f"respuesta no válida del núcleo ({error})") from None

    def _drop_connection(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.close()
            self.conn = None

    def _await_reply(self) -> Any:
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise CellTimeout("tiempo agotado")
            self.conn.settimeout(remaining)
            header, buffers = wire.receive(self.conn)
            reader = wire.Reader(buffers, self._hooks())
            if header.get("op") == "callback":
                self._run_callback(header, reader)
                continue
            if header.get("out"):
                sys.stdout.write(str(header["out"]))
            if isinstance(header.get("t"), float):
                self.agent_seconds += header["t"]
            for tid, rid in (header.get("built") or {}).items():
                obj = self.pending_builds.pop(int(tid), None)
                if obj is not None:
                    self._register_mirror(int(rid), obj, None)
            for rid, node in (header.get("sync") or {}).items():
                self._sync_mirror(int(rid), reader.read(node))
            for tid, node in (header.get("rngs") or {}).items():
                generator = self.pending_rngs.pop(int(tid), None)
                state = reader.read(node)
                if generator is not None and isinstance(state, dict):
                    with contextlib.suppress(TypeError, ValueError, KeyError):
                        generator.bit_generator.state = state
            self.pending_rngs.clear()
            for tid, node in (header.get("copyout") or {}).items():
                self._copy_back(self.pending_copyout.pop(int(tid), None), reader.read(node))
            self.pending_copyout.clear()
            if "error" in header:
                raise student_exception(header["error"] if isinstance(header["error"], dict) else {})
            return reader.read(header.get("value"))

    @staticmethod
    def _copy_back(obj: Any, state: Any) -> None:
        """El estado con el que volvió un objeto de la prueba (optimizador, generador de torch)."""
        import torch

        with contextlib.suppress(Exception):  # un estado que no encaja se ignora: la prueba lo notará
            if isinstance(obj, torch.optim.Optimizer):
                obj.load_state_dict(state)
            elif isinstance(obj, torch.Generator):
                obj.set_state(torch.as_tensor(np.asarray(state), dtype=torch.uint8))

    def _run_callback(self, header: dict, reader: wire.Reader) -> None:
        function = self.callbacks.get(int(header.get("id", -1)))
        writer = wire.Writer(self._encode_other)
        try:
            args = reader.read(header.get("args"))
            kwargs = reader.read(header.get("kwargs"))
            result = function(*args, **kwargs)
            answer = {"op": "callback_result", "value": writer.write(result)}
        except (CellTimeout, AgentLost):
            raise
        except Exception as error:  # noqa: BLE001 - vuelve al código del estudiante como excepción
            from autograder.agent import describe_error

            writer = wire.Writer(self._encode_other)
            answer = {"op": "callback_error", "error": describe_error(error)}
        wire.send(self.conn, answer, writer.buffers)

    # --- Codificar lo que va al núcleo ---

    def _new_tid(self) -> int:
        self._tids = getattr(self, "_tids", 0) + 1
        return self._tids

    def _prebuild(self, header: dict, writer: wire.Writer, values) -> None:
        """Los módulos de PyTorch de la prueba que van en la petición viajan primero (``prebuild``):
        así un optimizador puede referirse a sus parámetros, estén donde estén los argumentos."""
        self._request_modules: dict[tuple, Any] = {
            ("ref", rid): obj for rid, obj in self.mirrors.items() if models.kind_of(obj) == "torch"
        }
        self._building: dict[int, int] = {}
        prebuild = {}
        for module in _torch_modules_in(list(values)):
            if id(module) in self._building or self._mirror_id(module) is not None:
                continue
            tid = self._new_tid()
            self._building[id(module)] = tid
            self.pending_builds[tid] = module
            self._request_modules[("tid", tid)] = module
            prebuild[str(tid)] = writer.write(models.describe(module))
        if prebuild:
            header["prebuild"] = prebuild
        self._owners = None

    def _mirror_id(self, obj: Any) -> int | None:
        rid = self.by_object.get(id(obj))
        return rid if rid is not None and self.mirrors.get(rid) is obj else None

    def _owner_of(self, param: Any):
        if self._owners is None:
            self._owners = models.parameter_owners(self._request_modules)
        owner = self._owners.get(id(param))
        return None if owner is None else [owner[0][0], owner[0][1], owner[1]]

    def _encode_torch(self, obj: Any, writer: wire.Writer, torch: Any) -> Any:
        """Lo de PyTorch que la prueba pasa al estudiante: por valor, y de vuelta tras la llamada."""
        from torch.utils.data import DataLoader, RandomSampler, TensorDataset

        if isinstance(obj, torch.Tensor):
            return writer.array(obj.detach().cpu().numpy(), **{"$t": "tensor", "grad": bool(obj.requires_grad)})
        if isinstance(obj, torch.device):
            return {"$t": "device", "v": str(obj)}
        if isinstance(obj, torch.dtype):
            return {"$t": "tdtype", "v": str(obj).replace("torch.", "")}
        if isinstance(obj, torch.Generator):
            tid = self._new_tid()
            self.pending_copyout[tid] = obj
            return {"$t": "tgen", "tid": tid, "state": writer.array(obj.get_state().numpy())}
        if isinstance(obj, torch.optim.Optimizer):
            tid = self._new_tid()
            self.pending_copyout[tid] = obj
            return {"$t": "optim", "tid": tid, "desc": writer.write(models.describe_optimizer(obj, self._owner_of))}
        if isinstance(obj, TensorDataset):
            return {"$t": "tensordataset", "tensors": [writer.write(t) for t in obj.tensors]}
        if isinstance(obj, DataLoader):
            sampler = getattr(obj, "sampler", None)
            generator = getattr(obj, "generator", None) or getattr(sampler, "generator", None)
            return {
                "$t": "loader",
                "dataset": writer.write(obj.dataset),
                "batch_size": obj.batch_size,
                "shuffle": isinstance(sampler, RandomSampler),
                "drop_last": bool(obj.drop_last),
                "generator": None if generator is None else writer.write(generator),
            }
        if isinstance(obj, torch.nn.Module) and id(obj) in getattr(self, "_building", {}):
            return {"$t": "build", "tid": self._building[id(obj)]}
        return None

    def _encode_other(self, obj: Any, writer: wire.Writer) -> Any:
        if type(obj) is Remote:
            return {"$t": "ref", "id": obj._id}
        rid = self.by_object.get(id(obj))
        if rid is not None and self.mirrors.get(rid) is obj:
            node: dict[str, Any] = {"$t": "ref", "id": rid}
            desc = models.describe(obj)
            fingerprint = models.fingerprint(desc)
            if fingerprint != self.mirror_state[rid][1]:
                node["push"] = writer.write(desc)
                self.mirror_state[rid] = (self.mirror_state[rid][0], fingerprint)
            return node
        torch = sys.modules.get("torch")
        if torch is not None:
            node = self._encode_torch(obj, writer, torch)
            if node is not None:
                return node
        if isinstance(obj, np.random.Generator):
            tid = len(self.pending_rngs) + 1
            self.pending_rngs[tid] = obj
            state = obj.bit_generator.state
            return {"$t": "rng", "tid": tid, "kind": state["bit_generator"], "state": writer.write(state)}
        if models.kind_of(obj):
            tid = self._new_tid()
            self.pending_builds[tid] = obj
            return {"$t": "build", "tid": tid, "desc": writer.write(models.describe(obj))}
        if isinstance(obj, type(sys)):
            return {"$t": "module", "name": obj.__name__}
        if callable(obj):
            cid = len(self.callbacks) + 1
            self.callbacks[cid] = obj
            return {"$t": "cb", "id": cid}
        raise TypeError(f"la prueba no puede pasar un objeto {type(obj).__name__} al cuaderno")

    # --- Leer lo que llega del núcleo ---

    def _hooks(self) -> dict:
        def ref(node, _reader):
            rid = int(node["id"])
            if rid in self.mirrors:
                return self.mirrors[rid]
            module = node.get("module")
            if isinstance(module, str) and module.split(".")[0] in TRUSTED_MODULES:
                with contextlib.suppress(ImportError):
                    return importlib.import_module(module)
            if rid not in self.remotes:
                types = [str(t) for t in node.get("types", [])][:30]
                self.remotes[rid] = Remote(self, rid, types, bool(node.get("callable")))
            return self.remotes[rid]

        def mirror(node, reader):
            rid = int(node["id"])
            desc = reader.read(node["desc"])
            if rid in self.mirrors:
                return self._sync_mirror(rid, desc)
            try:
                obj = models.rebuild(desc)
            except Exception:  # noqa: BLE001 - sin copia de confianza: se usa a distancia
                return ref(node, reader)
            self._register_mirror(rid, obj, desc)
            return obj

        def tensor(node, reader):
            array = reader.array(node)
            torch = sys.modules.get("torch")
            if torch is None:
                return array
            value = torch.from_numpy(array)
            return value.requires_grad_(bool(node.get("grad"))) if value.is_floating_point() else value

        def device(node, _reader):
            import torch

            return torch.device(str(node["v"])[:20])

        def tdtype(node, _reader):
            import torch

            value = getattr(torch, str(node["v"])[:30], None)
            if not isinstance(value, torch.dtype):
                raise wire.WireError("dtype de torch no válido")
            return value

        return {"ref": ref, "mirror": mirror, "tensor": tensor, "device": device, "tdtype": tdtype}

    def _register_mirror(self, rid: int, obj: Any, desc: dict | None) -> None:
        desc = desc if desc is not None else models.describe(obj)
        self.mirrors[rid] = obj
        self.by_object[id(obj)] = rid
        self.mirror_state[rid] = (_shape_key(desc), models.fingerprint(desc))

    def _sync_mirror(self, rid: int, desc: dict) -> Any:
        obj = self.mirrors.get(rid)
        if obj is None:
            return None
        key = _shape_key(desc)
        try:
            if desc.get("kind") == "keras" and key != self.mirror_state[rid][0]:
                raise models.NotDescribable("otra arquitectura")
            models.update(obj, desc)
        except Exception:  # noqa: BLE001 - la forma cambió: copia nueva
            del self.by_object[id(obj)]
            obj = models.rebuild(desc)
            self.mirrors[rid] = obj
            self.by_object[id(obj)] = rid
        self.mirror_state[rid] = (key, models.fingerprint(desc))
        return obj

    # --- Semillas y demás efectos que deben ocurrir también en el núcleo ---

    def _mirror_calls(self) -> None:
        for module_name, attr in MIRRORED_CALLS:
            module = sys.modules.get(module_name)
            original = getattr(module, attr, None) if module is not None else None
            if original is None or getattr(original, "_juez", False):
                continue
            setattr(module, attr, self._mirrored(module_name, attr, original))
        for module_name, attr in MIRRORED_CONTEXTS:
            module = sys.modules.get(module_name)
            original = getattr(module, attr, None) if module is not None else None
            if original is not None and not getattr(original, "_juez", False):
                setattr(module, attr, self._mirrored_context(module_name, attr, original))

    def _mirrored_context(self, module_name: str, attr: str, original):
        judge = self

        @contextlib.contextmanager
        def both(*args, **kwargs):
            with original(*args, **kwargs) as value:
                if not judge._in_cell:
                    yield value
                    return
                remote = judge.request("module_call", module=module_name, path=attr, args=list(args), kwargs=kwargs)
                with remote:
                    yield value

        both._juez = True
        return both

    def _mirrored(self, module_name: str, attr: str, original):
        judge = self

        def call(*args, **kwargs):
            result = original(*args, **kwargs)
            if judge._in_cell:
                judge.request("module_call", module=module_name, path=attr, args=list(args), kwargs=kwargs)
            return result

        call._juez = True
        call.__wrapped__ = original
        return call

    _in_cell = False

    # --- Ejecutar una celda ---

    def run_cell(self, source: str, timeout: float, propagate: list[str]) -> CellResult:
        """Ejecuta ``source`` (una celda de prueba de confianza) y devuelve sus salidas.

        Args:
            source: el código completo de la celda (con las pruebas ocultas).
            timeout: segundos para toda la celda.
            propagate: nombres que la parte visible de la celda define y que se copian al núcleo.
        """
        started = time.monotonic()
        self.deadline = started + timeout
        self.requests = 0
        self.agent_seconds = 0.0
        result = CellResult()
        captured = io.StringIO()
        self._in_cell = True
        try:
            with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(io.StringIO()):
                tree = ast.parse(source, "<prueba>")
                self._fetch(free_names(tree) - self.trusted - self.owned - set(dir(builtins)))
                self.owned |= top_level_names(tree)
                _run_tree(tree, self.namespace)
            self._propagate(propagate)
        except CellTimeout:
            result.timed_out = True
            result.outputs.append(_error_output("CellTimeoutError", "La celda superó el límite de tiempo."))
        except AgentLost as error:
            result.agent_lost = True
            result.outputs.append(_error_output("NucleoPerdido", str(error)))
        except BaseException as error:  # noqa: BLE001 - el error de la prueba es la salida de la celda
            result.outputs.append(_exception_output(error))
        finally:
            self._in_cell = False
        text = captured.getvalue()
        if text:
            result.outputs.insert(0, {"output_type": "stream", "name": "stdout", "text": text[:200_000]})
        result.seconds = time.monotonic() - started
        result.requests = self.requests
        result.agent_seconds = self.agent_seconds
        return result

    def _fetch(self, names: set[str]) -> None:
        if not names:
            return
        values = self.request("lookup", names=sorted(names))
        for name in names:
            if name in values:
                self.namespace[name] = values[name]
            else:
                self.namespace.pop(name, None)

    def _propagate(self, names: list[str]) -> None:
        values = {}
        for name in names:
            if name in self.namespace and _transferable(self, self.namespace[name]):
                values[name] = self.namespace[name]
        if values:
            self.request("assign", values=values)


def _transferable(judge: Judge, value: Any, depth: int = 0) -> bool:
    """¿Se puede copiar al núcleo? Datos, objetos del núcleo y copias de sus modelos; no funciones."""
    if depth > 20:
        return False
    # Tipos exactos: una subclase (el Bunch de scikit-learn es un dict) no viaja por el cable.
    if type(value) in (list, tuple, set, frozenset):
        return all(_transferable(judge, v, depth + 1) for v in value)
    if type(value) is dict:
        return all(_transferable(judge, v, depth + 1) for v in value.values())
    if type(value) is Remote or judge.by_object.get(id(value)) is not None:
        return True
    try:
        wire.Writer(lambda o, w: (_ for _ in ()).throw(TypeError())).write(value)
        return True
    except (TypeError, wire.WireError):
        torch = sys.modules.get("torch")
        return torch is not None and isinstance(value, torch.Tensor)


def _torch_modules_in(values: list, depth: int = 0) -> list:
    """Los módulos de PyTorch que hay en ``values`` (y en listas, tuplas o diccionarios dentro)."""
    torch = sys.modules.get("torch")
    found: list = []
    if torch is None or depth > 3:
        return found
    for value in values:
        if type(value) is Remote:  # isinstance lo tomaría por un módulo de confianza (__class__)
            continue
        if isinstance(value, torch.nn.Module):
            found.append(value)
        elif isinstance(value, list | tuple):
            found += _torch_modules_in(list(value), depth + 1)
        elif isinstance(value, dict):
            found += _torch_modules_in(list(value.values()), depth + 1)
    return found


def _shape_key(desc: dict) -> str:
    if desc.get("kind") == "keras":
        return str(desc.get("config"))
    return json.dumps(desc.get("tree"), sort_keys=True, default=str)


def free_names(tree: ast.AST) -> set[str]:
    """Nombres que la celda lee antes de (o sin) asignarlos: los que hay que pedir al núcleo."""
    names = sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.Name)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    first: dict[str, bool] = {}
    for node in names:
        first.setdefault(node.id, isinstance(node.ctx, ast.Load))
    return {name for name, loaded in first.items() if loaded}


def top_level_names(tree: ast.Module) -> set[str]:
    """Nombres que la celda define en su nivel superior (asignaciones, ``for``, ``def``, ``import``)."""
    names: set[str] = set()
    for statement in tree.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
                if not isinstance(node, ast.Lambda):
                    names.add(node.name)
                continue
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
    return names


def _run_tree(tree: ast.Module, namespace: dict) -> None:
    """Como IPython: si la última sentencia es una expresión, se muestra su valor."""
    body = tree.body
    last = body[-1] if body and isinstance(body[-1], ast.Expr) else None
    head = ast.Module(body=body[:-1] if last else body, type_ignores=[])
    exec(compile(head, "<prueba>", "exec"), namespace)  # noqa: S102 - código del instructor
    if last is not None:
        value = eval(compile(ast.Expression(last.value), "<prueba>", "eval"), namespace)  # noqa: S307
        if value is not None:
            namespace["_"] = value
            print(repr(value))


def _error_output(ename: str, evalue: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [f"{ename}: {evalue}"]}


def _exception_output(error: BaseException) -> dict:
    ename = getattr(error, "remote_type", "") or type(error).__name__
    output = _error_output(ename, str(error))
    frames = getattr(error, "frames", None)
    if frames:
        output["cuaderno"] = frames  # líneas del estudiante donde se produjo (para la retroalimentación)
        lines = [f"  {f.get('file')}, línea {f.get('line')}, en {f.get('name')}: {f.get('code')}" for f in frames]
        output["traceback"] = [*lines, f"{ename}: {error}"]
    elif not isinstance(error, StudentException):
        tb = traceback.extract_tb(error.__traceback__)
        tests = [f for f in tb if f.filename == "<prueba>"]
        if tests:
            output["traceback"] = [f"  celda de prueba, línea {tests[-1].lineno}", f"{ename}: {error}"]
    return output


# --- Proceso del juez: servidor de jueces con todo importado -------------------------------------


def trusted_setup(source_nb) -> str:
    """El código de confianza del juez: la celda de preparación y los ``import`` de la lección.

    Se toma del cuaderno *fuente* del instructor (nunca de la entrega): la primera celda de código
    sin metadatos de nbgrader (con las órdenes mágicas de IPython desactivadas) y todas las
    sentencias ``import`` de las demás celdas que no son de solución ni de prueba.
    """
    from IPython.core.inputtransformer2 import TransformerManager

    transformer = TransformerManager()
    parts: list[str] = []
    setup_done = False
    for cell in source_nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("solution") or meta.get("grade"):
            continue
        code = transformer.transform_cell(cell.source)
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        if not setup_done:
            parts.append(code)
            setup_done = True
            continue
        parts += [ast.unparse(s) for s in tree.body if isinstance(s, ast.Import | ast.ImportFrom)]
    return "\n".join(parts)


def modules_to_preload(setup: str) -> list[str]:
    """Los módulos que importa la preparación, torch antes que TensorFlow."""
    found: list[str] = []
    for node in ast.walk(ast.parse(setup)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
        elif isinstance(node, ast.Constant) and node.value in ("tensorflow", "torch"):
            found.append(node.value)
    ordered = sorted(dict.fromkeys(found), key=lambda m: (m.split(".")[0] not in ("torch",), m))
    if any(m.split(".")[0] in ("tensorflow", "keras") for m in ordered):
        ordered.append("keras")
    return list(dict.fromkeys(ordered))


def preload(modules: list[str]) -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    os.environ["TF_NUM_INTRAOP_THREADS"] = os.environ["TF_NUM_INTEROP_THREADS"] = "1"
    import IPython.core.inputtransformer2  # noqa: F401
    import numpy  # noqa: F401

    import shared

    shared.runtime.quiet_logs()
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def serve_connection(conn: socket.socket) -> None:
    """Un juez: atiende las órdenes del calificador (``start``, ``run``) en ``conn`` hasta que se cierre."""
    judge: Judge | None = None
    while True:
        try:
            header, _ = wire.receive(conn)
        except (wire.ConnectionLost, OSError):
            return
        op = header.get("op")
        try:
            if op == "start":
                os.environ.update({str(k): str(v) for k, v in header.get("env", {}).items()})
                uid = header.get("uid")
                judge = Judge(str(header["listen"]), str(header["setup"]), None if uid is None else int(uid))
                answer: dict = {"ok": True}
            elif op == "run" and judge is not None:
                result = judge.run_cell(str(header["source"]), float(header["timeout"]), list(header["propagate"]))
                answer = {
                    "outputs": result.outputs,
                    "timed_out": result.timed_out,
                    "agent_lost": result.agent_lost,
                    "seconds": result.seconds,
                    "requests": result.requests,
                    "agent_seconds": result.agent_seconds,
                }
            else:
                answer = {"error": f"orden desconocida: {op!r}"}
        except Exception as error:  # noqa: BLE001 - se informa al calificador, que lo registra
            answer = {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()[-4000:]}
        wire.send(conn, json.loads(json.dumps(answer, default=str)))


def zygote(socket_path: str, modules: list[str]) -> None:
    """Servidor de jueces: importa una vez; cada conexión es un ``fork()`` (un juez por entrega)."""
    from autograder.sandbox import die_with_parent

    preload(modules)
    die_with_parent()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    os.chmod(socket_path, 0o600)
    server.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while True:
        conn, _ = server.accept()
        if os.fork() == 0:
            try:
                server.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                die_with_parent()
                serve_connection(conn)
            finally:
                os._exit(0)
        conn.close()


if __name__ == "__main__":
    zygote(sys.argv[1], json.loads(sys.argv[2]))
