"""Pruebas unitarias del paquete ``shared``: comprobaciones, entorno y gráficos."""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pytest

import shared
from shared import CheckError

matplotlib.use("Agg")


class TestCheckClose:
    def test_accepts_values_within_tolerance(self):
        shared.check_close(0.1 + 0.2, 0.3, "x")
        shared.check_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]), "v")

    def test_names_the_variable_and_both_values(self):
        with pytest.raises(CheckError, match=r"`salida` no es correcto: se esperaba 2 y se obtuvo 3"):
            shared.check_close(3.0, 2.0, "salida")

    def test_reports_shape_mismatch_before_values(self):
        with pytest.raises(CheckError, match=r"La forma de `W` es \(3, 2\), pero se esperaba \(2, 3\).*traspuesta"):
            shared.check_close(np.zeros((3, 2)), np.zeros((2, 3)), "W")

    def test_points_at_first_wrong_position(self):
        with pytest.raises(CheckError, match=r"en 1 de 3 posiciones.*posición \(2,\) se esperaba 3 y se obtuvo 4"):
            shared.check_close([1, 2, 4], [1, 2, 3], "v")

    def test_names_a_recognised_mistake(self):
        with pytest.raises(CheckError, match="parece que olvidaste el sesgo"):
            shared.check_close(1.5, 2.0, "z", mistakes={"olvidaste el sesgo": 1.5})

    def test_none_means_missing_return(self):
        with pytest.raises(CheckError, match="olvidaste el `return`"):
            shared.check_close(None, 1.0, "f(x)")

    def test_nan_is_reported(self):
        with pytest.raises(CheckError, match="NaN"):
            shared.check_close([np.nan, 1.0], [0.0, 1.0], "v")

    def test_non_numeric_is_reported(self):
        with pytest.raises(CheckError, match="debería ser numérico"):
            shared.check_close("hola", 1.0, "v")

    def test_hint_is_appended(self):
        with pytest.raises(CheckError, match="Pista: revisa el eje"):
            shared.check_close(1.0, 2.0, "v", hint="revisa el eje")

    def test_accepts_torch_tensors(self):
        torch = pytest.importorskip("torch")
        shared.check_close(torch.tensor([1.0, 2.0], requires_grad=True) * 1, [1.0, 2.0], "t")


class TestOtherChecks:
    def test_check_equal(self):
        shared.check_equal([1, 2], [1, 2], "lista")
        shared.check_equal(np.array([1, 2]), np.array([1, 2]), "arreglo")
        with pytest.raises(CheckError, match="se esperaba 'cuda' y se obtuvo 'cpu'"):
            shared.check_equal("cpu", "cuda", "dispositivo")
        with pytest.raises(CheckError, match="parece que compara como texto"):
            shared.check_equal(False, True, "r", mistakes={"compara como texto": False})

    def test_check_shape_messages(self):
        shared.check_shape(np.zeros((2, 3)), (2, 3), "A")
        with pytest.raises(CheckError, match="Falta o sobra una dimensión"):
            shared.check_shape(np.zeros(3), (3, 1), "b")
        with pytest.raises(CheckError, match="mismos elementos"):
            shared.check_shape(np.zeros((6, 1)), (2, 3), "c")

    def test_check_type(self):
        shared.check_type({}, dict, "d")
        with pytest.raises(CheckError, match="es de tipo list, pero se esperaba dict"):
            shared.check_type([], dict, "d")
        with pytest.raises(CheckError, match="es None"):
            shared.check_type(None, (int, float), "n")

    def test_check_true_and_range(self):
        shared.check_true(True, "no se ve")
        with pytest.raises(CheckError, match="^mensaje propio$"):
            shared.check_true(False, "mensaje propio")
        shared.check_in_range(0.5, 0, 1, "p")
        with pytest.raises(CheckError, match="debería estar entre 0 y 1"):
            shared.check_in_range(1.5, 0, 1, "p")

    def test_check_function_values_names_not_implemented_and_mistakes(self):
        def todo(x):
            raise NotImplementedError()

        with pytest.raises(CheckError, match="todavía no está implementada"):
            shared.check_function_values(todo, [((1.0,), 1.0)], "f")
        with pytest.raises(CheckError, match=r"`f\(3\)` no es correcto: parece que sumaste en vez de multiplicar"):
            shared.check_function_values(
                lambda x: x + x,
                [((2.0,), 4.0), ((3.0,), 9.0)],
                "f",
                mistakes={"sumaste en vez de multiplicar": lambda x: x + x},
            )
        shared.check_function_values(lambda x: x * x, [((3.0,), 9.0)], "f")
        with pytest.raises(CheckError, match="debería ser una función"):
            shared.check_function_values(3, [], "f")

    def test_check_error_is_an_assertion_error(self):
        assert issubclass(CheckError, AssertionError)


