"""El calificador en Dask: el camino por defecto (un ``LocalCluster`` propio) y un clúster que ya
existe dan exactamente las mismas filas de ``grades.csv``, y un proceso de trabajo que muere no
pierde a nadie.

El clúster «existente» es un ``LocalCluster`` de dos procesos que arranca la prueba y que el
calificador alcanza por su dirección, como uno remoto: las entregas viajan con la tarea
(:class:`autograder.cluster.Carried`) y la lección, una vez por proceso. Mientras califica, la
prueba mata dos veces el proceso que tiene la entrega lenta: se reintenta una vez y después se
informa con ``Status.WORKER_LOST``; las demás entregas se califican igual que en local.
"""

from __future__ import annotations

import concurrent.futures
import csv
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder import cluster, execute, intake, report
from autograder.grading import Settings, grade_batch
from autograder.outcome import Note, Status
from tests import hostile, notebooks

LESSON = "01_perceptron"
POINTS = notebooks.graded_cells(notebooks.read(notebooks.source_notebook(LESSON)))
SLOW = "lento"
# student_id -> nota esperada (como en tests/test_autograder.py): el ataque solo gana el ejercicio 1
EXPECTED = {"correcto": sum(POINTS.values()), "en_blanco": 0.0, "hostil": POINTS["test_weighted_sum"]}
TOO_BIG = "enorme"


def _batch(folder: Path, slow: bool) -> Path:
    """Entregas de la lección 01: correcta, en blanco, un ataque, un archivo enorme y, si se pide, la lenta."""
    source = notebooks.read(notebooks.source_notebook(LESSON))
    released = notebooks.read(notebooks.released_notebook(LESSON))
    solutions = {gid: notebooks.solved(c.source) for gid, c in notebooks.solution_cells(source).items()}

    def only_weighted_sum(code: str):
        return notebooks.fill_answers(released, {"weighted_sum": solutions["weighted_sum"], "activations": code})

    submissions = {
        "correcto": notebooks.fill_answers(released, solutions),
        "en_blanco": released,
        "hostil": only_weighted_sum(hostile.BYPASSES["matar_todo"] + hostile.WRONG_ACTIVATIONS),
    }
    if slow:
        submissions[SLOW] = only_weighted_sum("import time\ntime.sleep(300)\n")
    folder.mkdir(parents=True)
    for student, nb in submissions.items():
        (folder / f"{student}.ipynb").write_bytes(intake.to_bytes(nb))
    with open(folder / f"{TOO_BIG}.ipynb", "wb") as handle:
        handle.truncate(60 << 20)  # 60 MiB dispersos: se lee hasta el límite y se informa
    return folder


def _rows(out: Path) -> dict[str, dict]:
    with open(out / "grades.csv", encoding="utf-8", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


SETTINGS = dict(notebook_timeout=120, cell_timeout=60)


@pytest.fixture(scope="module")
def work():
    root = Path(tempfile.mkdtemp(prefix="prueba-cluster-"))
    os.chmod(root, 0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def default_path(work):
    """El lote por el camino de siempre: ``grade_batch`` con su ``LocalCluster`` de dos procesos."""
    sources = _batch(work / "entregas-local", slow=False)
    out = work / "local"
    results = grade_batch(
        LESSON,
        [sources],
        out,
        jobs=2,
        settings=Settings(**SETTINGS),
        db_url=f"sqlite:///{work / 'local.db'}",
        progress=False,
    )
    return {"results": {r.student_id: r for r in results}, "rows": _rows(out)}


def _kill_worker_running(client, key_suffix: str, spared: set[str], deadline: float) -> str:
    """Espera a que la tarea ``*key_suffix`` sea la única de un proceso de trabajo y mata ese proceso."""
    while time.monotonic() < deadline:
        for address, keys in client.processing().items():
            if address not in spared and [str(k) for k in keys] and all(str(k).endswith(key_suffix) for k in keys):
                pid = client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)
                return address
        time.sleep(0.2)
    raise AssertionError(f"la tarea {key_suffix} no llegó a ningún proceso de trabajo")


@pytest.fixture(scope="module")
def existing_cluster(work):
    """El lote en un clúster que ya existe (por su dirección), matando dos veces el proceso de la entrega lenta."""
    import dask
    from distributed import Client, LocalCluster

    sources = _batch(work / "entregas-cluster", slow=True)
    scratch = work / "tmp-trabajadores"  # los procesos muertos no borran sus carpetas: que caigan aquí
    scratch.mkdir()
    os.chmod(scratch, 0o755)
    with dask.config.set(cluster.LOCAL_CONFIG):  # allowed-failures = 1: un reintento
        dask_cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=0,
            dashboard_address=None,
            silence_logs=logging.ERROR,
            env={"TMPDIR": str(scratch)},
        )
    out = work / "cluster"
    try:
        with Client(dask_cluster, set_as_default=False) as client, concurrent.futures.ThreadPoolExecutor(1) as pool:
            batch = pool.submit(
                grade_batch,
                LESSON,
                [sources],
                out,
                settings=Settings(**SETTINGS),
                db_url=f"sqlite:///{work / 'cluster.db'}",
                progress=False,
                cluster=dask_cluster.scheduler_address,
            )
            deadline = time.monotonic() + 240
            killed = {_kill_worker_running(client, f"-{SLOW}", set(), deadline)}
            killed.add(_kill_worker_running(client, f"-{SLOW}", killed, deadline))
            results = batch.result(timeout=300)
    finally:
        dask_cluster.close()
    return {"results": {r.student_id: r for r in results}, "rows": _rows(out), "killed": killed, "out": out}


