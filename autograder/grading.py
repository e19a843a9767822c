"""Calificar un lote de entregas en paralelo, con el ``autograde`` de nbgrader.

Cada proceso de trabajo tiene su propio curso temporal de nbgrader (una copia de la lección ya
publicada, con su libro de notas SQLite), un zigoto de núcleos y un servidor de jueces con la
lección ya importada. Por cada entrega lee el archivo (con límite de tamaño), lo empareja con la
publicación (:func:`autograder.intake.normalize`) y lo califica con ``NbGraderAPI.autograde``
(:mod:`autograder.execute`: el núcleo en su caja, las pruebas en el juez). El proceso principal
solo reparte, recoge los resultados según terminan y escribe: el libro de notas del curso (la API
``Gradebook`` de nbgrader), ``grades.csv``, la retroalimentación y ``calificador.log``.
"""

from __future__ import annotations

import copy
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from autograder import intake
from autograder.course import REPO, api, load_config, venv_on_path
from autograder.outcome import Note, Status
from autograder.sandbox import Isolation, Limits

AUTO_UID = -2  # un usuario sin nombre por proceso de trabajo, distinto en cada lote que corre a la vez
LOG_NAME = "calificador.log"
log = logging.getLogger("autograder")


def batch_uids() -> int:
    """Primer uid de este lote (como root): 100000 + 64 por pid, así dos lotes no comparten usuarios."""
    return 100_000 + (os.getpid() % 50_000) * 64


@dataclass
class Settings:
    """Cómo se ejecuta cada entrega.

    Args:
        notebook_timeout: segundos para todo el cuaderno (0: sin límite).
        cell_timeout: segundos por celda (``None``: ``Execute.timeout`` de la configuración).
        limits: :class:`autograder.sandbox.Limits` de la caja.
        isolation: ``"auto"`` (caja o negarse) o ``"none"`` (``--sin-aislamiento``).
        sandbox_uid: como root, primer uid de las cajas (``AUTO_UID``: :func:`batch_uids`).
        zygote: crear los núcleos con ``fork()`` desde un proceso con la lección importada.
        intake: :class:`autograder.intake.IntakeLimits`.
    """

    notebook_timeout: float = 600
    cell_timeout: int | None = None
    limits: Limits = field(default_factory=Limits)
    isolation: str = "auto"
    sandbox_uid: int | None = AUTO_UID
    zygote: bool = True
    intake: intake.IntakeLimits = field(default_factory=intake.IntakeLimits)


@dataclass
class CellResult:
    grade_id: str
    score: float
    max_score: float
    message: str  # "" si aprobó
    lines: list = field(default_factory=list)  # líneas del estudiante donde saltó el error


@dataclass
class Result:
    """Lo que sale de calificar a un estudiante."""

    student_id: str
    origin: str
    name: str = ""
    notes: list[Note] = field(default_factory=list)
    cells: dict[str, CellResult] = field(default_factory=dict)
    graded: bool = False
    seconds: float = 0.0
    autograded: bytes | None = None
    isolation: str = ""
    judge: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cells.values())

    def origin_unknown(self) -> bool:
        return any(note.status in (Status.BAD_NAME, Status.ARCHIVE_LIMIT) for note in self.notes)


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