class TestSetup:
    def test_seeds_random_and_numpy(self, capsys):
        env = shared.setup(seed=3)
        first = np.random.rand(3)
        shared.setup(seed=3, verbose=False)
        np.testing.assert_array_equal(np.random.rand(3), first)
        assert env.seed == 3
        assert env.device in {"cpu", "cuda", "mps"}
        out = capsys.readouterr().out
        assert "Semilla: 3" in out
        assert "Dispositivo:" in out

    def test_rejects_unknown_framework(self):
        with pytest.raises(ValueError, match="Framework desconocido"):
            shared.setup(frameworks=("jax",))

    def test_not_on_colab_here(self):
        assert shared.on_colab() is False

    def test_frameworks_are_seeded_and_quiet_in_a_fresh_process(self):
        """En un proceso nuevo: TF y torch sembrados, y TensorFlow no escribe nada en stderr."""
        code = (
            "import shared\n"
            "env = shared.setup(seed=5, frameworks=('tensorflow', 'torch'), verbose=False)\n"
            "import tensorflow as tf, torch\n"
            "a = float(tf.random.uniform(())); b = float(torch.rand(()))\n"
            "shared.setup(seed=5, verbose=False)\n"
            "assert float(tf.random.uniform(())) == a and float(torch.rand(())) == b\n"
            "import keras\n"
            "keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).predict(tf.zeros((1, 2)), verbose=0)\n"
            "print(sorted(env.versions))\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, result.stderr
        assert "'keras', 'numpy', 'tensorflow', 'torch'" in result.stdout
        # TensorFlow imprime al importarse, antes de leer su configuración de registros, unas líneas
        # sobre CUDA que nadie puede silenciar; el calificador descarta stderr (test_stderr_grading).
        unavoidable = ("before absl::InitializeLog", "cudart_stub", "Could not find cuda drivers")
        noise = [
            line for line in result.stderr.splitlines() if line.strip() and not any(u in line for u in unavoidable)
        ]
        assert not noise, f"TensorFlow escribió en stderr: {noise[:5]}"

    def test_import_shared_is_light(self):
        code = "import sys, shared; print(any(m in sys.modules for m in ('tensorflow', 'torch', 'matplotlib')))"
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert result.stdout.strip() == "False"


class TestPlots:
    def test_decision_boundary_colours_by_prediction(self):
        X = np.array([[0, 0], [1, 1]], dtype=float)
        ax = shared.plot_decision_boundary(lambda P: (P.sum(axis=1) > 1).astype(int), X, [0, 1], title="t")
        assert ax.get_title() == "t"
        assert ax.get_xlabel() == "$x_1$"

    def test_decision_boundary_needs_two_features(self):
        with pytest.raises(ValueError, match=r"forma \(n, 2\)"):
            shared.plot_decision_boundary(lambda P: P[:, 0], np.zeros((3, 3)), [0, 1, 0])

    def test_learning_curves_in_spanish(self):
        axes = shared.plot_learning_curves({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]}, metrics=("loss",))
        ax = axes[0]
        assert ax.get_xlabel() == "época"
        assert ax.get_ylabel() == "pérdida"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["entrenamiento", "validación"]

    def test_learning_curves_reports_missing_metric(self):
        with pytest.raises(KeyError, match="accuracy"):
            shared.plot_learning_curves({"loss": [1]}, metrics=("accuracy",))


