"""Mide el calificador en una sola ejecución: ``nbgrader autograde`` secuencial frente a
``python -m autograder grade --jobs N`` (en Dask), sobre el mismo lote, y el cuaderno de la solución solo.

    python scripts/bench_grading.py [--lesson 01_perceptron] [--students 16] [--jobs 2] [--also-jobs-1]
        [--pool-ref 505f178] [--repeat 1]

Imprime entregas por minuto de cada forma, la razón de tiempos (objetivo: <= 0.6 con 2 procesos
en 2 núcleos), el sobrecoste por entrega frente a ejecutar la solución sola, y comprueba que las
notas de ambos métodos son idénticas. ``--pool-ref`` califica el mismo lote, en la misma ejecución,
con el calificador de otra versión del repositorio (``git archive``; p. ej. el de antes de Dask, con
su propio grupo de procesos) e imprime la razón Dask / esa versión (objetivo: <= 1.10).

Con los segundos de cada entrega que anota el calificador (``calificador.log``) se separan el coste
de una entrega con los núcleos ocupados del arranque del lote (publicar la lección, arrancar el
clúster, importar la lección, escribir los resultados), y se proyectan las entregas por minuto con
1, 2 y 64 procesos (uno por núcleo) y la regla «N estudiantes con W procesos ≈ arranque + N/W ×
coste por entrega».
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
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


CPUACCT = Path("/sys/fs/cgroup/cpuacct")
cpu_seconds: list[float | None] = []  # CPU de cada orden medida, con todos sus procesos (o None)


def timed(command: list[str], cwd: Path) -> float:
    """Segundos de reloj de ``command``; su CPU (con la de todos sus descendientes: núcleos, jueces,
    procesos de trabajo) queda en :data:`cpu_seconds` si se puede crear un cgroup ``cpuacct`` (root).
    En una máquina compartida, la CPU compara mejor que el reloj."""
    group = CPUACCT / f"banco-calificador-{os.getpid()}-{time.monotonic_ns()}"
    try:
        group.mkdir()
    except OSError:
        group = None

    def enter() -> None:
        if group is not None:
            (group / "cgroup.procs").write_text(str(os.getpid()))

    started = time.monotonic()
    subprocess.run(command, cwd=cwd, env=env(), check=True, capture_output=True, preexec_fn=enter)
    seconds = time.monotonic() - started
    cpu = None
    if group is not None:
        cpu = int((group / "cpuacct.usage").read_text()) / 1e9
        time.sleep(0.5)  # los últimos procesos de la caja terminan justo después
        with contextlib.suppress(OSError):
            group.rmdir()
    cpu_seconds.append(cpu)
    return seconds


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
    seconds = timed(command, root)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(lesson, s).score for s in submissions}
    return seconds, scores


def ours(
    lesson: str, submissions: dict[str, bytes], work: Path, jobs: int, code: Path = REPO, tag: str = "dask"
) -> tuple[float, dict[str, float]]:
    """``python -m autograder grade`` en frío (incluye publicar la lección y arrancar los procesos).

    Args:
        code: la raíz del repositorio cuyo calificador se mide (por defecto, este).
        tag: nombre de la medida (carpetas de trabajo distintas para cada una).
    """
    name = f"{tag}-{jobs}-{len(submissions)}-{time.monotonic_ns()}"
    folder = work / f"entregas-{name}"
    folder.mkdir()
    for student, data in submissions.items():
        (folder / f"{student}.ipynb").write_bytes(data)
    out = work / f"resultados-{name}"
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
        f"sqlite:///{work / f'libro-{name}.db'}",
        "--quiet",
    ]
    seconds = timed(command, code)
    with open(out / "grades.csv", encoding="utf-8") as handle:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    judge_cost(out)
    log = (out / "calificador.log").read_text(encoding="utf-8")
    task_seconds.append([float(t) for t in re.findall(r"INFO Entrega \S+: ([\d.]+) s$", log, re.MULTILINE)])
    return seconds, scores


task_seconds: list[list[float]] = []  # segundos de cada entrega en su proceso de trabajo, por medida


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


def cpu(index: int, n: int) -> str:
    """La CPU de una medida de :data:`cpu_seconds`, si la hay, por entrega."""
    value = cpu_seconds[index] if cpu_seconds else None
    return "" if value is None else f"  (CPU {value:.1f} s, {value / n:.1f} s por entrega)"


def checkout(ref: str, work: Path) -> Path:
    """Una copia de la versión ``ref`` del repositorio (``git archive``), para medir su calificador.

    Solo cambia el calificador: las lecciones (``solutions/``, ``course/``) y ``shared`` son las de
    ahora, así que las dos versiones califican el mismo lote con las mismas pruebas."""
    folder = work / f"version-{ref}"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    for same in ("solutions", "course", "shared"):
        shutil.rmtree(folder / same, ignore_errors=True)
        shutil.copytree(REPO / same, folder / same, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@dataclass
class Model:
    """``T(N, W) ≈ startup + ceil(N / W) × per_task``: el arranque y el coste de una entrega con W procesos."""

    startup: float
    per_task: float

    @classmethod
    def fit(cls, seconds: float, tasks: list[float], jobs: int) -> Model:
        """De un lote de ``len(tasks)`` entregas con ``jobs`` procesos que tardó ``seconds``, y los
        segundos de cada entrega en su proceso (lo que anota el calificador)."""
        per_task = max(0.1, sum(tasks) / max(1, len(tasks)))
        return cls(max(0.0, seconds - math.ceil(len(tasks) / jobs) * per_task), per_task)

    def seconds(self, n: int, workers: int) -> float:
        return self.startup + math.ceil(n / workers) * self.per_task

    def per_minute(self, workers: int) -> float:
        return 60 * workers / self.per_task


def projection(lesson: str, model: Model, measured: dict[int, float], n: int, students: int = 300) -> None:
    """Entregas por minuto con 1, 2 y 64 procesos y la regla para el README."""
    print(
        f"  Dask: arranque {model.startup:.1f} s (publicar, clúster, importar la lección, escribir) y"
        f" {model.per_task:.1f} s por entrega y proceso con los núcleos ocupados"
    )
    print(f"    {'procesos':>8}  {'entregas/min':>12}  {f'{students} estudiantes':>16}")
    for workers in (1, 2, 64):
        note = f"medido: {60 * n / measured[workers]:.1f}/min" if workers in measured else "proyectado"
        minutes = model.seconds(students, workers) / 60
        print(f"    {workers:>8}  {model.per_minute(workers):>12.1f}  {minutes:>12.1f} min  ({note})")
    print(
        f"    regla: N estudiantes de {lesson} con W procesos ≈ {model.startup / 60:.1f} min"
        f" + N/W × {model.per_task / 60:.2f} min"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="01_perceptron")
    parser.add_argument("--students", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--also-jobs-1", action="store_true", help="Mide también --jobs 1 (sobrecoste secuencial).")
    parser.add_argument("--pool-ref", help="Versión del repositorio (git) con la que comparar en la misma ejecución.")
    parser.add_argument("--repeat", type=int, default=1, help="Repite Dask y --pool-ref, alternados; cuenta el mejor.")
    args = parser.parse_args()
    submissions = batch(args.lesson, args.students)
    n = len(submissions)
    work = Path(tempfile.mkdtemp(prefix="banco-calificador-"))
    try:
        print(f"Lección {args.lesson}, {n} entregas, {os.cpu_count()} núcleos")
        alone = solution_alone(args.lesson)
        print(f"  solución sola (nbclient):            {alone:6.1f} s por cuaderno")
        base, base_scores = plain_nbgrader(args.lesson, submissions, work)
        print(f"  nbgrader autograde (secuencial):     {base:6.1f} s  {60 * n / base:6.1f} entregas/min{cpu(-1, n)}")
        pool_code = checkout(args.pool_ref, work) if args.pool_ref else None
        runs: dict[str, list[tuple[float, dict]]] = {"dask": [], "pool": []}
        cpus: dict[str, list[float | None]] = {"dask": [], "pool": []}
        for _ in range(max(1, args.repeat)):
            runs["dask"].append(ours(args.lesson, submissions, work, args.jobs))
            cpus["dask"].append(cpu_seconds[-1])
            if pool_code is not None:
                runs["pool"].append(ours(args.lesson, submissions, work, args.jobs, pool_code, "pool"))
                cpus["pool"].append(cpu_seconds[-1])
        best = min(range(len(runs["dask"])), key=lambda i: runs["dask"][i][0])
        tasks = task_seconds[2 * best if pool_code is not None else best]
        rows = [(args.jobs, *runs["dask"][best])]
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
        if runs["pool"]:
            pool_seconds, pool_scores = min(runs["pool"], key=lambda run: run[0])
            dask_seconds = rows[0][1]
            print(
                f"  {args.pool_ref} --jobs {args.jobs} (su propio grupo de procesos): {pool_seconds:6.1f} s"
                f"  {60 * n / pool_seconds:6.1f} entregas/min  razón {pool_seconds / base:.2f}"
            )
            print(
                f"  Dask / {args.pool_ref}: {dask_seconds / pool_seconds:.2f}"
                f"  (todas las medidas, s: Dask {[round(r[0], 1) for r in runs['dask']]},"
                f" {args.pool_ref} {[round(r[0], 1) for r in runs['pool']]})"
            )
            if None not in cpus["dask"] + cpus["pool"]:
                dask_cpu, pool_cpu = min(cpus["dask"]), min(cpus["pool"])
                print(
                    f"  CPU de todo el lote (cgroup): Dask {dask_cpu:.1f} s, {args.pool_ref} {pool_cpu:.1f} s,"
                    f" razón {dask_cpu / pool_cpu:.2f}; nbgrader {cpu_seconds[0]:.1f} s"
                    f" (todas: Dask {[round(c, 1) for c in cpus['dask']]}, {args.pool_ref}"
                    f" {[round(c, 1) for c in cpus['pool']]})"
                )
            if pool_scores != rows[0][2]:
                print("    notas distintas entre Dask y", args.pool_ref)
                same = False
        measured = {jobs: seconds for jobs, seconds, _ in rows}
        projection(args.lesson, Model.fit(rows[0][1], tasks, args.jobs), measured, n)
        print(f"  nbgrader por entrega: {base / n:.1f} s ({base / n - alone:+.1f} s sobre la solución sola)")
        print("  mismas notas que nbgrader:", "sí" if same else "NO")
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
