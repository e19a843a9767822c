"""Calificar un lote de entregas en paralelo, con el ``autograde`` de nbgrader.

Las entregas se reparten en Dask (:mod:`autograder.cluster`): un ``LocalCluster`` en esta máquina o
un clúster existente. Cada proceso de trabajo tiene su propio curso temporal de nbgrader (una copia
de la lección ya publicada, con su libro de notas SQLite), un zigoto de núcleos y un servidor de
jueces con la lección ya importada (:func:`_worker_init`; en el ``LocalCluster``, los dos son de la
máquina y los comparten todos sus procesos de trabajo: :func:`lesson_servers`). Por cada entrega
lee el archivo (con límite de tamaño), lo empareja con la publicación
(:func:`autograder.intake.normalize`) y lo califica con ``NbGraderAPI.autograde``
(:mod:`autograder.execute`: el núcleo en su caja, las pruebas en el juez). El proceso principal
solo reparte, recoge los resultados según terminan y escribe: el libro de notas del curso (la API
``Gradebook`` de nbgrader), ``grades.csv``, la retroalimentación y ``calificador.log``.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import tempfile
import time
import traceback
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
        moodle_language: ``"es"`` o ``"en"``, el idioma del sitio de Moodle (ver :mod:`autograder.lms`).
        canvas_assignment: el nombre de la tarea en Canvas (por defecto, el de la lección).
    """

    notebook_timeout: float = 600
    cell_timeout: int | None = None
    limits: Limits = field(default_factory=Limits)
    isolation: str = "auto"
    sandbox_uid: int | None = AUTO_UID
    zygote: bool = True
    intake: intake.IntakeLimits = field(default_factory=intake.IntakeLimits)
    moodle_language: str = "es"  # idioma del sitio de Moodle (sus columnas se reconocen por el nombre)
    canvas_assignment: str = ""  # nombre de la columna de la tarea en Canvas (por defecto, la lección)


