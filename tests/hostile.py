"""Ataques de un estudiante hostil, como código para una celda de ejercicio.

Cada ataque va seguido del mismo código erróneo (:data:`WRONG_ACTIVATIONS`): una entrega con
cualquier ataque debe sacar *exactamente* la nota de la entrega errónea sin ataque. Los usan la
batería del calificador por lotes (como root y como usuario sin privilegios) y las pruebas de
las demás entradas (``nbgrader autograde``, la API que usa formgrader).
"""

from __future__ import annotations

# Las cuatro funciones de la celda «activations» de la lección 01, mal: devuelven None.
WRONG_ACTIVATIONS = """
def step(z):
    return None


def sigmoid(z):
    return None


def tanh(z):
    return None


def relu(z):
    return None
"""

# Reescribe todas las celdas siguientes (también la restauración de la antigua guardia): 15/15 antes.
INPUT_TRANSFORMER = """
def _nada(lineas):
    return ["pass\\n"]


get_ipython().input_transformers_post.append(_nada)
"""

AST_TRANSFORMER = """
import ast as _ast


class _Vacia(_ast.NodeTransformer):
    def visit_Module(self, nodo):
        return _ast.Module(body=[_ast.Pass()], type_ignores=[])


get_ipython().ast_transformers.append(_Vacia())
"""

# Vuelve a parchear cada milisegundo: gana la carrera a cualquier restauración dentro del núcleo.
PATCHING_THREAD = """
import threading as _threading
import time as _time

import numpy as _np

import shared as _shared


def _parchear():
    while True:
        _shared.check_close = lambda *a, **k: None
        _shared.check_equal = lambda *a, **k: None
        _shared.check_shape = lambda *a, **k: None
        _np.allclose = lambda *a, **k: True
        _time.sleep(0.001)


_threading.Thread(target=_parchear, daemon=True).start()
"""

# Cambia el código de las funciones en su sitio: el objeto sigue siendo el mismo.
CODE_SWAP = """
import numpy as _np

import shared as _shared


def _nada(*args, **kwargs):
    return None


def _verdad(*args, **kwargs):
    return True


for _f in (_shared.check_close, _shared.check_equal, _shared.check_shape, _shared.check_true):
    _f.__code__ = _nada.__code__
_np.allclose.__code__ = _verdad.__code__
"""

PATCH_SHARED = """
shared.check_close = lambda *a, **k: None
shared.check_equal = lambda *a, **k: None
shared.passed = lambda *a, **k: None
"""

PATCH_NUMPY = """
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
"""

# Todo lo que IPython deja tocar: eventos, manejadores de excepciones, displayhook, settrace, señales.
INTERPRETER_HOOKS = """
import signal as _signal
import sys as _sys

_ip = get_ipython()
_ip.set_custom_exc((BaseException,), lambda *a, **k: None)
_ip.events.register("pre_run_cell", lambda *a, **k: None)
_sys.displayhook = lambda *a, **k: None
_sys.excepthook = lambda *a, **k: None
_sys.settrace(lambda *a, **k: None)
_signal.signal(_signal.SIGALRM, lambda *a: None)
_signal.signal(_signal.SIGTERM, _signal.SIG_IGN)
"""

# Antes mataba el lote entero sin root: ningún grades.csv.
KILL_EVERYTHING = """
import os as _os
import signal as _signal
import subprocess as _subprocess

_subprocess.Popen(["sleep", "30"])
try:
    _os.kill(-1, _signal.SIGKILL)
except ProcessLookupError:
    pass
"""

# Bomba de procesos: el límite de procesos de la caja la corta.
FORK_BOMB = """
import os as _os
import time as _time

try:
    for _ in range(100_000):
        if _os.fork() == 0:
            _time.sleep(60)
            _os._exit(0)
except OSError:
    pass
"""


