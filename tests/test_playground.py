"""El *playground* (``shared.playground``): datos, red, entrenamiento, dibujo y la app sin navegador.

Las pruebas de la app pulsan los botones (``Button.click()``), mueven los controles y hacen avanzar
el reloj como lo haría el navegador; ``test_playground_browser.py`` lo hace en un Chromium real.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import nbformat
import numpy as np
import pytest
from PIL import Image

import shared
from shared.playground import (
    DATASETS,
    MLP,
    NOTE_WITHOUT_WIDGETS,
    BoundaryPainter,
    Experiment,
    History,
    Playground,
    Settings,
    feature_matrix,
    loss_svg,
    make_dataset,
)

# --------------------------------------------------------------------------------------------------
# Datos y entradas
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
def test_datasets_are_balanced_reproducible_and_on_screen(name):
    X, y = make_dataset(name, n=400, seed=3)
    assert X.shape == (400, 2)
    assert set(np.unique(y)) == {0, 1}
    assert abs(y.mean() - 0.5) < 0.01
    np.testing.assert_array_equal(make_dataset(name, n=400, seed=3)[0], X)
    assert not np.allclose(make_dataset(name, n=400, seed=4)[0], X)
    assert np.quantile(np.abs(X), 0.99) <= 6.0  # casi todo dentro del recuadro [-6, 6]²


def test_noise_mixes_the_classes():
    """Con ruido, una regla que separa los círculos limpios deja de acertar siempre."""
    for noise, expected in ((0.0, 1.0), (0.5, 0.9)):
        X, y = make_dataset("círculos", n=1000, noise=noise, seed=0)
        inside = (np.hypot(X[:, 0], X[:, 1]) < 3.0).astype(int)
        accuracy = np.mean(inside == y)
        assert accuracy == 1.0 if noise == 0 else accuracy < expected


def test_names_accept_aliases_and_reject_unknown_in_spanish():
    np.testing.assert_array_equal(make_dataset("circulos")[0], make_dataset("círculos")[0])
    np.testing.assert_array_equal(make_dataset("spiral")[0], make_dataset("espiral")[0])
    with pytest.raises(ValueError, match="Conjunto de datos desconocido: 'lunas'. Elige uno de: círculos"):
        make_dataset("lunas")
    with pytest.raises(ValueError, match="`noise` debe estar entre 0 y 0.5"):
        make_dataset("xor", noise=0.8)


def test_feature_matrix_columns_and_scaling():
    X = np.array([[6.0, -3.0], [0.0, np.pi / 2]])
    F = feature_matrix(X, ["x1", "x2", "x1^2", "x2²", "x₁x₂", "sin(x2)"])
    np.testing.assert_allclose(F[0], [1.0, -0.5, 1.0, 0.25, -0.5, np.sin(-3.0)])
    np.testing.assert_allclose(F[1, -1], 1.0)
    assert feature_matrix(X, ["x2", "x1"]).tolist() == feature_matrix(X, ["x1", "x2"]).tolist()  # orden fijo
    with pytest.raises(ValueError, match="Entrada desconocida: 'x3'"):
        feature_matrix(X, ["x3"])
    with pytest.raises(ValueError, match="al menos una entrada"):
        feature_matrix(X, [])


# --------------------------------------------------------------------------------------------------
# La red
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoide", "lineal"])
def test_gradients_match_numerical_ones_including_l2(activation):
    rng = np.random.default_rng(0)
    F, y = rng.normal(size=(7, 3)), rng.integers(0, 2, size=7)
    model = MLP(3, (4, 3), activation, seed=1)
    l2 = 0.05

    def total_loss(params):
        probe = MLP(3, (4, 3), activation)
        probe.params = params
        return probe.loss(F, y) + l2 * sum(np.sum(params[k] ** 2) for k in params if k[0] == "W")

    numeric = shared.numerical_gradients(total_loss, model.params)
    analytic = model.gradients(F, y, l2)
    for key in model.params:
        assert shared.relative_error(analytic[key], numeric[key]) < 1e-6, key
    # Sin el término L2 el gradiente de los pesos cambia en 2·λ·W (y el de los sesgos, no).
    without = model.gradients(F, y, 0.0)
    np.testing.assert_allclose(model.gradients(F, y, l2)["W1"] - without["W1"], 2 * l2 * model.params["W1"])
    np.testing.assert_allclose(model.gradients(F, y, l2)["b1"], without["b1"])


def test_loss_is_stable_for_huge_logits():
    model = MLP(1, (), "lineal", seed=0)
    model.params["W1"][:] = 1e4
    assert np.isfinite(model.loss(np.array([[1.0], [-1.0]]), np.array([1, 0])))
    assert model.loss(np.array([[1.0]]), np.array([0])) == pytest.approx(1e4)


def test_xor_needs_a_hidden_layer_or_the_product_feature():
    """Una neurona sola no separa XOR (se queda en el azar); con una capa oculta de 4, o con x₁x₂, sí."""
    alone = Experiment(dataset="xor", hidden=())
    alone.train(300)
    assert alone.history.loss[-1] > 0.6  # ≈ ln 2: no ha aprendido nada
    assert alone.accuracy("val") < 0.75
    hidden = Experiment(dataset="xor", hidden=(4,))
    hidden.train(300)
    assert hidden.accuracy("val") >= 0.95
    product = Experiment(dataset="xor", hidden=(), features=("x1", "x2", "x1*x2"))
    product.train(300)
    assert product.accuracy("val") >= 0.95


def test_circles_with_squared_features_need_no_hidden_layer():
    plain = Experiment(dataset="círculos", hidden=())
    squares = Experiment(dataset="círculos", hidden=(), features=("x1^2", "x2^2"))
    plain.train(100)
    squares.train(100)
    assert plain.accuracy("val") < 0.75
    assert squares.accuracy("val") >= 0.98


def test_l2_shrinks_the_weights():
    def weight_norm(l2):
        exp = Experiment(dataset="espiral", hidden=(8, 8), l2=l2)
        exp.train(60)
        return sum(np.sum(exp.model.params[k] ** 2) for k in exp.model.params if k[0] == "W")

    assert weight_norm(0.03) < 0.5 * weight_norm(0.0)


def test_a_huge_learning_rate_diverges_and_training_stops():
    exp = Experiment(dataset="espiral", hidden=(8, 8, 8), activation="lineal", learning_rate=3.0)
    exp.train(20)
    assert exp.diverged
    assert exp.epoch < 20  # se detiene al ver NaN
    assert np.isfinite(exp.boundary(10)).all()  # el dibujo no se rompe
    calm = Experiment(dataset="espiral", hidden=(8, 8, 8), activation="lineal", learning_rate=0.03)
    calm.train(20)
    assert not calm.diverged


def test_structural_changes_restart_live_changes_do_not():
    exp = Experiment()
    exp.train(5)
    X_before = exp.X.copy()
    assert exp.update(learning_rate=0.1, l2=0.001, batch_size=20) is False
    assert exp.epoch == 5
    assert exp.update(hidden=(3,)) is True
    assert exp.epoch == 0
    assert exp.model.sizes == (2, 3, 1)
    np.testing.assert_array_equal(exp.X, X_before)  # la red cambió; los datos, no
    assert exp.update(noise=0.2) is True
    assert not np.array_equal(exp.X, X_before)


def test_reset_draws_new_weights_but_is_reproducible():
    first, second = Experiment(seed=5), Experiment(seed=5)
    np.testing.assert_array_equal(first.model.params["W1"], second.model.params["W1"])
    w_before = first.model.params["W1"].copy()
    first.reset()
    assert not np.allclose(first.model.params["W1"], w_before)
    second.reset()
    np.testing.assert_array_equal(first.model.params["W1"], second.model.params["W1"])


def test_settings_are_validated_in_spanish():
    with pytest.raises(ValueError, match="Activación desconocido: 'softmax'"):
        Settings(activation="softmax")
    with pytest.raises(ValueError, match="Hasta 6 capas ocultas"):
        Settings(hidden=(4,) * 7)
    with pytest.raises(ValueError, match="de 1 a 8 neuronas"):
        Settings(hidden=(0,))


# --------------------------------------------------------------------------------------------------
# Dibujo
# --------------------------------------------------------------------------------------------------


def test_boundary_png_colours_each_side_and_marks_the_points():
    painter = BoundaryPainter(size=300, resolution=100)
    X = np.array([[-3.0, 3.0], [3.0, -3.0]])  # arriba a la izquierda (clase 0) y abajo a la derecha (clase 1)
    painter.set_points(X, np.array([0, 1]), np.array([True, False]))
    probabilities = np.zeros((100, 100))
    probabilities[:, 50:] = 1.0  # derecha: clase 1
    image = np.asarray(Image.open(io.BytesIO(painter.png(probabilities))).convert("RGB")).astype(int)
    assert image.shape == (300, 300, 3)
    left, right = image[100, 20], image[100, 280]
    assert left[0] > left[2]  # naranja claro a la izquierda
    assert right[2] > right[0]  # azul claro a la derecha
    np.testing.assert_array_equal(image[75, 75], [245, 147, 34])  # el punto de clase 0, en naranja
    np.testing.assert_array_equal(image[225, 225], [8, 119, 189])  # el de clase 1, en azul
    np.testing.assert_array_equal(image[75, 75 + 4], [255, 255, 255])  # borde blanco: entrenamiento
    np.testing.assert_array_equal(image[225, 225 + 4], [40, 40, 40])  # borde oscuro: validación


def test_loss_svg_draws_both_curves_with_the_epoch():
    history = History(loss=[0.7, 0.5, 0.3], val_loss=[0.7, 0.6, float("nan")])
    svg = loss_svg(history)
    assert svg.startswith("<svg")
    assert svg.count("<polyline") == 2
    assert "época 2" in svg


# --------------------------------------------------------------------------------------------------
# La aplicación, sin navegador
# --------------------------------------------------------------------------------------------------


def _tick(app, n=1):
    """Lo que hace el navegador con ▶: avanzar el reloj a su ritmo (1/fps)."""
    for _ in range(n):
        time.sleep(1.05 / app.fps)
        app.clock.value += 1


def _png_pixels(app):
    return np.asarray(Image.open(io.BytesIO(app.image.value)).convert("RGB")).astype(int)


@pytest.fixture
def app():
    return Playground(fps=200, epochs_per_frame=2, max_frame_time=10.0)


def test_paso_trains_one_epoch_and_redraws(app):
    png, w1 = app.image.value, app.experiment.model.params["W1"].copy()
    app.buttons["paso"].click()
    assert app.experiment.epoch == 1
    assert len(app.experiment.history.loss) == 2
    assert not np.allclose(app.experiment.model.params["W1"], w1)
    assert app.image.value != png
    assert "Época <b>1</b>" in app.epoch_label.value


def test_entrenar_follows_the_clock_and_pausa_stops_it(app):
    _tick(app, 3)
    assert app.experiment.epoch == 0  # sin ▶ el reloj no entrena
    app.buttons["entrenar"].click()
    assert app.training
    assert app.buttons["pausa"].button_style == "warning"  # se ve qué botón detiene
    _tick(app, 10)
    assert app.experiment.epoch == 20  # 2 épocas por fotograma
    before = _png_pixels(app)
    _tick(app, 40)
    changed = np.any(_png_pixels(app) != before, axis=2).mean()
    assert changed > 0.01, "la frontera no se movió al entrenar"
    app.buttons["pausa"].click()
    assert not app.training
    epoch = app.experiment.epoch
    _tick(app, 5)
    assert app.experiment.epoch == epoch


def test_slow_epochs_shorten_the_frame_instead_of_the_frame_rate():
    """Con lotes de 1 una época es lenta: cada fotograma entrena menos épocas, pero al menos una."""
    app = Playground(Settings(batch_size=1), fps=200, epochs_per_frame=5, max_frame_time=0.001)
    app.buttons["entrenar"].click()
    _tick(app, 3)
    assert app.experiment.epoch == 3
    assert app.experiment.train(5, max_seconds=10.0) == 5


def test_ticks_that_piled_up_while_the_kernel_was_busy_are_dropped(app):
    """Si el núcleo estuvo ocupado, los tics acumulados no se entrenan todos: Pausa responde enseguida."""
    app.buttons["entrenar"].click()
    _tick(app)
    start = time.perf_counter()
    for _ in range(50):  # llegan seguidos, sin esperar 1/fps
        app.clock.value += 1
    assert time.perf_counter() - start < 0.5
    assert app.experiment.epoch <= 10  # atendidos todos, serían 2 + 100 épocas


def test_xor_through_the_widgets(app):
    """Como en la lección: XOR sin capas ocultas se queda en el azar; con una capa de 4, ≥ 95 %."""
    app.controls["datos"].value = "xor"
    app.controls["capas"].value = 0
    app.controls["tasa"].value = 0.1
    assert app.experiment.settings.hidden == ()
    assert app.experiment.epoch == 0
    for _ in range(200):
        app.buttons["paso"].click()
    assert app.experiment.accuracy("val") < 0.75
    assert "Exactitud" in app.stats.value
    app.controls["capas"].value = 1
    assert [slider.value for slider in app.neuron_sliders] == [4]
    assert app.experiment.epoch == 0
    for _ in range(200):
        app.buttons["paso"].click()
    assert app.experiment.accuracy("val") >= 0.95


def test_controls_change_the_experiment(app):
    app.buttons["entrenar"].click()
    app.controls["capas"].value = 3
    assert not app.training  # un cambio de estructura pausa y empieza de cero
    assert len(app.neuron_sliders) == 3
    app.neuron_sliders[2].value = 7
    assert app.experiment.settings.hidden == (4, 2, 7)
    app.feature_boxes["x1*x2"].value = True
    assert app.experiment.settings.features == ("x1", "x2", "x1*x2")
    assert app.experiment.model.sizes == (3, 4, 2, 7, 1)
    app.controls["activación"].value = "relu"
    app.controls["ruido"].value = 30
    app.controls["entrenamiento"].value = 80
    assert app.experiment.settings.noise == pytest.approx(0.3)
    assert app.experiment.is_train.sum() == 400
    app.buttons["paso"].click()
    app.controls["tasa"].value = 0.3
    app.controls["l2"].value = 0.001
    app.controls["lote"].value = 25
    assert app.experiment.epoch == 1  # los ajustes «en marcha» no reinician
    assert app.experiment.settings.learning_rate == 0.3
    assert app.experiment.settings.batch_size == 25


def test_the_last_input_cannot_be_unchecked(app):
    app.feature_boxes["x1"].value = False
    app.feature_boxes["x2"].value = False
    assert app.feature_boxes["x2"].value is True
    assert app.experiment.settings.features == ("x2",)
    assert "al menos una entrada" in app.status.value


def test_reiniciar_restarts_from_new_weights(app):
    app.buttons["paso"].click()
    w1 = app.experiment.model.params["W1"].copy()
    app.buttons["entrenar"].click()
    app.buttons["reiniciar"].click()
    assert not app.training
    assert app.experiment.epoch == 0
    assert len(app.experiment.history.loss) == 1
    assert not np.allclose(app.experiment.model.params["W1"], w1)


def test_divergence_pauses_and_explains_in_spanish():
    app = Playground(Settings(dataset="espiral", hidden=(8, 8, 8), activation="lineal", learning_rate=3.0), fps=200)
    app.buttons["entrenar"].click()
    _tick(app, 3)
    assert not app.training
    assert "La pérdida se ha disparado" in app.status.value
    app.buttons["entrenar"].click()  # sin reiniciar no vuelve a arrancar
    assert not app.training


def test_app_uses_only_widgets_that_ipywidgets_7_also_has(app):
    """Colab trae ipywidgets 7: nada de widgets nuevos de la 8 (TagsInput, Stack, ...)."""
    names = {type(child).__name__ for child in _walk(app.widget)}
    assert names <= {"VBox", "HBox", "HTML", "Button", "Play", "Dropdown", "IntSlider", "SelectionSlider"} | {
        "Checkbox",
        "Image",
    }


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


# --------------------------------------------------------------------------------------------------
# Sin interfaz de widgets: una nota y nada más
# --------------------------------------------------------------------------------------------------


def test_import_shared_does_not_import_the_widget_stack():
    code = "import sys, shared; print([m for m in ('ipywidgets', 'PIL', 'IPython') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]"


def test_console_gets_the_spanish_note_and_returns_at_once():
    code = "import time, shared; t = time.perf_counter(); r = shared.playground(); print(r, time.perf_counter() - t)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    note, last = result.stdout.strip().splitlines()
    assert note == NOTE_WITHOUT_WIDGETS
    returned, seconds = last.split()
    assert returned == "None"
    assert float(seconds) < 1.0


def test_a_wrong_call_fails_even_without_widgets(capsys):
    """nbval no ve widgets, pero sí los errores de la llamada que escribe la lección."""
    with pytest.raises(ValueError, match="Conjunto de datos desconocido"):
        shared.playground("lunas")
    shared.playground("xor", hidden=(4,), show=False)
    assert capsys.readouterr().out.strip() == NOTE_WITHOUT_WIDGETS


def test_without_ipywidgets_it_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` falla
    shared.playground(show=True)
    assert "%pip install ipywidgets" in capsys.readouterr().out


def _run_in_kernel(source: str, env: dict[str, str]) -> list[dict]:
    """Ejecuta una celda con nbclient (como nbval o el calificador) y devuelve sus salidas."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return nb.cells[0].outputs


@pytest.mark.slow
def test_a_kernel_without_widget_frontend_prints_the_note_and_one_from_jupyterlab_shows_the_widget():
    """nbval y nbgrader ejecutan con nbclient: nota. El mismo núcleo arrancado por JupyterLab: el widget."""
    source = "import shared\nshared.playground('xor')"
    headless = _run_in_kernel(source, {"JPY_SESSION_NAME": "", "NBGRADER_EXECUTION": ""})
    assert [o.get("text", "").strip() for o in headless] == [NOTE_WITHOUT_WIDGETS]
    in_lab = _run_in_kernel(source, {"JPY_SESSION_NAME": "/tmp/playground.ipynb", "NBGRADER_EXECUTION": ""})
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in in_lab), in_lab
    grading = _run_in_kernel(source, {"JPY_SESSION_NAME": "/tmp/playground.ipynb", "NBGRADER_EXECUTION": "autograde"})
    assert [o.get("text", "").strip() for o in grading] == [NOTE_WITHOUT_WIDGETS]