@dataclass
class CellResult:
    """Una celda de prueba calificada: puntos y, si no los ganó todos, por qué (``kind``: ver report.ADVICE)."""

    grade_id: str
    score: float
    max_score: float
    message: str = ""  # "" si aprobó
    kind: str = ""


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
    manual: dict[str, CellResult] = field(default_factory=dict)  # preguntas escritas (se corrigen a mano)

    @property
    def score(self) -> float:
        """Los puntos ganados: automáticos y, si ya se corrigieron, los de las preguntas escritas."""
        return sum(c.score for c in self.cells.values()) + sum(c.score for c in self.manual.values())

    @property
    def manual_pending(self) -> float:
        """Puntos de preguntas escritas que aún no ha corregido nadie."""
        return sum(c.max_score for c in self.manual.values() if c.kind == "pendiente")

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
    root: Path,
    lesson: str,
    settings: Settings,
    slot: int,
    sandbox_root: str,
    handler: logging.Handler,
    shared: dict[str, str] | None = None,
) -> dict:
    """Prepara este proceso de trabajo para calificar ``lesson`` (lo llama :class:`autograder.cluster.LessonPlugin`).

    Arranca el servidor de jueces y el zigoto, que importan la lección a la vez, sin esperarlos:
    la primera entrega espera al zigoto (``ForkServer.ready``). Con ``shared`` (en el
    ``LocalCluster``) usa los que arrancó el proceso principal para todos (:func:`lesson_servers`).

    Args:
        root: el curso de nbgrader de este proceso, ya copiado (la lección publicada y su libro de notas).
        lesson: la lección.
        settings: :class:`Settings` del lote.
        slot: número de este proceso entre los del lote en su máquina (como root, su uid de caja es
            ``settings.sandbox_uid + slot``).
        sandbox_root: carpeta donde crear las carpetas de trabajo de las cajas.
        handler: adónde van los registros de ``autograder`` y ``traitlets`` en este proceso.
        shared: ``{"zygote": socket, "judge": socket}`` de :func:`lesson_servers`, o ``None``.

    Returns:
        El estado del proceso (``root``, ``api``, ``released``, ``zygote``, ``judge``…), que queda
        también en ``_worker`` para :func:`_grade_one`.
    """
    from autograder import execute
    from autograder.execute import SharedServer, autograde_preprocessors, judge_server, start_zygote
    from autograder.judge import modules_to_preload, trusted_setup

    venv_on_path()
    for name in ("traitlets", "autograder"):
        logging.getLogger(name).handlers[:] = [handler]
        logging.getLogger(name).propagate = False
    fast_alembic_version()
    released = nbformat.read(release_notebook(root, lesson), as_version=4)
    source = nbformat.read(root / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    modules = modules_to_preload(trusted_setup(source))
    if shared:
        judge = execute._judge_servers[tuple(modules)] = SharedServer(shared["judge"])
    else:
        judge = judge_server(modules)  # arranca ya, a la vez que el zigoto: los dos importan la lección
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
    zygote = None
    if settings.zygote and shared:
        zygote = SharedServer(shared["zygote"])
        overrides["SandboxedExecute.zygote"] = shared["zygote"]
    elif settings.zygote:
        zygote = start_zygote(str(root / "zigoto.sock"), modules, settings.limits.threads)
        overrides["SandboxedExecute.zygote"] = zygote.path
    config = load_config(root, **overrides)
    _worker.clear()
    _worker.update(
        root=root, lesson=lesson, api=api(config), released=released, settings=settings, slot=slot, zygote=zygote
    )
    return dict(_worker, judge=judge, modules=modules)


def lesson_servers(source: Path, settings: Settings, folder: Path) -> dict:
    """El zigoto y el servidor de jueces de una lección, para todos los procesos de trabajo de esta máquina.

    Los arranca el proceso principal al empezar el lote, así que importan la lección (TensorFlow
    tarda) mientras se publica y arranca el ``LocalCluster``, y una sola vez por máquina y no una
    por proceso de trabajo. Los dos hacen ``fork()`` por petición, así que sirven a la vez a todos
    los procesos de trabajo; cada núcleo sigue en su caja, con el uid de su proceso de trabajo.

    Args:
        source: el cuaderno fuente de la lección (de él salen los módulos que se importan).
        settings: :class:`Settings` del lote (hilos de los núcleos; sin zigoto si ``zygote`` es falso).
        folder: carpeta privada del lote donde poner el socket del zigoto.

    Returns:
        ``{"judge": ForkServer, "zygote": ForkServer}`` (sin ``"zygote"`` si ``settings.zygote`` es falso);
        :func:`stop_lesson_servers` los para.
    """
    from autograder.execute import start_judge_server, start_zygote
    from autograder.judge import modules_to_preload, trusted_setup

    modules = modules_to_preload(trusted_setup(nbformat.read(source, as_version=4)))
    servers = {"judge": start_judge_server(modules)}
    if settings.zygote:
        servers["zygote"] = start_zygote(str(folder / "zigoto.sock"), modules, settings.limits.threads)
    return servers


def stop_lesson_servers(servers: dict) -> None:
    from autograder.execute import stop_judge_server

    if "judge" in servers:
        stop_judge_server(servers["judge"])
    if "zygote" in servers:
        servers["zygote"].stop()


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


def _analyse(result: Result, outcome: dict) -> None:
    """Puntos y mensaje de cada celda de prueba (las preguntas escritas quedan pendientes)."""
    from autograder.report import cell_message

    nb = nbformat.reads(outcome["autograded"].decode(), as_version=4)
    scores = outcome["scores"]
    for index, cell in enumerate(nb.cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid not in scores or cell.cell_type != "code":
            continue
        score, max_score = scores[gid]
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        failure = None
        if score < max_score and errors:
            failure = cell_message(errors[0], outcome.get("frames", {}).get(gid), nb, index)
        elif score < max_score:
            failure = cell_message({"ename": "Parcial", "evalue": "Puntuación parcial."})
        message, kind = (failure.message[:1500], failure.kind) if failure else ("", "")
        result.cells[gid] = CellResult(gid, score, max_score, message, kind)


# --- Lote -------------------------------------------------------------------------------------


def release_notebook(course_root: Path, lesson: str) -> Path:
    folder = course_root / "course" / lesson
    named = folder / f"{lesson}.ipynb"
    return named if named.exists() else sorted(folder.glob("*.ipynb"))[0]


def _log_to(out: Path) -> logging.Handler:
    """El registro del lote en ``out/calificador.log``; también los avisos de las bibliotecas
    (SQLAlchemy, nbgrader…), que así no llegan a la terminal."""
    handler = logging.FileHandler(out / LOG_NAME, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    logging.captureWarnings(True)
    warnings_log = logging.getLogger("py.warnings")
    warnings_log.handlers[:] = [handler]
    warnings_log.propagate = False
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
    cluster=None,
) -> list[Result]:
    """Califica todas las entregas de ``sources`` y escribe en ``out`` las notas y la retroalimentación.

    Args:
        lesson: la lección (carpeta de ``solutions/``).
        sources: carpetas, zips de Moodle/Canvas o ``submitted/`` de nbgrader.
        out: carpeta de resultados (``grades.csv``, ``feedback/``, ``calificados/``, ``calificador.log``).
        jobs: procesos de trabajo del ``LocalCluster`` de Dask (por defecto, núcleos).
        settings: :class:`Settings`.
        db_url: libro de notas del curso (por defecto, el de la configuración de nbgrader).
        progress: barra de progreso y resumen en la terminal.
        source_root: raíz del curso.
        cluster: un clúster de Dask que ya existe (dirección ``tcp://…``, archivo de planificador,
            ``Cluster`` o ``Client``; ver :func:`autograder.cluster.connect`); ``None``: uno local.

    Returns:
        Un :class:`Result` por estudiante y por archivo que no se pudo atribuir, ordenados.

    Raises:
        autograder.execute.IsolationRefused: sin aislamiento posible y sin ``isolation="none"``.
        autograder.cluster.ClusterUnavailable: no se pudo conectar con ``cluster``.
    """
    from tqdm import tqdm

    from autograder import classreport, feedback, lms, report

    fast_alembic_version()
    settings = copy.deepcopy(settings or Settings())
    isolation = check_isolation(settings)
    if cluster is None:  # los procesos de trabajo locales se preparan mientras se publica la lección
        from autograder.cluster import start_worker_server

        start_worker_server()
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
    servers: dict = {}
    try:
        if cluster is None:  # importan la lección mientras se publica y arranca el LocalCluster
            servers = lesson_servers(source_root / "solutions" / lesson / f"{lesson}.ipynb", settings, workspace)
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
        pool = _run_pool(
            gradable, jobs, template, workspace, lesson, settings, sandbox_root, out / LOG_NAME, cluster, servers
        )
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
                _analyse(result, outcome)
            bar.update()
        bar.close()
        elapsed = time.monotonic() - started
        if isolation == Isolation.NONE.value:
            for result in results.values():
                result.notes.append(Note.of(Status.NO_ISOLATION))
        max_scores, questions = automatic_points(released), written_questions(released)
        for result in results.values():
            if not result.graded:
                result.cells = {gid: CellResult(gid, 0.0, points) for gid, points in max_scores.items()}
            # Preguntas escritas: pendientes de corregir a mano si hay algo que leer (no en blanco).
            answered = result.graded and not any(note.status == Status.UNTOUCHED for note in result.notes)
            kind = "pendiente" if answered else ""
            result.manual = {gid: CellResult(gid, 0.0, points, "", kind) for gid, points in questions.items()}
            if result.manual_pending:
                result.notes.append(Note.of(Status.MANUAL_PENDING, points=result.manual_pending))
        ordered = sorted(results.values(), key=lambda r: r.student_id)
        store_in_gradebook(db_url, template, lesson, release_notebook(template, lesson).stem, ordered)
        _autograded_for_formgrader(db_url, lesson, release_notebook(template, lesson).name, ordered)
        report.write_csv(out / "grades.csv", ordered, list(max_scores))
        feedback.write_all(out / "feedback", ordered, released, lesson)
        _keep_autograded(out / "calificados", ordered)
        lms.write_all(out, ordered, sum(max_scores.values()) + sum(questions.values()), lesson, settings)
        classreport.write(out / "informe.html", ordered, lesson, released)
        summary = report.summary(ordered, list(max_scores), elapsed, jobs, isolation)
        log.info("%s", summary)
        if progress:
            print(summary)
        return ordered
    finally:
        stop_lesson_servers(servers)
        log.removeHandler(handler)
        logging.getLogger("py.warnings").handlers[:] = []
        logging.captureWarnings(False)
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


def _run_pool(
    submissions, jobs, template, workspace, lesson, settings, sandbox_root, log_file, cluster=None, servers=None
):
    """``(entrega, resultado)`` según terminan, calificadas en Dask (:func:`autograder.cluster.grade`).

    Sin ``cluster``, en un ``LocalCluster`` de ``jobs`` procesos que comparten ``servers``
    (:func:`lesson_servers`); la entrega de un proceso que muere se reintenta una vez y después se
    informa (``Status.WORKER_LOST``): ninguna se pierde.
    """
    if not submissions:
        return
    from autograder import cluster as dask_cluster

    yield from dask_cluster.grade(
        submissions,
        lesson=lesson,
        template=Path(template),
        settings=settings,
        jobs=jobs,
        cluster=cluster,
        workspace=Path(workspace),
        sandbox_root=Path(sandbox_root),
        log_file=Path(log_file),
        servers=servers or None,
    )


def _keep_autograded(folder: Path, results: list[Result]) -> None:
    folder.mkdir(exist_ok=True)
    for result in results:
        if result.autograded:
            (folder / f"{result.student_id}.ipynb").write_bytes(result.autograded)


def written_questions(released) -> dict[str, float]:
    """``grade_id -> puntos`` de las preguntas escritas: celdas de markdown calificadas a mano."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: float(cell.metadata["nbgrader"].get("points", 0))
        for cell in released.cells
        if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("grade")
    }


def results_from_gradebook(db_url: str, lesson: str, released) -> list[Result]:
    """Las notas de ``lesson`` tal como están en el libro de notas, con lo corregido a mano en formgrader.

    Args:
        db_url: el libro de notas (URL de SQLAlchemy).
        lesson: la lección.
        released: la publicación de la lección (para saber qué celdas hay y cuánto vale cada una).

    Returns:
        Un :class:`Result` por entrega, con las preguntas escritas corregidas o pendientes.
    """
    from nbgrader.api import Gradebook

    automatic, questions = automatic_points(released), written_questions(released)
    results = []
    with venv_on_path(), Gradebook(db_url) as gradebook:
        for submission in gradebook.find_assignment(lesson).submissions:
            student = submission.student
            result = Result(student.id, "libro de notas", student.first_name or "", graded=True)
            for grade in submission.notebooks[0].grades:
                if grade.name in automatic:
                    result.cells[grade.name] = CellResult(grade.name, float(grade.score), float(grade.max_score))
                elif grade.name in questions:
                    pending = grade.manual_score is None
                    kind = "pendiente" if pending else "corregida"
                    score = 0.0 if pending else float(grade.manual_score)
                    result.manual[grade.name] = CellResult(grade.name, score, float(grade.max_score), "", kind)
            if result.manual_pending:
                result.notes.append(Note.of(Status.MANUAL_PENDING, points=result.manual_pending))
            results.append(result)
    return sorted(results, key=lambda r: r.student_id)


def _autograded_for_formgrader(db_url: str, lesson: str, name: str, results: list[Result]) -> None:
    """Con un libro de notas SQLite, deja los cuadernos calificados donde formgrader los busca
    (``autograded/<estudiante>/<lección>/`` junto al libro) para corregir allí las preguntas escritas."""
    if not db_url.startswith("sqlite:///"):
        return
    root = Path(db_url[len("sqlite:///") :]).parent
    for result in results:
        if result.autograded and not result.origin_unknown():
            folder = root / "autograded" / result.student_id / lesson
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(result.autograded)


def automatic_points(released) -> dict[str, float]:
    """``grade_id -> puntos`` de las celdas que se califican solas (las de código)."""
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
            for gid in result.manual:  # las preguntas escritas las corrige el profesorado en formgrader
                grade = target.find_grade(gid, notebook, lesson, result.student_id)
                grade.needs_manual_grade = result.graded and grade.manual_score is None
            target.db.commit()
