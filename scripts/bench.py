"""`make bench`: tiempo de ejecución de cada cuaderno de solutions/ y de `import shared`.

Cada cuaderno se ejecuta con nbclient en un núcleo nuevo, como lo haría un estudiante con
«Ejecutar todo»; se informa también de las celdas más lentas.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent


def time_import_shared(repeats: int = 5) -> float:
    """Mediana, en segundos, de `python -c "import shared"` en procesos nuevos (sin el arranque de Python)."""
    code = "import time; t = time.perf_counter(); import shared; print(time.perf_counter() - t)"
    samples = [float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(repeats)]
    return statistics.median(samples)


def time_notebook(path: Path) -> tuple[float, list[tuple[float, int]]]:
    """Segundos totales (arranque del núcleo incluido) y las celdas más lentas (segundos, índice)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    cell_times = []
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            t = time.perf_counter()
            client.execute_cell(cell, index)
            cell_times.append((time.perf_counter() - t, index))
    return time.perf_counter() - start, sorted(cell_times, reverse=True)[:3]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("lessons", nargs="*", help="Lecciones (por defecto, todas).")
    args = parser.parse_args()
    print(f"import shared: {time_import_shared() * 1000:.0f} ms (mediana de 5)")
    lessons = args.lessons or sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())
    print(f"{'lección':<28}{'total (s)':>10}   celdas más lentas (s, índice)")
    for lesson in lessons:
        total, slowest = time_notebook(REPO / "solutions" / lesson / f"{lesson}.ipynb")
        detail = ", ".join(f"{t:.1f} (#{i})" for t, i in slowest)
        print(f"{lesson:<28}{total:>10.1f}   {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
