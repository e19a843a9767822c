"""Mide el calificador en una sola ejecución: ``nbgrader autograde`` secuencial frente a
``python -m autograder grade --jobs N``, sobre el mismo lote, y el cuaderno de la solución solo.

    python scripts/bench_grading.py [--lesson 01_perceptron] [--students 16] [--jobs 2] [--also-jobs-1]

Imprime entregas por minuto de cada forma, la razón de tiempos (objetivo: <= 0.6 con 2 procesos
en 2 núcleos), el sobrecoste por entrega frente a ejecutar la solución sola, y comprueba que las
notas de ambos métodos son idénticas.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autograder.course import CONFIG_FILE, release  # noqa: E402
from tests import notebooks  # noqa: E402


def batch(lesson: str, count: int) -> dict[str, bytes]:
    """``count`` entregas: la solución, el cuaderno en blanco y las respuestas erróneas, en ciclo."""
    source = notebooks.read(notebooks.source_notebook(lesson))
    released = notebooks.read(notebooks.released_notebook(lesson))
    solutions = {gid: notebooks.solved(c.source) for gid, c in notebooks.solution_cells(source).items()}
    kinds = [notebooks.fill_answers(released, solutions), released]
    for answer in notebooks.wrong_answers(lesson):
        kinds.append(
            notebooks.fill_answers(
                released, dict(solutions, **{answer["cell"]: notebooks.wrong_code(answer, solutions)})
            )
        )
    import nbformat

    return {f"est{i:03d}": nbformat.writes(kinds[i % len(kinds)]).encode() for i in range(count)}


def env() -> dict:
    variables = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    variables["PATH"] = str(Path(sys.executable).parent) + os.pathsep + variables.get("PATH", "")
    return variables


def plain_nbgrader(lesson: str, submissions: dict[str, bytes], work: Path) -> tuple[float, dict[str, float]]:
    """``nbgrader autograde LECCIÓN`` de toda la clase, como lo haría un instructor (secuencial)."""
    root = work / "nbgrader"
    shutil.copytree(REPO / "solutions" / lesson, root / "solutions" / lesson)
    release(lesson, root)  # preparación: no se mide
    for student, data in submissions.items():
        target = root / "submitted" / student / lesson / f"{lesson}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_bytes(data)
    baseline = work / "nbgrader_config_sin_caja.py"
    baseline.write_text(
        f"c = get_config()\nload_subconfig({str(CONFIG_FILE)!r})\n"
        "from nbgrader.converters.autograde import Autograde\n"
        "c.Autograde.autograde_preprocessors = Autograde.class_traits()['autograde_preprocessors'].default()\n"
    )
    command = [
        str(Path(sys.executable).parent / "nbgrader"),
        "autograde",
        lesson,
        f"--config={baseline}",
        f"--CourseDirectory.root={root}",
        "--force",
    ]
    started = time.monotonic()
    subprocess.run(command, cwd=root, env=env(), check=True, capture_output=True)
    seconds = time.monotonic() - started
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(lesson, s).score for s in submissions}
    return seconds, scores


def ours(lesson: str, submissions: dict[str, bytes], work: Path, jobs: int) -> tuple[float, dict[str, float]]:
    """``python -m autograder grade`` en frío (incluye publicar la lección y arrancar los procesos)."""
    folder = work / f"entregas-{jobs}"
    folder.mkdir()
    for student, data in submissions.items():
        (folder / f"{student}.ipynb").write_bytes(data)
    out = work / f"resultados-{jobs}"
    command = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        lesson,
        str(folder),
        "--out",
        str(out),
        "--jobs",
        str(jobs),
        "--db",
        f"sqlite:///{work / f'libro-{jobs}.db'}",
        "--quiet",
    ]
    started = time.monotonic()
    subprocess.run(command, cwd=REPO, env=env(), check=True, capture_output=True)
    seconds = time.monotonic() - started
    with open(out / "grades.csv", encoding="utf-8") as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    judge_cost(out)
    return seconds, scores


def judge_cost(out: Path) -> None:
    """Lo que cuestan las pruebas en el juez, de los metadatos de los cuadernos calificados."""
    import nbformat

    stats = [
        nbformat.read(path, as_version=4).metadata.get("autograder", {}).get("judge", {})
        for path in sorted((out / "calificados").glob("*.ipynb"))
    ]
    cells = sum(s.get("cells", 0) for s in stats)
    if not cells:
        return
    seconds = sum(s.get("seconds", 0.0) for s in stats)
    agent = sum(s.get("agent_seconds", 0.0) for s in stats)
    requests = sum(s.get("requests", 0) for s in stats)
    print(
        f"    juez: {1000 * seconds / cells:.0f} ms por celda de prueba ({1000 * (seconds - agent) / cells:.0f} ms"
        f" sin contar el código del estudiante), {seconds / len(stats):.2f} s por entrega, "
        f"{requests / cells:.1f} peticiones al núcleo por celda"
    )


def solution_alone(lesson: str, repeats: int = 3) -> float:
    """Segundos de ejecutar la solución (en la versión del estudiante) con nbclient, sin calificar."""
    import nbformat
    from nbclient import NotebookClient

    data = next(iter(batch(lesson, 1).values()))
    times = []
    for _ in range(repeats):
        nb = nbformat.reads(data.decode(), as_version=4)
        started = time.monotonic()
        NotebookClient(nb, timeout=600, allow_errors=True).execute()
        times.append(time.monotonic() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="01_perceptron")
    parser.add_argument("--students", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--also-jobs-1", action="store_true", help="Mide también --jobs 1 (sobrecoste secuencial).")
    args = parser.parse_args()
    submissions = batch(args.lesson, args.students)
    n = len(submissions)
    work = Path(tempfile.mkdtemp(prefix="banco-calificador-"))
    try:
        print(f"Lección {args.lesson}, {n} entregas, {os.cpu_count()} núcleos")
        alone = solution_alone(args.lesson)
        print(f"  solución sola (nbclient):            {alone:6.1f} s por cuaderno")
        base, base_scores = plain_nbgrader(args.lesson, submissions, work)
        print(f"  nbgrader autograde (secuencial):     {base:6.1f} s  {60 * n / base:6.1f} entregas/min")
        rows = [(args.jobs, *ours(args.lesson, submissions, work, args.jobs))]
        if args.also_jobs_1 and args.jobs != 1:
            rows.append((1, *ours(args.lesson, submissions, work, 1)))
        same = True
        for jobs, seconds, scores in rows:
            per = seconds * jobs / n
            print(
                f"  autograder --jobs {jobs}:                {seconds:6.1f} s  {60 * n / seconds:6.1f} entregas/min"
                f"  razón {seconds / base:.2f}  (coste por entrega y proceso {per:.1f} s,"
                f" {per - alone:+.1f} s sobre la solución sola)"
            )
            differing = {s for s in submissions if abs(scores[s] - base_scores[s]) > 1e-9}
            same &= not differing
            if differing:
                print(f"    notas distintas de nbgrader: {sorted(differing)[:5]}")
        print(f"  nbgrader por entrega: {base / n:.1f} s ({base / n - alone:+.1f} s sobre la solución sola)")
        print("  mismas notas que nbgrader:", "sí" if same else "NO")
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