def test_setup_sets_torch_threads():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    try:
        shared.setup(seed=1, frameworks=("torch",), verbose=False, threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


class TestSpanishErrors:
    """Los errores del estudiante, explicados en español antes del *traceback* (shared.explain)."""

    @pytest.mark.parametrize(
        ("ename", "message", "fragment"),
        [
            ("TypeError", "'NoneType' object is not subscriptable", "¿falta el `return`?"),
            ("ValueError", "operands could not be broadcast together with shapes (3,) (3,1)", "(3,) y (3,1)"),
            ("RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)", "nn.Linear"),
            ("ValueError", "The truth value of an array with more than one element is ambiguous.", "np.any"),
            ("ValueError", "Found unknown categories ['x'] in column 0 during transform", "handle_unknown"),
            ("KeyError", "'accuracy'", "clave que no existe"),
            ("IndexError", "index 5 is out of bounds for axis 0 with size 3", "posición"),
            ("Misterio", "algo raro", "Misterio"),
        ],
    )
    def test_explains_common_errors(self, ename, message, fragment):
        from shared.explain import explain

        assert fragment in explain(ename, message)

    def test_a_name_error_points_at_the_cell_that_failed(self):
        from shared import explain

        explain._failed_cells.append((7, "x = 1 / 0\ndef f(a):\n    return a", "ZeroDivisionError", "division by zero"))
        lines = explain.lines_for("NameError", "name 'f' is not defined", [explain.Place("celda [8]", 1, "f(2)")])
        assert lines[0] == "❌ NameError en tu código (celda [8], línea 1): f(2)"
        assert any("la celda [7], que falló antes con ZeroDivisionError" in line for line in lines)
        assert lines[-2] == "   Mensaje original: name 'f' is not defined"

    def test_notebook_shows_the_explanation_first_and_a_failed_check_compactly(self):
        """En un núcleo de verdad (nbclient): la explicación va primero y la comprobación, sin traceback."""
        import nbformat
        from nbclient import NotebookClient

        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell(source)
            for source in [
                "import shared\nenv = shared.setup(verbose=False)",
                "def f(x):\n    return None",
                "# Comprobación del ejercicio 1\nshared.check_close(f(1) + 1, 2.0, 'f(1) + 1')",
                "# Comprobación del ejercicio 2\nshared.check_close(3.0, 2.0, 'g(1)', hint='revisa el signo')",
            ]
        ]
        NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3").execute()
        typeerror, checkerror = nb.cells[2].outputs[-1], nb.cells[3].outputs[-1]
        assert typeerror.ename == "TypeError"
        assert typeerror.traceback[0].startswith("❌ TypeError en tu código (celda [3], línea 2)")
        assert "¿falta el `return`?" in typeerror.traceback[1]
        assert checkerror.ename == "CheckError"
        assert checkerror.traceback == [
            "❌ Comprobación del ejercicio 2: `g(1)` no es correcto: se esperaba 2 y se obtuvo 3.",
            "Pista: revisa el signo",
        ]


def test_setup_with_tensorflow_prints_only_the_summary():
    """La celda de preparación no enseña al estudiante los mensajes en C++ de TensorFlow (absl, CUDA)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import shared\nenv = shared.setup(seed=42, frameworks=('tensorflow',))")]
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    streams = {output.name: output.text for output in nb.cells[0].outputs if output.output_type == "stream"}
    assert set(streams) == {"stdout"}, f"salida en stderr: {streams.get('stderr', '')[:300]}"
    assert streams["stdout"].startswith("Entorno: entorno local")
