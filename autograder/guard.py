"""Restauración de los módulos prístinos antes de cada celda de prueba, dentro del núcleo.

El lanzador del núcleo (:mod:`autograder.sandbox`) llama a :func:`install` antes de que se ejecute
código del estudiante: guarda una copia de los diccionarios de ``numpy``, ``shared``, ``builtins``
y de las clases del intérprete (IPython/ipykernel). El calificador antepone a cada celda de prueba
la línea :data:`RESTORE_LINE`, que devuelve todo a ese estado: así una celda del estudiante que
haga ``shared.check_close = lambda *a, **k: None`` o ``np.allclose = lambda *a, **k: True`` no
aprueba las pruebas.

Es una defensa dentro del mismo proceso: frena las trampas habituales, no a quien ataque este
mismo mecanismo. Lo que protege de verdad las notas es que el núcleo no puede leer ni escribir el
libro de notas (otro usuario, montajes privados: :mod:`autograder.sandbox`).
"""

from __future__ import annotations

import builtins
import contextlib
import sys

RESTORE_NAME = "__autograder_restaurar__"
RESTORE_LINE = f"{RESTORE_NAME}()  # calificador: restaura numpy y shared\n"
GUARD_MARK = "[calificador] restaurado:"
# Nombres de builtins que IPython cambia por su cuenta mientras ejecuta una celda.
IPYTHON_BUILTINS = {"exit", "quit", "get_ipython", "display", "input", "raw_input", "getpass", "_", "__", "___"}

PROTECTED_PREFIXES = ("numpy", "shared", "builtins", "math")
# Alias con los que los cuadernos usan los módulos protegidos.
ALIASES = {"np": "numpy", "numpy": "numpy", "shared": "shared", "math": "math"}
_MISSING = object()


def _protected(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in PROTECTED_PREFIXES)


def _python_classes(obj) -> list[type]:
    return [cls for cls in type(obj).__mro__ if cls is not object and hasattr(cls, "__dict__") and cls.__module__]


def install(shell) -> None:
    """Guarda el estado prístino y publica la función de restauración en ``builtins``."""
    import numpy  # noqa: F401 - se guardan tal como están al empezar

    import shared  # noqa: F401

    setattr(builtins, RESTORE_NAME, None)  # que la copia de builtins ya tenga el nombre
    modules = {name: m for name, m in list(sys.modules.items()) if m is not None and _protected(name)}
    module_dicts = {name: (m, dict(vars(m))) for name, m in modules.items()}
    classes = []
    for owner in (shell, getattr(shell, "kernel", None), getattr(shell, "displayhook", None)):
        if owner is not None:
            classes += [(cls, dict(cls.__dict__)) for cls in _python_classes(owner)]
    shell_attrs = set(vars(shell))
    hooks = {"excepthook": sys.excepthook, "displayhook": sys.displayhook}

    def restore() -> None:
        changed = []
        sys.settrace(None)
        sys.setprofile(None)
        for name, value in hooks.items():
            setattr(sys, name, value)
        for name, (module, saved) in module_dicts.items():
            if sys.modules.get(name) is not module:
                changed.append(f"sys.modules[{name!r}]")
                sys.modules[name] = module
            current = vars(module)
            for key, value in saved.items():
                if current.get(key, _MISSING) is not value and not (name == "builtins" and key in IPYTHON_BUILTINS):
                    current[key] = value
                    changed.append(f"{name}.{key}")
        for cls, saved in classes:
            for key in list(cls.__dict__):
                if key not in saved:
                    with contextlib.suppress(AttributeError, TypeError):
                        delattr(cls, key)
            for key, value in saved.items():
                if cls.__dict__.get(key, _MISSING) is not value:
                    changed.append(f"{cls.__name__}.{key}")
                    with contextlib.suppress(AttributeError, TypeError):
                        setattr(cls, key, value)
        for key in list(vars(shell)):
            if key not in shell_attrs and callable(getattr(type(shell), key, None)):
                changed.append(f"get_ipython().{key}")
                with contextlib.suppress(AttributeError):
                    delattr(shell, key)
        namespace = shell.user_ns
        for alias, module in ALIASES.items():
            if alias in namespace and module in modules and namespace[alias] is not modules[module]:
                namespace[alias] = modules[module]
                changed.append(alias)
        if changed:
            print(GUARD_MARK, ", ".join(changed[:20]))

    setattr(builtins, RESTORE_NAME, restore)
    module_dicts["builtins"][1][RESTORE_NAME] = restore
