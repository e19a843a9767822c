"""Calificar un lote de entregas en paralelo, con el ``autograde`` de nbgrader.

Cada proceso de trabajo tiene su propio curso temporal de nbgrader (una copia de la lección ya
publicada, con su libro de notas SQLite) y califica allí las entregas que le tocan con
``NbGraderAPI.autograde``: así se paga una sola vez la importación de nbgrader y la creación del
libro de notas, y varias entregas se califican a la vez. El proceso principal copia después los
puntos al libro de notas del curso (el de la configuración, SQLite o cualquier URL de SQLAlchemy)
con la API ``Gradebook`` de nbgrader, y escribe ``grades.csv`` y la retroalimentación.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import intake
from autograder.course import REPO, _venv_on_path, api, load_config
from autograder.execute import SEPARATOR, STOPPED, memory_message
from autograder.guard import GUARD_MARK

AUTO_UID = -2  # un usuario sin nombre por proceso de trabajo, distinto en cada lote que corre a la vez


def batch_uids() -> int:
    """Primer uid de este lote: 100000 + 64 por cada pid, así dos lotes simultáneos no comparten usuarios
    (al terminar cada entrega se matan todos los procesos de su usuario)."""
    return 100_000 + (os.getpid() % 50_000) * 64


@dataclass
class Settings:
    """Límites y aislamiento de la ejecución de cada entrega."""

    notebook_timeout: float = 600
    cell_timeout: int | None = None  # None: el de la configuración (Execute.timeout)
    memory: int = 8 << 30
    sandbox_uid: int | None = AUTO_UID  # None: no cambiar de usuario; AUTO_UID: batch_uids()
    hide: list[str] = field(default_factory=list)
    threads: int = 1
    zygote: bool = True  # núcleos creados con fork() desde un proceso con todo importado


@dataclass
class CellResult:
    grade_id: str
    score: float
    max_score: float
    message: str  # "" si aprobó


@dataclass
class Result:
    """Lo que sale de calificar a un estudiante."""

    student_id: str
    origin: str
    status: list[str] = field(default_factory=list)
    cells: dict[str, CellResult] = field(default_factory=dict)
    graded: bool = False
    seconds: float = 0.0
    autograded: bytes | None = None

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells.values())

    def origin_unknown(self) -> bool:
        return any(problem.startswith("nombre de archivo inesperado") for problem in self.status)

    @property
    def status_text(self) -> str:
        return "; ".join(self.status) if self.status else "ok"


def fast_alembic_version() -> None:
    """Que nbgrader no lance el subproceso ``alembic heads`` (1-2 s) cada vez que crea un libro de notas."""
    import functools

    import nbgrader.api

    if getattr(nbgrader.api.get_alembic_version, "_rapida", False):
        return

    @functools.lru_cache(maxsize=1)
    def version() -> str:
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from nbgrader.dbutil import _temp_alembic_ini

        with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
            return ScriptDirectory.from_config(Config(ini)).get_current_head()

    version._rapida = True
    nbgrader.api.get_alembic_version = version


# --- Proceso de trabajo -----------------------------------------------------------------------

_worker: dict = {}


def _worker_init(template: str, workspace: str, lesson: str, settings: Settings, counter, sandbox_root: str) -> None:
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    with counter.get_lock():
        slot = counter.value
        counter.value += 1
    root = Path(workspace) / f"trabajador-{slot}"
    shutil.copytree(template, root)
    overrides = {
        "CourseDirectory.db_url": f"sqlite:///{root / 'gradebook.db'}",
        "Autograde.autograde_preprocessors": _preprocessors(),
        "SandboxedExecute.notebook_timeout": float(settings.notebook_timeout or 0),
        "SandboxedExecute.memory_limit": int(settings.memory or 0),
        "SandboxedExecute.sandbox_uid": -1 if settings.sandbox_uid is None else settings.sandbox_uid + slot,
        "SandboxedExecute.sandbox_root": sandbox_root,
        "SandboxedExecute.hide_paths": list(settings.hide),
        "SandboxedExecute.threads": settings.threads,
        "SandboxedExecute.mpl_cache": _mpl_cache(),
    }
    if settings.cell_timeout:
        overrides["Execute.timeout"] = int(settings.cell_timeout)
    if settings.zygote:
        overrides["SandboxedExecute.zygote"] = _start_zygote(root, settings.threads)
    config = load_config(root, **overrides)
    _worker.update(root=root, lesson=lesson, api=api(config), db_url=overrides["CourseDirectory.db_url"])


def _start_zygote(root: Path, threads: int) -> str:
    """Arranca el zigoto de núcleos de este proceso de trabajo; sin él se lanzan núcleos normales."""
    import subprocess

    path = str(root / "zigoto.sock")
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder.sandbox", "--zygote", path, str(threads)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=root,
    )
    deadline = time.monotonic() + 60
    while not os.path.exists(path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    _worker["zygote"] = process
    return path if os.path.exists(path) else ""


def _preprocessors():
    from autograder.execute import autograde_preprocessors

    return autograde_preprocessors()


def _mpl_cache() -> str:
    try:
        import matplotlib

        caches = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))
        return str(caches[-1]) if caches else ""
    except Exception:  # noqa: BLE001 - sin caché, matplotlib la crea (más lento, nada más)
        return ""


def _grade_one(student: str, notebook_name: str, data: bytes) -> dict:
    """En un proceso de trabajo: ``autograde`` de una entrega. Devuelve puntos y mensajes."""
    from nbgrader.api import Gradebook

    root, lesson = _worker["root"], _worker["lesson"]
    started = time.monotonic()
    submitted = root / "submitted" / student / lesson
    submitted.mkdir(parents=True, exist_ok=True)
    (submitted / notebook_name).write_bytes(data)
    autograded_path = root / "autograded" / student / lesson / notebook_name
    try:
        result = _worker["api"].autograde(lesson, student, force=True, create=True)
        if not result.get("success") or not autograded_path.exists():
            log = (result.get("error") or "") + "\n" + (result.get("log") or "")
            return {"error": log.strip()[-2000:], "seconds": time.monotonic() - started}
        with Gradebook(_worker["db_url"]) as gradebook:
            notebook = gradebook.find_submission_notebook(notebook_name.rsplit(".", 1)[0], lesson, student)
            scores = {
                g.name: (float(g.score), float(g.max_score)) for g in notebook.grades if g.cell.cell_type == "code"
            }
        autograded = autograded_path.read_bytes()
        return {"scores": scores, "autograded": autograded, "seconds": time.monotonic() - started}
    finally:
        shutil.rmtree(root / "submitted" / student, ignore_errors=True)
        shutil.rmtree(root / "autograded" / student, ignore_errors=True)


# --- Mensajes a partir del cuaderno calificado ------------------------------------------------


def _error_message(output) -> str:
    ename, evalue = output.get("ename", ""), output.get("evalue", "")
    if ename == STOPPED:
        return evalue
    if ename in ("CheckError", "AssertionError") and evalue:
        return evalue
    if ename == "NotImplementedError":
        return "Falta tu solución: el ejercicio todavía lanza NotImplementedError."
    if ename == "NameError":
        return f"No está definido lo que usa la prueba ({evalue}): ¿ejecutaste o completaste el ejercicio?"
    if ename == "MemoryError":
        return "Se agotó la memoria disponible para el cuaderno (MemoryError)."
    if ename == "CellTimeoutError":
        return "La celda superó el límite de tiempo."
    return f"Error al ejecutar la prueba: {ename}: {evalue}".strip()


def _analyse(result: Result, autograded: bytes, scores: dict[str, tuple[float, float]], memory_limit: int = 0) -> None:
    nb = nbformat.reads(autograded.decode(), as_version=4)
    stopped, memory, exits, restored = None, False, False, set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        for output in cell.outputs:
            if output.get("output_type") == "stream" and GUARD_MARK in output.get("text", ""):
                for line in output["text"].splitlines():
                    if line.startswith(GUARD_MARK):
                        restored.update(n.strip() for n in line[len(GUARD_MARK) :].split(","))
        for error in errors:
            if error.get("ename") == STOPPED and stopped is None:
                stopped = error.get("evalue", "")
            memory |= error.get("ename") == "MemoryError"
            exits |= error.get("ename") == "SystemExit"
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in scores:
            score, max_score = scores[gid]
            message = ""
            if score < max_score:
                message = _error_message(errors[0]) if errors else "Puntuación parcial."
            result.cells[gid] = CellResult(gid, score, max_score, message[:1500])
    if stopped:
        result.status.append(stopped.split(SEPARATOR)[0])
    if memory and not (stopped or "").startswith("memoria agotada"):
        result.status.append(memory_message(memory_limit))
    if exits:
        result.status.append("el código llamó a sys.exit()")
    if restored:
        result.status.append("el código modificó " + ", ".join(sorted(restored)) + ": se restauró antes de cada prueba")


# --- Lote -------------------------------------------------------------------------------------


def release_notebook(course_root: Path, lesson: str) -> Path:
    folder = course_root / "course" / lesson
    notebooks = sorted(folder.glob("*.ipynb"))
    named = folder / f"{lesson}.ipynb"
    return named if named.exists() else notebooks[0]


def grade_batch(
    lesson: str,
    sources: list[Path],
    out: Path,
    *,
    jobs: int | None = None,
    settings: Settings | None = None,
    db_url: str | None = None,
    progress: bool = True,
    source_root: Path = REPO,
) -> list[Result]:
    """Califica todas las entregas de ``sources`` y escribe ``out/grades.csv`` y ``out/feedback/``."""
    from tqdm import tqdm

    from autograder import feedback, report

    fast_alembic_version()
    settings = copy.copy(settings or Settings())
    jobs = max(1, min(64, jobs or os.cpu_count() or 1))
    if settings.sandbox_uid == AUTO_UID:
        settings.sandbox_uid = batch_uids()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    sources = [Path(s).resolve() for s in sources]
    main_config = load_config(source_root)
    db_url = db_url or main_config.CourseDirectory.get("db_url") or f"sqlite:///{source_root / 'gradebook.db'}"
    settings.hide = sorted(
        set(settings.hide)
        | {str(source_root / "solutions"), str(source_root / "tests"), str(source_root / "gradebook.db")}
        | {str(s) for s in sources}
        | {str(out)}
        | ({db_url[len("sqlite:///") :]} if db_url.startswith("sqlite:///") else set())
    )
    workspace = Path(tempfile.mkdtemp(prefix="calificador-"))
    sandbox_root = Path(tempfile.mkdtemp(prefix="calificador-nucleos-"))
    os.chmod(workspace, 0o700)
    os.chmod(sandbox_root, 0o711)
    settings.hide.append(str(workspace))
    try:
        template = workspace / "plantilla"
        shutil.copytree(source_root / "solutions" / lesson, template / "solutions" / lesson)
        template_db = f"sqlite:///{template / 'gradebook.db'}"  # nunca el libro de notas del curso
        with _venv_on_path():
            made = api(load_config(template, **{"CourseDirectory.db_url": template_db})).generate_assignment(
                lesson, force=True, create=True
            )
        if not made.get("success"):
            raise RuntimeError(f"No se pudo publicar {lesson}: {made.get('error') or made.get('log')}")
        released_path = release_notebook(template, lesson)
        released = nbformat.read(released_path, as_version=4)

        results: dict[str, Result] = {}
        tasks = []
        for submission in intake.collect(sources, lesson):
            result = Result(submission.student_id, submission.origin, list(submission.problems))
            results[submission.student_id if submission.gradable else f"?{submission.origin}"] = result
            if not submission.gradable:
                continue
            nb = intake.read_notebook(submission)
            result.status = list(submission.problems)
            if nb is None:
                continue
            normalized, notes = intake.normalize(nb, released, lesson)
            result.status += notes
            tasks.append((submission.student_id, intake.to_bytes(normalized)))

        context = multiprocessing.get_context("spawn")
        counter = context.Value("i", 0)
        started = time.monotonic()
        with ProcessPoolExecutor(
            max_workers=min(jobs, max(1, len(tasks))),
            mp_context=context,
            initializer=_worker_init,
            initargs=(str(template), str(workspace), lesson, settings, counter, str(sandbox_root)),
        ) as pool:
            futures = {pool.submit(_grade_one, student, released_path.name, data): student for student, data in tasks}
            bar = tqdm(total=len(futures), desc=f"Calificando {lesson}", unit="entrega", disable=not progress)
            for future in as_completed(futures):
                student = futures[future]
                result = results[student]
                try:
                    outcome = future.result()
                except Exception as error:  # noqa: BLE001 - una entrega rota no para el lote
                    outcome = {"error": f"{type(error).__name__}: {error}", "seconds": 0.0}
                result.seconds = outcome.get("seconds", 0.0)
                if "error" in outcome:
                    result.status.append("error del calificador: " + outcome["error"].splitlines()[-1][:200])
                else:
                    result.graded = True
                    result.autograded = outcome["autograded"]
                    _analyse(result, outcome["autograded"], outcome["scores"], settings.memory)
                bar.update()
            bar.close()
        elapsed = time.monotonic() - started

        max_scores = _max_scores(released)
        for result in results.values():
            if not result.graded:
                result.cells = {gid: CellResult(gid, 0.0, points, "") for gid, points in max_scores.items()}
        ordered = sorted(results.values(), key=lambda r: r.student_id)
        store_in_gradebook(db_url, template, lesson, released_path.stem, [r for r in ordered if not r.origin_unknown()])
        report.write_csv(out / "grades.csv", ordered, list(max_scores))
        feedback.write_all(out / "feedback", ordered, released, lesson)
        autograded_dir = out / "calificados"
        autograded_dir.mkdir(exist_ok=True)
        for result in ordered:
            if result.autograded:
                (autograded_dir / f"{result.student_id}.ipynb").write_bytes(result.autograded)
        if progress:
            print(report.summary(ordered, list(max_scores), elapsed, jobs))
        return ordered
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
        shutil.rmtree(sandbox_root, ignore_errors=True)


def _max_scores(released) -> dict[str, float]:
    return {
        cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"].get("points", 0))
        for cell in released.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    }


def store_in_gradebook(db_url: str, template: Path, lesson: str, notebook: str, results: list[Result]) -> None:
    """Copia la lección (de la plantilla) y los puntos al libro de notas del curso."""
    import warnings

    from nbgrader.api import Gradebook

    warnings.filterwarnings("ignore", message=".*not in session.*")
    with _venv_on_path(), Gradebook(f"sqlite:///{template / 'gradebook.db'}") as source, Gradebook(db_url) as target:
        assignment = source.find_assignment(lesson)
        target.update_or_create_assignment(lesson, duedate=assignment.duedate)
        for nb in assignment.notebooks:
            target.update_or_create_notebook(nb.name, lesson)
            for cell in nb.grade_cells:
                target.update_or_create_grade_cell(
                    cell.name, nb.name, lesson, max_score=cell.max_score, cell_type=cell.cell_type
                )
            for cell in nb.solution_cells:
                target.update_or_create_solution_cell(cell.name, nb.name, lesson)
            for cell in nb.task_cells:
                target.update_or_create_task_cell(
                    cell.name, nb.name, lesson, max_score=cell.max_score, cell_type=cell.cell_type
                )
            for cell in nb.source_cells:
                target.update_or_create_source_cell(
                    cell.name,
                    nb.name,
                    lesson,
                    cell_type=cell.cell_type,
                    locked=cell.locked,
                    source=cell.source,
                    checksum=cell.checksum,
                )
        for result in results:
            target.update_or_create_student(result.student_id)
            target.update_or_create_submission(lesson, result.student_id)
            for gid, cell in result.cells.items():
                grade = target.find_grade(gid, notebook, lesson, result.student_id)
                grade.auto_score = cell.score
                grade.needs_manual_grade = False
            target.db.commit()
