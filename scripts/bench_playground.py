"""Redibujados por segundo del *playground* (``shared.playground``) con una red 2-4-4-1 y 500 puntos.

Mide, sin navegador, el trabajo que hace el núcleo en cada tic del reloj (``Playground.frame``),
entrenar ``epochs_per_frame`` épocas, calcular la frontera, codificar el PNG, las curvas en SVG y
asignar los valores a los widgets. Lo compara con la alternativa de matplotlib (una figura que se
actualiza en su sitio con ``set_data`` y se exporta a PNG). El objetivo es ≥ 10 redibujados por
segundo en una CPU de 2 núcleos; la prueba en un navegador real (tests/test_playground_browser.py)
informa de los que llegan a la pantalla.

    .venv/bin/python scripts/bench_playground.py [--seconds 5] [--batch-size 10]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shared.playground import Playground, Settings, loss_svg  # noqa: E402

TARGET = 10.0


def _rate(step, seconds: float) -> tuple[float, list[float]]:
    """Veces por segundo que se puede llamar a ``step`` y la duración de cada llamada (s)."""
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return len(times) / sum(times), times


def bench_playground(settings: Settings, seconds: float, epochs_per_frame: int) -> dict[str, float]:
    app = Playground(settings, epochs_per_frame=epochs_per_frame)
    app.buttons["entrenar"].click()
    frames_per_second, times = _rate(app.frame, seconds)
    exp, painter = app.experiment, app.painter
    parts = {
        "entrenar": lambda: exp.train(epochs_per_frame, max_seconds=app.max_frame_time),
        "frontera (rejilla 100×100)": lambda: exp.boundary(painter.resolution),
        "PNG": lambda: painter.png(exp.boundary(painter.resolution)),
        "curvas (SVG)": lambda: loss_svg(exp.history),
    }
    detail = {name: 1000 * statistics.median(_rate(step, 0.5)[1]) for name, step in parts.items()}
    return {
        "fps": frames_per_second,
        "ms_median": 1000 * statistics.median(times),
        "ms_p95": 1000 * sorted(times)[int(0.95 * (len(times) - 1))],
        "png_bytes": len(app.image.value),
        "epochs": exp.epoch,
        "accuracy": exp.accuracy("val"),
        **{f"ms {name}": value for name, value in detail.items()},
    }


def bench_clock(settings: Settings, seconds: float, epochs_per_frame: int, fps: float = 20) -> float:
    """Redibujados por segundo cuando el reloj avanza a su ritmo (``fps`` tics/s), como en el navegador."""
    app = Playground(settings, fps=fps, epochs_per_frame=epochs_per_frame)
    app.buttons["entrenar"].click()
    start, frames = time.perf_counter(), app.frames
    next_tick = start
    while time.perf_counter() - start < seconds:
        next_tick += 1 / fps
        time.sleep(max(0.0, next_tick - time.perf_counter()))
        app.clock.value += 1
    return (app.frames - frames) / (time.perf_counter() - start)


def bench_matplotlib(settings: Settings, seconds: float, epochs_per_frame: int) -> float:
    """La alternativa: una figura de matplotlib actualizada en su sitio y exportada a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from shared.playground import Experiment

    exp = Experiment(settings)
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(7, 3.2), dpi=80)
    image = ax.imshow(exp.boundary(), extent=(-6, 6, -6, 6), cmap="RdBu", vmin=0, vmax=1)
    ax.scatter(exp.X[:, 0], exp.X[:, 1], c=exp.y, cmap="RdBu", edgecolors="w", s=12)
    (train_line,) = ax_loss.plot([], [], label="entrenamiento")
    (val_line,) = ax_loss.plot([], [], label="validación")
    ax_loss.set_ylim(0, 1)

    def step():
        exp.train(epochs_per_frame)
        image.set_data(exp.boundary())
        epochs = range(len(exp.history.loss))
        train_line.set_data(epochs, exp.history.loss)
        val_line.set_data(epochs, exp.history.val_loss)
        ax_loss.set_xlim(0, max(len(epochs), 2))
        fig.savefig(io.BytesIO(), format="png")  # dibuja la figura y la codifica

    rate, _ = _rate(step, seconds)
    plt.close(fig)
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="Duración de cada medida (s).")
    parser.add_argument("--batch-size", type=int, default=10, help="Tamaño del lote (1 es el caso más lento).")
    parser.add_argument("--epochs-per-frame", type=int, default=3, help="Épocas por fotograma (por defecto, 3).")
    parser.add_argument("--no-matplotlib", action="store_true", help="No medir la alternativa con matplotlib.")
    args = parser.parse_args()

    settings = Settings(dataset="círculos", hidden=(4, 4), n_points=500, batch_size=args.batch_size)
    print(
        f"Red 2-4-4-1 (tanh), {settings.n_points} puntos ({settings.train_fraction:.0%} para entrenar), "
        f"lote {settings.batch_size}, {args.epochs_per_frame} épocas por fotograma, {args.seconds:g} s por medida"
    )
    result = bench_playground(settings, args.seconds, args.epochs_per_frame)
    print(f"playground (PNG con numpy):  {result['fps']:6.1f} redibujados/s")
    print(f"  por fotograma: mediana {result['ms_median']:.1f} ms, p95 {result['ms_p95']:.1f} ms")
    for key, value in result.items():
        if key.startswith("ms "):
            print(f"    {key[3:]:<28}{value:6.2f} ms")
    kib, epochs, accuracy = result["png_bytes"] / 1024, result["epochs"], result["accuracy"]
    print(f"  PNG de {kib:.1f} KiB; {epochs} épocas entrenadas, exactitud de validación {accuracy:.0%}")
    paced = bench_clock(settings, args.seconds, args.epochs_per_frame)
    print(f"  al ritmo del reloj (20 tics/s): {paced:.1f} redibujados/s")
    if not args.no_matplotlib:
        rate = bench_matplotlib(settings, args.seconds, args.epochs_per_frame)
        print(f"matplotlib (set_data + PNG): {rate:6.1f} redibujados/s")
    ok = result["fps"] >= TARGET
    print(f"{'OK' if ok else 'DEMASIADO LENTO'}: objetivo ≥ {TARGET:g} redibujados/s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