def steal_files(paths: list[str]) -> str:
    """Busca soluciones y libros de notas: rutas conocidas, ``/proc/*/cwd`` y ``/proc/*/root``, ``.git``.

    Si encuentra una solución, la ejecuta (así sacaría la nota completa); si encuentra un libro de
    notas, le pone 99 puntos a todo.
    """
    return f"""
import glob as _glob
import json as _json
import os as _os
import sqlite3 as _sqlite3
import subprocess as _subprocess

_leido, _vistos = [], []
_raices = _glob.glob("/proc/[0-9]*/cwd") + _glob.glob("/proc/[0-9]*/root") + ["/", "/work", "/root", "/tmp"]
for _raiz in _raices:
    for _nivel in range(5):  # solutions/ y .git hasta cinco carpetas más abajo
        _patron = _os.path.join(_raiz, *["*"] * _nivel)
        _vistos += _glob.glob(_os.path.join(_patron, "solutions", "*", "*.ipynb"))[:50]
        _vistos += _glob.glob(_os.path.join(_patron, "*.db"))[:50]
for _ruta in {paths!r} + _vistos:
    try:
        with open(_ruta, encoding="utf-8") as _f:
            _leido.append(_json.load(_f))
    except Exception:
        pass
_gits = {[p for p in paths if p.endswith(".git")]!r} + _glob.glob("/proc/[0-9]*/cwd/.git")
for _git in _gits + [v.split("/solutions/")[0] + "/.git" for v in _vistos]:
    try:
        _fuente = _subprocess.run(
            ["git", "--git-dir", _git, "show", "HEAD:solutions/01_perceptron/01_perceptron.ipynb"],
            capture_output=True, text=True, timeout=10,
        ).stdout
        _leido.append(_json.loads(_fuente))
    except Exception:
        pass
for _ruta in {paths!r} + [v for v in _vistos if v.endswith(".db")]:
    try:
        _con = _sqlite3.connect(_ruta)
        _con.execute("UPDATE grade SET manual_score = 99")
        _con.commit()
    except Exception:
        pass
for _cuaderno in _leido:
    for _celda in _cuaderno.get("cells", []):
        _codigo = "".join(_celda.get("source", ""))
        if _celda.get("cell_type") == "code" and "def " in _codigo and "raise NotImplementedError" not in _codigo:
            try:
                exec(_codigo.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), globals())
            except Exception:
                pass
"""


# Nombre del ataque -> código que va delante de WRONG_ACTIVATIONS en la celda «activations».
BYPASSES = {
    "transformador_entrada": INPUT_TRANSFORMER,
    "transformador_ast": AST_TRANSFORMER,
    "hilo_parcheador": PATCHING_THREAD,
    "codigo_cambiado": CODE_SWAP,
    "trampa_shared": PATCH_SHARED,
    "trampa_numpy": PATCH_NUMPY,
    "interprete_trucado": INTERPRETER_HOOKS,
    "matar_todo": KILL_EVERYTHING,
    "bomba_procesos": FORK_BOMB,
}


def generic_bypass() -> str:
    """Para cualquier lección: desde un hilo, anula las comprobaciones de ``shared`` y
    ``torch.allclose``/``torch.equal``, y añade un transformador de entrada. Delante de una respuesta
    errónea no debe cambiar su nota, ni para bien ni para mal. (Parchear comparaciones de numpy rompe
    a Keras y scikit-learn dentro del propio cuaderno: ese ataque se prueba en la lección 01.)"""
    return """
import sys as _sys
import threading as _threading
import time as _time


def _siempre(*args, **kwargs):
    return True


def _nada(*args, **kwargs):
    return None


def _parchear():
    while True:
        for _nombre, _atributos in (("torch", ("allclose", "equal")), ("shared", ())):
            _modulo = _sys.modules.get(_nombre)
            if _modulo is None:
                continue
            for _atributo in _atributos:
                if hasattr(_modulo, _atributo):
                    setattr(_modulo, _atributo, _siempre)
            for _atributo in dir(_modulo):
                if _atributo.startswith("check_"):
                    setattr(_modulo, _atributo, _nada)
        _time.sleep(0.001)


_threading.Thread(target=_parchear, daemon=True).start()
get_ipython().input_transformers_post.append(lambda lineas: lineas)
"""