def _worker_init(
    template: str, workspace: str, lesson: str, settings: Settings, counter, sandbox_root: str, log_file: str
) -> None:
    from autograder.execute import ForkServer, autograde_preprocessors, judge_server
    from autograder.judge import modules_to_preload, trusted_setup

    venv_on_path()
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter(f"%(asctime)s trabajador-{os.getpid()} %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    for name in ("traitlets", "autograder"):
        logging.getLogger(name).handlers[:] = [handler]
        logging.getLogger(name).propagate = False
    fast_alembic_version()
    with counter.get_lock():
        slot = counter.value
        counter.value += 1
    root = Path(workspace) / f"trabajador-{slot}"
    shutil.copytree(template, root)
    released = nbformat.read(release_notebook(root, lesson), as_version=4)
    source = nbformat.read(root / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    modules = modules_to_preload(trusted_setup(source))
    judge_server(modules)  # arranca ya, a la vez que el zigoto: los dos importan la lección
    overrides = {
        "CourseDirectory.db_url": f"sqlite:///{root / 'gradebook.db'}",
        "Autograde.autograde_preprocessors": autograde_preprocessors(),
        "SandboxedExecute.notebook_timeout": float(settings.notebook_timeout or 0),
        "SandboxedExecute.limits": asdict(settings.limits),
        "SandboxedExecute.isolation": settings.isolation,
        "SandboxedExecute.sandbox_uid": -1 if settings.sandbox_uid is None else settings.sandbox_uid + slot,
        "SandboxedExecute.sandbox_root": sandbox_root,
    }
    if settings.cell_timeout:
        overrides["Execute.timeout"] = int(settings.cell_timeout)
    if settings.zygote:
        path = str(root / "zigoto.sock")
        command = [sys.executable, "-m", "autograder.sandbox", "--zygote", path]
        _worker["zygote"] = ForkServer([*command, _json(modules), str(settings.limits.threads)], path).ready()
        overrides["SandboxedExecute.zygote"] = path
    config = load_config(root, **overrides)
    _worker.update(root=root, lesson=lesson, api=api(config), released=released, settings=settings, slot=slot)


def _json(value) -> str:
    import json

    return json.dumps(value)


def _grade_one(submission: intake.Submission) -> dict:
    """En un proceso de trabajo: leer, emparejar y calificar una entrega. Devuelve datos."""
    started = time.monotonic()
    try:
        nb = intake.read_notebook(submission, _worker["settings"].intake.notebook_bytes)
        if nb is None:
            return {"notes": submission.notes, "seconds": time.monotonic() - started}
        normalized, notes = intake.normalize(nb, _worker["released"], _worker["lesson"])
        outcome = _autograde(submission.student_id, nbformat.writes(normalized).encode())
        outcome["notes"] = [*submission.notes, *notes, *outcome.get("notes", [])]
    except Exception:  # noqa: BLE001 - una entrega rota no para el lote; el detalle va al registro
        outcome = {"error": traceback.format_exc(), "notes": submission.notes}
    outcome["seconds"] = time.monotonic() - started
    return outcome


def _autograde(student: str, data: bytes) -> dict:
    from nbgrader.api import Gradebook

    from autograder.execute import METADATA_KEY

    root, lesson = _worker["root"], _worker["lesson"]
    name = release_notebook(root, lesson).name
    submitted = root / "submitted" / student / lesson
    submitted.mkdir(parents=True, exist_ok=True)
    (submitted / name).write_bytes(data)
    autograded_path = root / "autograded" / student / lesson / name
    try:
        result = _worker["api"].autograde(lesson, student, force=True, create=True)
        if not result.get("success") or not autograded_path.exists():
            return {"error": f"{result.get('error') or ''}\n{result.get('log') or ''}".strip()}
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            notebook = gradebook.find_submission_notebook(name.rsplit(".", 1)[0], lesson, student)
            scores = {g.name: (float(g.score), float(g.max_score)) for g in notebook.grades}
        autograded = autograded_path.read_bytes()
        meta = nbformat.reads(autograded.decode(), as_version=4).metadata.get(METADATA_KEY, {})
        return {
            "scores": scores,
            "autograded": autograded,
            "notes": [Note.from_dict(n) for n in meta.get("notes", [])],
            "isolation": meta.get("isolation", ""),
            "judge": meta.get("judge", {}),
            "frames": meta.get("frames", {}),
        }
    finally:
        shutil.rmtree(root / "submitted" / student, ignore_errors=True)
        shutil.rmtree(root / "autograded" / student, ignore_errors=True)


# --- Mensajes a partir del cuaderno calificado ------------------------------------------------


def _analyse(result: Result, outcome: dict, released) -> None:
    """Puntos y mensaje de cada celda calificada (las de respuesta escrita se califican a mano)."""
    from autograder.report import cell_message

    nb = nbformat.reads(outcome["autograded"].decode(), as_version=4)
    scores = outcome["scores"]
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid not in scores or cell.cell_type != "code":
            continue
        score, max_score = scores[gid]
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        message, lines = "", []
        if score < max_score:
            message = cell_message(errors[0]) if errors else "Puntuación parcial."
            lines = outcome.get("frames", {}).get(gid, []) if errors else []
        result.cells[gid] = CellResult(gid, score, max_score, message[:1500], lines)


# --- Lote -------------------------------------------------------------------------------------


def release_notebook(course_root: Path, lesson: str) -> Path:
    folder = course_root / "course" / lesson
    named = folder / f"{lesson}.ipynb"
    return named if named.exists() else sorted(folder.glob("*.ipynb"))[0]


def _log_to(out: Path) -> logging.Handler:
    handler = logging.FileHandler(out / LOG_NAME, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def check_isolation(settings: Settings) -> str:
    """El nivel de aislamiento del lote; ``IsolationRefused`` si no hay y no se pidió ir sin él."""
    from autograder.execute import IsolationRefused, probe_isolation

    if settings.isolation == "none":
        return Isolation.NONE.value
    level, reason = probe_isolation()
    if level is Isolation.NONE:
        raise IsolationRefused(reason)
    return level.value


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
    """Califica todas las entregas de ``sources`` y escribe en ``out`` las notas y la retroalimentación.

    Args:
        lesson: la lección (carpeta de ``solutions/``).
        sources: carpetas, zips de Moodle/Canvas o ``submitted/`` de nbgrader.
        out: carpeta de resultados (``grades.csv``, ``feedback/``, ``calificados/``, ``calificador.log``).
        jobs: procesos de trabajo (por defecto, núcleos).
        settings: :class:`Settings`.
        db_url: libro de notas del curso (por defecto, el de la configuración de nbgrader).
        progress: barra de progreso y resumen en la terminal.
        source_root: raíz del curso.

    Returns:
        Un :class:`Result` por estudiante y por archivo que no se pudo atribuir, ordenados.

    Raises:
        autograder.execute.IsolationRefused: sin aislamiento posible y sin ``isolation="none"``.
    """
    from tqdm import tqdm

    from autograder import feedback, report

    fast_alembic_version()
    settings = copy.deepcopy(settings or Settings())
    isolation = check_isolation(settings)
    jobs = max(1, min(64, jobs or os.cpu_count() or 1))
    if settings.sandbox_uid == AUTO_UID:
        settings.sandbox_uid = batch_uids()
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    handler = _log_to(out)
    sources = [Path(s).resolve() for s in sources]
    db_url = (
        db_url or load_config(source_root).CourseDirectory.get("db_url") or f"sqlite:///{source_root / 'gradebook.db'}"
    )
    workspace = Path(tempfile.mkdtemp(prefix="calificador-"))
    sandbox_root = Path(tempfile.mkdtemp(prefix="calificador-nucleos-"))
    os.chmod(workspace, 0o700)
    os.chmod(sandbox_root, 0o711)
    log.info("Lote de %s desde %s (aislamiento: %s)", lesson, [str(s) for s in sources], isolation)
    try:
        template = workspace / "plantilla"
        released = _publish(template, source_root, lesson)
        results: dict[str, Result] = {}
        gradable = []
        for submission in intake.collect(sources, lesson, settings.intake):
            result = Result(submission.student_id, submission.origin, submission.name, list(submission.notes))
            result.isolation = isolation
            results[submission.student_id if submission.gradable else f"?{submission.origin}"] = result
            if submission.gradable:
                gradable.append(submission)
        started = time.monotonic()
        bar = tqdm(total=len(gradable), desc=f"Calificando {lesson}", unit="entrega", disable=not progress)
        pool = _run_pool(gradable, jobs, template, workspace, lesson, settings, sandbox_root, out / LOG_NAME)
        for submission, outcome in pool:
            result = results[submission.student_id]
            result.seconds = outcome.get("seconds", 0.0)
            result.notes = list(dict.fromkeys(outcome.get("notes", result.notes)))
            if "error" in outcome:
                log.error("Entrega %s: %s", submission.student_id, outcome["error"])
                result.notes.append(
                    Note.of(Status.GRADER_ERROR, detail=outcome["error"].strip().splitlines()[-1][:200])
                )
            elif "autograded" in outcome:
                result.graded = True
                result.autograded = outcome["autograded"]
                result.judge = outcome.get("judge", {})
                _analyse(result, outcome, released)
            bar.update()
        bar.close()
        elapsed = time.monotonic() - started
        if isolation == Isolation.NONE.value:
            for result in results.values():
                result.notes.append(Note.of(Status.NO_ISOLATION))
        max_scores = _max_scores(released)
        for result in results.values():
            if not result.graded:
                result.cells = {gid: CellResult(gid, 0.0, points, "") for gid, points in max_scores.items()}
        ordered = sorted(results.values(), key=lambda r: r.student_id)
        store_in_gradebook(db_url, template, lesson, release_notebook(template, lesson).stem, ordered)
        report.write_csv(out / "grades.csv", ordered, list(max_scores))
        feedback.write_all(out / "feedback", ordered, released, lesson)
        _keep_autograded(out / "calificados", ordered)
        summary = report.summary(ordered, list(max_scores), elapsed, jobs, isolation)
        log.info("%s", summary)
        if progress:
            print(summary)
        return ordered
    finally:
        log.removeHandler(handler)
        handler.close()
        shutil.rmtree(workspace, ignore_errors=True)
        shutil.rmtree(sandbox_root, ignore_errors=True)


def _publish(template: Path, source_root: Path, lesson: str):
    """Publica la lección en un curso de plantilla (su libro de notas, nunca el del curso)."""
    shutil.copytree(source_root / "solutions" / lesson, template / "solutions" / lesson)
    template_db = f"sqlite:///{template / 'gradebook.db'}"
    with venv_on_path():
        made = api(load_config(template, **{"CourseDirectory.db_url": template_db})).generate_assignment(
            lesson, force=True, create=True
        )
    if not made.get("success"):
        raise RuntimeError(f"No se pudo publicar {lesson}: {made.get('error') or made.get('log')}")
    return nbformat.read(release_notebook(template, lesson), as_version=4)


def _run_pool(submissions, jobs, template, workspace, lesson, settings, sandbox_root, log_file):
    """``(entrega, resultado)`` según terminan; si un proceso de trabajo muere, la entrega se informa."""
    if not submissions:
        return
    context = multiprocessing.get_context("spawn")
    counter = context.Value("i", 0)
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(submissions)),
        mp_context=context,
        initializer=_worker_init,
        initargs=(str(template), str(workspace), lesson, settings, counter, str(sandbox_root), str(log_file)),
    ) as pool:
        futures = {pool.submit(_grade_one, submission): submission for submission in submissions}
        for future in as_completed(futures):
            submission = futures[future]
            try:
                yield submission, future.result()
            except (BrokenProcessPool, Exception) as error:  # noqa: BLE001
                yield submission, {"error": f"{type(error).__name__}: {error}", "notes": submission.notes}


def _keep_autograded(folder: Path, results: list[Result]) -> None:
    folder.mkdir(exist_ok=True)
    for result in results:
        if result.autograded:
            (folder / f"{result.student_id}.ipynb").write_bytes(result.autograded)


def _max_scores(released) -> dict[str, float]:
    """Puntos de cada celda calificada automáticamente (las de código)."""
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
    results = [r for r in results if not r.origin_unknown()]
    with venv_on_path(), Gradebook(f"sqlite:///{template / 'gradebook.db'}") as source, Gradebook(db_url) as target:
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
            target.update_or_create_student(result.student_id, first_name=result.name or None)
            target.update_or_create_submission(lesson, result.student_id)
            for gid, cell in result.cells.items():
                grade = target.find_grade(gid, notebook, lesson, result.student_id)
                grade.auto_score = cell.score
                grade.needs_manual_grade = False
            target.db.commit()