def test_the_default_path_grades_on_dask(default_path):
    got = {sid: r.score for sid, r in default_path["results"].items() if sid != TOO_BIG}
    assert got == EXPECTED
    assert all(default_path["rows"][sid]["isolation"] == "espacios-de-nombres" for sid in EXPECTED)
    too_big = Note.of(Status.TOO_BIG, name=f"{TOO_BIG}.ipynb", limit=50)
    assert default_path["results"][TOO_BIG].notes == [too_big]


def test_an_existing_cluster_gives_the_same_rows(default_path, existing_cluster):
    """Cada fila de ``grades.csv`` (notas por celda, estado, aislamiento) es idéntica a la del camino local."""
    local, remote = default_path["rows"], existing_cluster["rows"]
    assert set(remote) == set(local) | {SLOW}
    for student, row in local.items():
        assert remote[student] == row, student


def test_a_killed_worker_is_retried_once_then_reported(existing_cluster):
    assert len(existing_cluster["killed"]) == 2, "la entrega lenta se reintentó en otro proceso"
    slow = existing_cluster["results"][SLOW]
    assert not slow.graded
    assert slow.notes == [Note.of(Status.WORKER_LOST, tries=2)]
    row = existing_cluster["rows"][SLOW]
    assert row["status"] == report.describe(Note.of(Status.WORKER_LOST, tries=2))
    assert "murió 2 veces" in row["status"]
    assert float(row["score"]) == 0.0
    graded = {sid: r.score for sid, r in existing_cluster["results"].items() if r.graded}
    assert graded == EXPECTED, "las demás entregas se califican aunque mueran procesos"
    log = (existing_cluster["out"] / "calificador.log").read_text(encoding="utf-8")
    assert "KilledWorker" in log or "workers died" in log


def test_carried_bytes_keep_the_size_limit(tmp_path):
    """Lo que viaja a un clúster remoto se lee aquí con el mismo límite: las mismas incidencias."""
    big = tmp_path / "ana.ipynb"
    big.write_bytes(b"x" * 100)
    (submission,) = intake.collect([tmp_path], LESSON)
    carried = cluster.Carried.load(submission.locator, limit=50)
    moved = intake.Submission(submission.student_id, submission.origin, carried)
    assert intake.read_notebook(moved, limit=50) is None
    assert moved.notes == [Note.of(Status.TOO_BIG, name="ana.ipynb", limit=0)]
    assert cluster.Carried.load(submission.locator, limit=1000).read(1000) == b"x" * 100


def test_a_workers_servers_start_without_dasks_malloc_tuning(tmp_path, monkeypatch):
    """El zigoto y el servidor de jueces (de los que nacen los núcleos y los jueces con ``fork()``)
    arrancan sin lo que Dask pone en el entorno de sus procesos de trabajo para ellos
    (``MALLOC_TRIM_THRESHOLD_=65536``): con eso, el entrenamiento de Keras del núcleo gastaba ~15 %
    más de CPU que con ``nbgrader autograde``."""
    import dask

    tuning = {k: str(v) for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()}
    assert "MALLOC_TRIM_THRESHOLD_" in tuning  # lo que Dask pone hoy: si cambia, esta prueba lo dice
    for name, value in tuning.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "entorno.json"
    dump = "import json, os, sys; open(sys.argv[1], 'w').write(json.dumps(dict(os.environ)))"
    server = execute.ForkServer([sys.executable, "-c", dump, str(path)], str(path)).ready()
    seen = json.loads(path.read_text())
    server.stop()
    assert "MALLOC_TRIM_THRESHOLD_" not in seen
    assert seen["OMP_NUM_THREADS"] == tuning["OMP_NUM_THREADS"]  # el resto del entorno sí pasa
