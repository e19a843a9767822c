"""Agente del juez dentro del núcleo del estudiante: da acceso a sus objetos, sin juzgar nada.

El lanzador del núcleo (:mod:`autograder.sandbox`) arranca :func:`start` antes de que se ejecute
ninguna celda: un hilo que escucha en un socket Unix de la carpeta de trabajo. Por él, el juez
(:mod:`autograder.judge`) pide nombres del cuaderno, atributos, llamadas a funciones del
estudiante, elementos, iteraciones… y recibe datos (:mod:`autograder.wire`): números, arreglos,
tensores, modelos como configuración y pesos (:mod:`autograder.models`), o una referencia
(``ref``) a lo que no es un dato.

Nada de lo que hay aquí es de confianza una vez que el estudiante ejecuta código: puede cambiar
este módulo, el hilo o el socket. Solo cambiaría lo que el juez recibe, que ya trata como
resultado del estudiante: las pruebas, los valores esperados y la comparación viven en el juez.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import itertools
import os
import socket
import sys
import threading
import time
import traceback
import types
from typing import Any

from autograder import models, wire

SOCKET_NAME = "juez.sock"
MAX_ITEMS = 100_000
MAX_OUTPUT = 100_000
STACK_SIZE = 64 << 20


def start(shell, path: str) -> threading.Thread:
    """Se conecta al juez (que escucha en ``path``) y lo atiende en un hilo propio.

    Se llama antes de que corra ninguna celda: la primera conexión que acepta el juez es esta.
    """
    agent = Agent(shell)
    previous = threading.stack_size(STACK_SIZE)
    try:
        thread = threading.Thread(target=agent.serve, args=(path,), name="agente-del-juez", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    return thread


class _Callback:
    """Una función del juez, llamable desde el código del estudiante (la ejecuta el juez)."""

    def __init__(self, agent: Agent, cid: int) -> None:
        self.agent, self.cid = agent, cid

    def __call__(self, *args, **kwargs):
        return self.agent.callback(self.cid, args, kwargs)


class RemoteCallbackError(Exception):
    """La función del juez lanzó una excepción (se reconstruye con su tipo si es de Python)."""


class Agent:
    """Registro de objetos compartidos con el juez y las operaciones que este puede pedir."""

    def __init__(self, shell) -> None:
        self.shell = shell
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}
        self.mirrors: dict[int, str] = {}  # id -> huella de lo último enviado
        self.conn: socket.socket | None = None
        self.built: dict[str, int] = {}
        self.rngs: dict[str, Any] = {}

    # --- Conexión ---

    def serve(self, path: str) -> None:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(600):
            try:
                conn.connect(path)
                break
            except OSError:
                time.sleep(0.05)
        else:
            return
        self.conn = conn
        try:
            while True:
                header, buffers = wire.receive(conn)
                self.reply(header, buffers)
        except (OSError, wire.WireError, ValueError):
            pass
        finally:
            conn.close()

    def reply(self, header: dict, buffers: list[bytes]) -> None:
        started = time.perf_counter()
        self.built, self.rngs, self.prebuilt, self.copyout = {}, {}, {}, {}
        writer = wire.Writer(self._encode_other)
        answer: dict[str, Any] = {}
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                reader = wire.Reader(buffers, self._hooks())
                for tid, node in (header.get("prebuild") or {}).items():
                    desc = reader.read(node)
                    obj = models.rebuild(desc)
                    rid = self.register(obj)
                    self.mirrors[rid] = models.fingerprint(desc)
                    self.built[str(tid)] = rid
                    self.prebuilt[str(tid)] = obj
                value = self.handle(header, reader)
            answer["value"] = writer.write(value)
        except BaseException as error:  # noqa: BLE001 - todo error del estudiante vuelve al juez
            answer["error"] = describe_error(error)
        if header.get("op") in MUTATING:
            answer["sync"] = self._changed_mirrors(writer)
        if self.built:
            answer["built"] = self.built
        if self.rngs:
            answer["rngs"] = {tid: writer.write(g.bit_generator.state) for tid, g in self.rngs.items()}
        if self.copyout:
            answer["copyout"] = {tid: writer.write(_state_of(obj)) for tid, obj in self.copyout.items()}
        text = output.getvalue()
        if text:
            answer["out"] = text[:MAX_OUTPUT]
        answer["t"] = time.perf_counter() - started
        wire.send(self.conn, answer, writer.buffers)

    def callback(self, cid: int, args: tuple, kwargs: dict) -> Any:
        """Pide al juez que ejecute su función ``cid`` y espera el resultado (atendiendo lo que pida)."""
        writer = wire.Writer(self._encode_other)
        request = {"op": "callback", "id": cid, "args": writer.write(list(args)), "kwargs": writer.write(kwargs)}
        wire.send(self.conn, request, writer.buffers)
        while True:
            header, buffers = wire.receive(self.conn)
            if header.get("op") == "callback_result":
                return wire.Reader(buffers, self._hooks()).read(header.get("value"))
            if header.get("op") == "callback_error":
                raise rebuild_error(header.get("error", {}))
            self.reply(header, buffers)

    # --- Operaciones ---

    def handle(self, header: dict, reader: wire.Reader) -> Any:  # noqa: C901 - una rama por operación
        op = header.get("op")
        if op == "hello":
            return {"pid": os.getpid()}
        if op == "lookup":
            namespace = self.shell.user_ns
            return {name: namespace[name] for name in header.get("names", []) if name in namespace}
        if op == "assign":
            values = reader.read(header.get("values"))
            for name, value in values.items():
                self.shell.user_ns[str(name)] = value
            return None
        if op == "module_call":
            module = sys.modules.get(str(header.get("module")))
            if module is None:
                return None
            function = module
            for part in str(header.get("path")).split("."):
                function = getattr(function, part)
            return function(*reader.read(header.get("args")), **reader.read(header.get("kwargs")))
        target = self.objects[int(header["ref"])]
        if op == "getattr":
            return getattr(target, str(header["name"]))
        if op == "setattr":
            setattr(target, str(header["name"]), reader.read(header.get("value")))
            return None
        if op == "call":
            return target(*reader.read(header.get("args")), **reader.read(header.get("kwargs")))
        if op == "getitem":
            return target[reader.read(header.get("key"))]
        if op == "setitem":
            target[reader.read(header.get("key"))] = reader.read(header.get("value"))
            return None
        if op == "iter":
            items = list(itertools.islice(iter(target), MAX_ITEMS + 1))
            if len(items) > MAX_ITEMS:
                raise ValueError(f"más de {MAX_ITEMS} elementos")
            return items
        if op == "next":
            return next(target)
        if op == "value":
            return as_data(target)
        if op in UNARY:
            return UNARY[op](target)
        if op == "contains":
            return reader.read(header.get("item")) in target
        if op == "enter":
            return target.__enter__()
        if op == "exit":
            return target.__exit__(None, None, None)
        raise ValueError(f"operación desconocida: {op!r}")

    # --- Codificación ---

    def register(self, obj: Any) -> int:
        key = id(obj)
        rid = self.ids.get(key)
        if rid is None or self.objects.get(rid) is not obj:
            rid = len(self.objects) + 1
            self.objects[rid] = obj
            self.ids[key] = rid
        return rid

    def _encode_other(self, obj: Any, writer: wire.Writer) -> Any:
        torch = sys.modules.get("torch")
        if torch is not None:
            if isinstance(obj, torch.Tensor):
                data = obj.detach().cpu()
                if data.dtype == torch.bfloat16:
                    data = data.float()
                return writer.array(data.numpy(), **{"$t": "tensor", "grad": bool(obj.requires_grad)})
            if isinstance(obj, torch.device):
                return {"$t": "device", "v": str(obj)}
            if isinstance(obj, torch.dtype):
                return {"$t": "tdtype", "v": str(obj).replace("torch.", "")}
        if models.kind_of(obj):
            try:
                desc = models.describe(obj)
            except Exception:  # noqa: BLE001 - sin descripción, viaja como referencia
                desc = None
            if desc is not None:
                rid = self.register(obj)
                self.mirrors[rid] = models.fingerprint(desc)
                return {"$t": "mirror", "id": rid, "desc": writer.write(desc), **self._type_info(obj)}
        return {"$t": "ref", "id": self.register(obj), **self._type_info(obj)}

    @staticmethod
    def _type_info(obj: Any) -> dict:
        names = [f"{c.__module__}.{c.__qualname__}" for c in type(obj).__mro__][:30]
        info = {"types": names, "callable": callable(obj)}
        if isinstance(obj, types.ModuleType):
            info["module"] = obj.__name__
        return info

    def _changed_mirrors(self, writer: wire.Writer) -> dict:
        changed = {}
        for rid, old in list(self.mirrors.items()):
            try:
                desc = models.describe(self.objects[rid])
            except Exception:  # noqa: BLE001
                continue
            new = models.fingerprint(desc)
            if new != old:
                self.mirrors[rid] = new
                changed[str(rid)] = writer.write(desc)
        return changed

    def _hooks(self) -> dict:
        def ref(node, reader):
            obj = self.objects[int(node["id"])]
            if "push" in node:  # el juez cambió su copia del modelo: se aplica aquí antes de usarlo
                desc = reader.read(node["push"])
                models.update(obj, desc)
                self.mirrors[int(node["id"])] = models.fingerprint(desc)
            return obj

        def build(node, reader):
            if "desc" not in node:
                return self.prebuilt[str(node["tid"])]
            desc = reader.read(node["desc"])
            obj = models.rebuild(desc)
            rid = self.register(obj)
            self.mirrors[rid] = models.fingerprint(desc)
            self.built[str(node["tid"])] = rid
            return obj

        def tensor(node, reader):
            import torch

            value = torch.from_numpy(reader.array(node))
            return value.requires_grad_(bool(node.get("grad"))) if value.is_floating_point() else value

        def rng(node, reader):
            import numpy as np

            kind = str(node.get("kind"))
            if kind not in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"):
                raise wire.WireError(f"generador desconocido: {kind}")
            generator = np.random.Generator(getattr(np.random, kind)())
            generator.bit_generator.state = reader.read(node["state"])
            self.rngs[str(node["tid"])] = generator
            return generator

        def parameter(owner):
            kind, key, name = owner
            module = self.objects[int(key)] if kind == "ref" else self.prebuilt[str(key)]
            return dict(module.named_parameters(remove_duplicate=False))[str(name)]

        def optim(node, reader):
            optimizer = models.rebuild_optimizer(reader.read(node["desc"]), parameter)
            self.copyout[str(node["tid"])] = optimizer
            return optimizer

        def tgen(node, reader):
            import torch

            generator = torch.Generator()
            generator.set_state(torch.from_numpy(reader.array(node["state"])))
            self.copyout[str(node["tid"])] = generator
            return generator

        def tensordataset(node, reader):
            from torch.utils.data import TensorDataset

            return TensorDataset(*[reader.read(t) for t in node["tensors"]])

        def loader(node, reader):
            from torch.utils.data import DataLoader

            generator = reader.read(node["generator"]) if node.get("generator") is not None else None
            return DataLoader(
                reader.read(node["dataset"]),
                batch_size=node.get("batch_size"),
                shuffle=bool(node.get("shuffle")),
                drop_last=bool(node.get("drop_last")),
                generator=generator,
            )

        def module(node, _reader):
            return importlib.import_module(str(node["name"]))

        def device(node, _reader):
            import torch

            return torch.device(str(node["v"]))

        def tdtype(node, _reader):
            import torch

            return getattr(torch, str(node["v"]))

        return {
            "ref": ref,
            "build": build,
            "cb": lambda node, _r: _Callback(self, int(node["id"])),
            "tensor": tensor,
            "rng": rng,
            "optim": optim,
            "tgen": tgen,
            "tensordataset": tensordataset,
            "loader": loader,
            "module": module,
            "device": device,
            "tdtype": tdtype,
        }


MUTATING = {"call", "setattr", "setitem", "module_call", "iter", "next", "enter", "exit", "assign"}
UNARY = {"len": len, "bool": bool, "repr": repr, "str": str}


def _state_of(obj: Any) -> Any:
    """Lo que vuelve al juez de un objeto que copió: el estado de un optimizador o de un generador."""
    import torch

    if isinstance(obj, torch.Generator):
        return obj.get_state().numpy()
    return obj.state_dict()


def as_data(obj: Any) -> Any:
    """El valor de ``obj`` como dato (p. ej. una variable de Keras como arreglo), o ``TypeError``."""
    import numpy as np

    writer = wire.Writer(lambda o, w: (_ for _ in ()).throw(TypeError(type(o).__name__)))
    try:
        writer.write(obj)
        return obj
    except TypeError:
        pass
    array = np.asarray(obj)
    if array.dtype.kind not in wire.ARRAY_KINDS:
        raise TypeError(f"un objeto {type(obj).__name__} no es un dato (número, texto o arreglo)")
    return array


def _is_notebook_frame(filename: str) -> bool:
    return filename.startswith("<ipython-input-") or "/ipykernel_" in filename or filename.startswith("<cell")


def describe_error(error: BaseException) -> dict:
    """Tipo, mensaje y las líneas del cuaderno (celdas, no bibliotecas) donde se produjo."""
    frames = [
        {"file": f.filename, "line": f.lineno, "name": f.name, "code": (f.line or "")[:300]}
        for f in traceback.extract_tb(error.__traceback__)
        if _is_notebook_frame(f.filename)
    ]
    return {
        "type": type(error).__name__,
        "bases": [c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins"][:10],
        "message": str(error)[:4000],
        "frames": frames[-5:],
    }


def rebuild_error(info: dict) -> BaseException:
    """Una excepción de este lado con el tipo (de Python) que tenía al otro lado."""
    import builtins

    for name in info.get("bases", []):
        cls = getattr(builtins, str(name), None)
        if isinstance(cls, type) and issubclass(cls, Exception):
            return type(str(info.get("type", name)), (cls, RemoteCallbackError), {})(info.get("message", ""))
    return RemoteCallbackError(info.get("message", ""))
