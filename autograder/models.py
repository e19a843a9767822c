"""Modelos de Keras y PyTorch como datos: configuración y pesos, para copiarlos entre procesos.

Un modelo del estudiante no puede cruzar al juez como objeto (su código se ejecutaría allí), pero
sí su descripción: :func:`describe` la saca (capas, hiperparámetros, pesos, estado del optimizador)
y :func:`rebuild` construye con ella un modelo de confianza, usando solo capas estándar de Keras
o de ``torch.nn`` (lista blanca); :func:`update` lo pone al día en el sitio. Un modelo con capas
propias (una subclase de ``nn.Module``, una capa ``Lambda``) no se describe: se queda en el núcleo
y el juez lo usa a distancia.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

import numpy as np

KERAS_MODULES = (
    "keras",
    "keras.layers",
    "keras.models",
    "keras.optimizers",
    "keras.optimizers.schedules",
    "keras.losses",
    "keras.metrics",
    "keras.activations",
    "keras.initializers",
    "keras.regularizers",
    "keras.constraints",
    "keras.src.models.functional",
    "keras.src.models.sequential",
)
KERAS_DENIED = {"Lambda", "TFSMLayer", "__lambda__"}
KERAS_DATA_TAGS = {"__numpy__", "__tensor__", "__keras_tensor__", "__tuple__", "__typespec__", "__bytes__"}

# Clases de torch.nn que se pueden reconstruir y los atributos que dan sus argumentos.
_CONV = (
    "in_channels",
    "out_channels",
    "kernel_size",
    "stride",
    "padding",
    "dilation",
    "groups",
    "bias",
    "padding_mode",
)
_RNN = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional")
TORCH_ARGS: dict[str, tuple[str, ...]] = {
    "Linear": ("in_features", "out_features", "bias"),
    "Bilinear": ("in1_features", "in2_features", "out_features", "bias"),
    "Conv1d": _CONV,
    "Conv2d": _CONV,
    "ConvTranspose2d": (*_CONV[:-1], "output_padding"),
    "MaxPool1d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "MaxPool2d": ("kernel_size", "stride", "padding", "dilation", "ceil_mode"),
    "AvgPool1d": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"),
    "AvgPool2d": ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"),
    "AdaptiveAvgPool1d": ("output_size",),
    "AdaptiveAvgPool2d": ("output_size",),
    "AdaptiveMaxPool2d": ("output_size",),
    "BatchNorm1d": ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    "BatchNorm2d": ("num_features", "eps", "momentum", "affine", "track_running_stats"),
    "LayerNorm": ("normalized_shape", "eps", "elementwise_affine"),
    "Dropout": ("p",),
    "Dropout1d": ("p",),
    "Dropout2d": ("p",),
    "ReLU": (),
    "ReLU6": (),
    "Tanh": (),
    "Sigmoid": (),
    "Identity": (),
    "GELU": ("approximate",),
    "SiLU": (),
    "Softplus": ("beta", "threshold"),
    "ELU": ("alpha",),
    "LeakyReLU": ("negative_slope",),
    "Softmax": ("dim",),
    "LogSoftmax": ("dim",),
    "Flatten": ("start_dim", "end_dim"),
    "Unflatten": ("dim", "unflattened_size"),
    "Embedding": ("num_embeddings", "embedding_dim", "padding_idx"),
    "RNN": (*_RNN, "nonlinearity"),
    "LSTM": (*_RNN, "proj_size"),
    "GRU": _RNN,
    "Upsample": ("size", "scale_factor", "mode"),
    "Sequential": (),
    "ModuleList": (),
    "ModuleDict": (),
    "MSELoss": ("reduction",),
    "L1Loss": ("reduction",),
    "HuberLoss": ("reduction", "delta"),
    "SmoothL1Loss": ("reduction", "beta"),
    "BCELoss": ("reduction",),
    "BCEWithLogitsLoss": ("reduction",),
    "CrossEntropyLoss": ("reduction", "ignore_index", "label_smoothing"),
    "NLLLoss": ("reduction", "ignore_index"),
}
TORCH_OPTIMIZERS = ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam")
CONTAINERS = {"Sequential", "ModuleList", "ModuleDict"}
MAX_PARAMETERS = 50_000_000
# Callbacks de Keras que son pura configuración: viajan como sus argumentos.
KERAS_CALLBACKS = {
    "EarlyStopping": (
        "monitor",
        "min_delta",
        "patience",
        "verbose",
        "mode",
        "baseline",
        "restore_best_weights",
        "start_from_epoch",
    ),
    "ReduceLROnPlateau": ("monitor", "factor", "patience", "verbose", "mode", "min_delta", "cooldown", "min_lr"),
}


class NotDescribable(ValueError):
    """El modelo tiene piezas que no están en la lista blanca."""


# --- Qué es un modelo -------------------------------------------------------------------------


def kind_of(obj: Any) -> str | None:
    """``"keras"``, ``"keras_callback"``, ``"torch"`` o ``None``, sin importar ningún framework."""
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(obj, keras.Model):
        return "keras"
    if keras is not None and type(obj) in [getattr(keras.callbacks, name, None) for name in KERAS_CALLBACKS]:
        return "keras_callback"
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(obj, torch.nn.Module):
        return "torch"
    return None


def describe(obj: Any) -> dict:
    """La descripción (solo datos) de un modelo de Keras o PyTorch.

    Raises:
        NotDescribable: si no es un modelo o tiene piezas fuera de la lista blanca.
    """
    kind = kind_of(obj)
    if kind == "keras":
        return _describe_keras(obj)
    if kind == "torch":
        return _describe_torch(obj)
    if kind == "keras_callback":
        name = type(obj).__name__
        return {"kind": kind, "cls": name, "args": {a: getattr(obj, a) for a in KERAS_CALLBACKS[name]}}
    raise NotDescribable(type(obj).__name__)


def fingerprint(desc: dict) -> str:
    """Huella de una descripción, para no reenviar lo que no cambió."""
    digest = hashlib.blake2b(digest_size=16)
    for key in sorted(desc):
        value = desc[key]
        arrays = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
        for item in arrays:
            digest.update(item.tobytes() if isinstance(item, np.ndarray) else repr(item).encode())
    return digest.hexdigest()


def rebuild(desc: dict) -> Any:
    """Un modelo de confianza construido a partir de ``desc`` (validada)."""
    if desc.get("kind") == "keras":
        model = _rebuild_keras(desc)
    elif desc.get("kind") == "torch":
        model = _build_torch(desc["tree"])
    elif desc.get("kind") == "keras_callback":
        import keras

        args = desc.get("args", {})
        if desc.get("cls") not in KERAS_CALLBACKS or set(args) != set(KERAS_CALLBACKS[desc["cls"]]):
            raise NotDescribable("callback no permitido")
        if not all(map(_plain_arg, args.values())):
            raise NotDescribable("argumentos no válidos")
        return getattr(keras.callbacks, desc["cls"])(**args)
    else:
        raise NotDescribable(f"tipo de modelo desconocido: {desc.get('kind')!r}")
    update(model, desc)
    return model


def update(model: Any, desc: dict) -> Any:
    """Pone ``model`` al día con ``desc`` en el sitio: pesos, optimizador y modo.

    Un módulo de PyTorch cuya estructura cambió (p. ej. otra cabeza) se reconstruye conservando el
    objeto; en Keras, quien llama compara ``desc["config"]`` y usa :func:`rebuild` si cambió.

    Raises:
        NotDescribable: si los pesos no encajan en el modelo.
    """
    if desc.get("kind") == "keras":
        return _update_keras(model, desc)
    if desc.get("kind") == "keras_callback":
        for name, value in desc["args"].items():
            setattr(model, name, value)
        return model
    return _update_torch(model, desc)


# --- Keras ------------------------------------------------------------------------------------


def _keras_config(model) -> dict:
    import keras

    return json.loads(json.dumps(keras.saving.serialize_keras_object(model)))


def check_keras_config(node: Any, depth: int = 0) -> None:
    """Solo clases de los módulos públicos de Keras, y nunca ``Lambda`` (código) ni ``TFSMLayer``."""
    if depth > 200:
        raise NotDescribable("configuración demasiado profunda")
    if isinstance(node, list):
        for item in node:
            check_keras_config(item, depth + 1)
        return
    if not isinstance(node, dict):
        return
    name = node.get("class_name")
    if name is not None:
        module = node.get("module")
        if name in KERAS_DENIED:
            raise NotDescribable(f"capa no permitida: {name}")
        if name not in KERAS_DATA_TAGS and module not in KERAS_MODULES:
            raise NotDescribable(f"módulo no permitido: {module}.{name}")
        if node.get("registered_name") not in (None, name):
            raise NotDescribable(f"objeto registrado a medida: {node.get('registered_name')}")
    for value in node.values():
        check_keras_config(value, depth + 1)


def _describe_keras(model) -> dict:
    config = _keras_config(model)
    check_keras_config(config)
    if model.count_params() > MAX_PARAMETERS:
        raise NotDescribable("modelo demasiado grande")
    optimizer = getattr(model, "optimizer", None)
    state = [np.asarray(v) for v in optimizer.variables] if optimizer is not None and optimizer.built else []
    return {
        "kind": "keras",
        "config": json.dumps(config),
        "weights": [np.asarray(w) for w in model.get_weights()],
        "optimizer": state,
        "stop_training": bool(getattr(model, "stop_training", False)),
    }


def _rebuild_keras(desc: dict):
    import keras

    config = json.loads(desc["config"])
    check_keras_config(config)
    return keras.saving.deserialize_keras_object(config, safe_mode=True)


def _update_keras(model, desc: dict):
    weights = [np.asarray(w) for w in desc["weights"]]
    if [w.shape for w in weights] != [tuple(w.shape) for w in model.weights]:
        raise NotDescribable("los pesos no encajan en el modelo")
    model.set_weights(weights)
    optimizer = getattr(model, "optimizer", None)
    if desc["optimizer"] and optimizer is not None:
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        if [tuple(v.shape) for v in optimizer.variables] == [np.shape(a) for a in desc["optimizer"]]:
            for variable, value in zip(optimizer.variables, desc["optimizer"], strict=True):
                variable.assign(value)
    model.stop_training = bool(desc["stop_training"])
    return model


# --- PyTorch ----------------------------------------------------------------------------------


def _torch_tree(module) -> dict:
    import torch

    name = type(module).__name__
    if name not in TORCH_ARGS or getattr(torch.nn, name, None) is not type(module):
        raise NotDescribable(f"módulo no estándar: {type(module).__qualname__}")
    args = {}
    for attr in TORCH_ARGS[name]:
        value = getattr(module, attr)
        if attr == "bias" and not isinstance(value, bool):
            value = value is not None
        if isinstance(value, list):
            value = tuple(value)
        args[attr] = value
    children = [[child_name, _torch_tree(child)] for child_name, child in module.named_children()]
    if children and name not in CONTAINERS:
        raise NotDescribable(f"{name} con submódulos")
    return {"cls": name, "args": args, "children": children}


def _describe_torch(module) -> dict:
    tree = _torch_tree(module)
    params = dict(module.named_parameters(remove_duplicate=False))
    if sum(p.numel() for p in params.values()) > MAX_PARAMETERS:
        raise NotDescribable("modelo demasiado grande")
    return {
        "kind": "torch",
        "tree": tree,
        "params": {n: p.detach().cpu().numpy() for n, p in params.items()},
        "requires_grad": {n: bool(p.requires_grad) for n, p in params.items()},
        "buffers": {n: b.detach().cpu().numpy() for n, b in module.named_buffers()},
        "training": {n or ".": bool(m.training) for n, m in module.named_modules()},
    }


def _plain_arg(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return not isinstance(value, str) or len(value) < 32
    return isinstance(value, tuple | list) and len(value) <= 8 and all(_plain_arg(v) for v in value)


def _build_torch(tree: Any):
    import torch

    if not isinstance(tree, dict) or tree.get("cls") not in TORCH_ARGS:
        raise NotDescribable("módulo de PyTorch no permitido")
    name, args, children = tree["cls"], tree.get("args", {}), tree.get("children", [])
    if not isinstance(args, dict) or set(args) - set(TORCH_ARGS[name]) or not all(map(_plain_arg, args.values())):
        raise NotDescribable(f"argumentos no válidos para {name}")
    cls = getattr(torch.nn, name)
    if name in CONTAINERS:
        module = cls()
        for child_name, child in children:
            module.add_module(str(child_name), _build_torch(child))
        return module
    if children:
        raise NotDescribable(f"{name} con submódulos")
    return cls(**args)


def _update_torch(module, desc: dict):
    import torch

    if _torch_tree(module) != desc["tree"]:
        fresh = _build_torch(desc["tree"])
        module.__class__ = fresh.__class__
        module.__dict__.clear()
        module.__dict__.update(fresh.__dict__)
    params = dict(module.named_parameters(remove_duplicate=False))
    buffers = dict(module.named_buffers())
    if set(params) != set(desc["params"]) or set(buffers) != set(desc["buffers"]):
        raise NotDescribable("los parámetros no encajan en el modelo")
    with torch.no_grad():
        for name, value in desc["params"].items():
            value = torch.as_tensor(np.asarray(value))
            if params[name].shape != value.shape:
                raise NotDescribable(f"forma distinta en {name}")
            params[name].data = value.to(params[name].device).clone()
            params[name].requires_grad_(bool(desc["requires_grad"][name]))
        for name, value in desc["buffers"].items():
            buffers[name].data = torch.as_tensor(np.asarray(value)).to(buffers[name].device).clone()
    for name, child in module.named_modules():
        child.training = bool(desc["training"].get(name or ".", child.training))
    return module


# --- Optimizadores de PyTorch -----------------------------------------------------------------


def describe_optimizer(optimizer, owner_of) -> dict:
    """Un optimizador de ``torch.optim`` como datos: clase, grupos (cada parámetro como
    ``(dueño, nombre)``, con ``owner_of(param)`` que da el dueño) y su ``state_dict``.

    Raises:
        NotDescribable: si no es de la lista blanca o un parámetro no tiene dueño conocido.
    """
    import torch

    name = type(optimizer).__name__
    if name not in TORCH_OPTIMIZERS or getattr(torch.optim, name, None) is not type(optimizer):
        raise NotDescribable(f"optimizador no estándar: {type(optimizer).__qualname__}")
    groups = []
    for group in optimizer.param_groups:
        params = []
        for param in group["params"]:
            owner = owner_of(param)
            if owner is None:
                raise NotDescribable("el optimizador usa parámetros de un modelo que no viaja con él")
            params.append(owner)
        hyper = {k: v for k, v in group.items() if k != "params" and _plain_arg(v)}
        groups.append({"params": params, "hyper": hyper})
    state = optimizer.state_dict()
    return {"cls": name, "groups": groups, "state": {"state": state["state"], "param_groups": state["param_groups"]}}


def rebuild_optimizer(desc: dict, parameter):
    """Un optimizador nuevo sobre los parámetros que da ``parameter(dueño)``, con el estado de ``desc``."""
    import torch

    if desc.get("cls") not in TORCH_OPTIMIZERS:
        raise NotDescribable("optimizador no permitido")
    groups = []
    for group in desc["groups"]:
        hyper = group.get("hyper", {})
        if not all(map(_plain_arg, hyper.values())):
            raise NotDescribable("hiperparámetros no válidos")
        groups.append({"params": [parameter(owner) for owner in group["params"]], **hyper})
    optimizer = getattr(torch.optim, desc["cls"])(groups)
    optimizer.load_state_dict(desc["state"])
    return optimizer


def parameter_owners(modules: dict) -> dict[int, tuple]:
    """``id(parámetro) -> (clave del módulo, nombre del parámetro)`` de los módulos dados."""
    owners = {}
    for key, module in modules.items():
        for name, param in module.named_parameters(remove_duplicate=False):
            owners.setdefault(id(param), (key, name))
    return owners
