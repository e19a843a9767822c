"""Calificador de lotes de punta a punta sobre un corpus de entregas de la lección 01.

El corpus se genera a partir de la lección publicada (correcta, en blanco, parcialmente errónea,
cada ataque de :mod:`tests.hostile`, sin metadatos, reordenada, zips de Moodle y Canvas, una bomba
zip, un archivo enorme, un árbol demasiado profundo) y se califica dos veces: como root en este
proceso y como un usuario sin privilegios con ``python -m autograder grade``.
"""

from __future__ import annotations

import copy
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import intake, report
from autograder.course import REPO
from autograder.grading import Settings, automatic_points, grade_batch, written_questions
from autograder.outcome import Note, Status
from autograder.sandbox import Limits
from tests import hostile, notebooks
from tests.unprivileged import unprivileged_user

LESSON = "01_perceptron"
FIXTURES = REPO / "tests" / "fixtures" / "autograder"
CELL_TIMEOUT = 15
MEMORY = 2 << 30
ONLY_WEIGHTED_SUM = 2.0


def _source():
    return notebooks.read(notebooks.source_notebook(LESSON))


def _released():
    return notebooks.read(notebooks.released_notebook(LESSON))


def _solutions():
    return {gid: notebooks.solved(cell.source) for gid, cell in notebooks.solution_cells(_source()).items()}


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def solved():
    return notebooks.fill_answers(_released(), _solutions())


def only_weighted_sum(activations_code: str | None = None):
    """Solo el ejercicio 1 resuelto (2 puntos honestos) y, si se da, otro código en ``activations``."""
    answers = {"weighted_sum": _solutions()["weighted_sum"]}
    if activations_code is not None:
        answers["activations"] = activations_code
    return notebooks.fill_answers(_released(), answers)


def strip_metadata(nb):
    """Como Colab: sin metadatos de nbgrader y con otros ids de celda."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        cell["id"] = uuid.uuid4().hex[:12]
        cell.metadata["id"] = cell["id"]
    nb.metadata["colab"] = {"provenance": []}
    return nb


def colab_saved(nb, keep_nbgrader: bool) -> bytes:
    """Los bytes de un cuaderno tal como lo descarga Google Colab (*Archivo → Descargar .ipynb*).

    Colab escribe nbformat 4.0 (sin ``id`` de celda de nivel superior), guarda su propio ``id`` en
    los metadatos de cada celda, añade ``outputId``, ``colab`` y ``cellView``, pone
    ``execution_count: 0`` en celdas que nunca se ejecutaron y conserva las salidas del estudiante.
    Si conserva los metadatos de nbgrader no está confirmado: se prueban ambos casos.
    """
    data = json.loads(intake.to_bytes(nb))
    data["nbformat_minor"] = 0
    data["metadata"] = {
        "colab": {"provenance": [], "toc_visible": True},
        "kernelspec": {"name": "python3", "display_name": "Python 3"},
        "language_info": {"name": "python"},
        "accelerator": "GPU",
    }
    for i, cell in enumerate(data["cells"]):
        cell.pop("id", None)
        meta = {} if not keep_nbgrader else {k: v for k, v in cell["metadata"].items() if k == "nbgrader"}
        meta["id"] = f"colab{i:04d}xyz"
        if cell["cell_type"] == "code":
            meta["colab"] = {"base_uri": "https://localhost:8080/"}
            meta["outputId"] = f"{i:08x}-0000-0000-0000-000000000000"
            if i % 3 == 0:
                meta["cellView"] = "form"
            cell["execution_count"] = 0 if i % 2 else i
            cell["outputs"] = [
                {"name": "stderr", "output_type": "stream", "text": ["aviso guardado por Colab\n"]},
            ]
        cell["metadata"] = meta
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def shuffled_duplicated_deleted(nb):
    """Pruebas movidas antes de sus ejercicios, una celda duplicada y una prueba borrada."""
    nb = copy.deepcopy(nb)
    cells = list(nb.cells)
    predict_at = cells.index(_cell(nb, "predict"))
    cells[predict_at], cells[predict_at + 1] = cells[predict_at + 1], cells[predict_at]  # prueba antes
    activations = _cell(nb, "activations")
    stub = copy.deepcopy(activations)
    stub.source = _cell(_released(), "activations").source
    stub["id"] = "copia-sin-resolver"
    cells.insert(cells.index(activations), stub)  # la copia sin resolver, antes de la resuelta
    cells.remove(_cell(nb, "test_relu"))
    nb.cells = cells
    return nb


def tampered_test():
    nb = only_weighted_sum()
    _cell(nb, "test_step").source = '# Comprobación de step\nshared.passed("step")\n'
    return nb


def attack(name: str) -> nbformat.NotebookNode:
    """Ejercicio 1 bien (2 puntos honestos) y, en «activations», un ataque seguido de código erróneo."""
    return only_weighted_sum(hostile.BYPASSES[name] + hostile.WRONG_ACTIVATIONS)


def _write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(intake.to_bytes(nb))


def _zip(path, members: dict[str, tuple[bytes, tuple]]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, (data, date_time) in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=date_time), data)


def zip_bomb(path, member: str, size: int = 1 << 30) -> None:
    """Un zip de ~1 MB con un «cuaderno» de ``size`` bytes de ceros, escrito por trozos."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(member, date_time=(2026, 11, 3, 9, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as handle:
            chunk = b"\0" * (16 << 20)
            for _ in range(size // len(chunk)):
                handle.write(chunk)


def _text(status, **details) -> str:
    return report.describe(Note.of(status, **details))


def _join(*parts: str) -> str:
    return "; ".join(parts)


# Lo que se califica solo (FULL) y las preguntas escritas, que quedan pendientes en toda entrega calificada.
FULL = sum(automatic_points(_released()).values())
MANUAL = sum(written_questions(_released()).values())
PENDING = _text(Status.MANUAL_PENDING, points=MANUAL)
ONE_POINT = "test_tanh"  # una respuesta errónea de la lección pierde solo esta celda, de 1 punto


# student_id -> (nota, estado). Las notas son exactamente las ganadas honestamente: cualquier
# ataque saca lo mismo que la entrega errónea sin ataque (ONLY_WEIGHTED_SUM).
EXPECTED = {
    "correcto": (FULL, "ok"),
    "en_blanco": (0.0, _text(Status.UNTOUCHED)),
    "parcial": (FULL - 1, "ok"),
    "sin_metadatos": (FULL, _text(Status.NO_METADATA)),
    "desordenado": (
        FULL,
        _join(
            _text(Status.REORDERED),
            _text(Status.DUPLICATED, cells="activations"),
            _text(Status.MISSING_TESTS, cells="test_relu"),
        ),
    ),
    "prueba_alterada": (ONLY_WEIGHTED_SUM, _text(Status.TAMPERED, cells="test_step")),
    "erroneo": (ONLY_WEIGHTED_SUM, "ok"),
    "bucle_infinito": (ONLY_WEIGHTED_SUM, _text(Status.CELL_TIMEOUT, limit=CELL_TIMEOUT)),
    "bomba_memoria": (ONLY_WEIGHTED_SUM, _text(Status.MEMORY, limit=MEMORY >> 20)),
    "sys_exit": (ONLY_WEIGHTED_SUM, _text(Status.SYS_EXIT)),
    "os_exit": (ONLY_WEIGHTED_SUM, _text(Status.KERNEL_DIED)),
    "fallo_nucleo": (ONLY_WEIGHTED_SUM, _text(Status.KERNEL_DIED)),
    **{name: (ONLY_WEIGHTED_SUM, "ok") for name in hostile.BYPASSES},
    "robar_archivos": (ONLY_WEIGHTED_SUM, "ok"),
    "enorme": (0.0, _text(Status.TOO_BIG, name="enorme.ipynb", limit=50)),
    # descargados de Google Colab, con y sin los metadatos de nbgrader
    "colab_con_metadatos": (FULL, "ok"),
    "colab_sin_metadatos": (FULL, _text(Status.NO_METADATA)),
    "colab_parcial": (ONLY_WEIGHTED_SUM, _text(Status.NO_METADATA)),
    "no_cuaderno": (0.0, _text(Status.NOT_NOTEBOOK, name="no_cuaderno.ipynb")),
    "vacio": (0.0, _text(Status.EMPTY, name="vacio.ipynb")),
    # zip de Moodle (carpetas anidadas y nombre plano); 1002 entregó dos veces: cuenta la última.
    "1001": (FULL, "ok"),
    "1002": (FULL - 1, _text(Status.SEVERAL, count=2, name="01_perceptron (1).ipynb")),
    "1003": (0.0, _text(Status.UNTOUCHED)),
    # zip de Canvas (con y sin «late_»), uno descargado de Colab sin metadatos.
    "2001": (FULL, _text(Status.NO_METADATA)),
    "2002": (0.0, _text(Status.UNTOUCHED)),
    # una bomba zip de Moodle: 1 GiB de ceros en ~1 MB
    "3001": (0.0, _text(Status.TOO_BIG, name="01_perceptron.ipynb", limit=50)),
}
# Toda entrega que llega a calificarse deja pendientes las preguntas escritas (al final del estado).
EXPECTED = {
    student: (score, status if score == 0 else PENDING if status == "ok" else _join(status, PENDING))
    for student, (score, status) in EXPECTED.items()
}
NAMES = {
    "1001": "Ana Pérez",
    "1002": "Luis Gómez",
    "1003": "Eva Ruiz",
    "2001": "garciaana",
    "2002": "lopezluis",
    "3001": "Bomba Zip",
}
BAD_NAME = "Copia de tarea (1).ipynb"
DEEP = "profunda"


def _one_point_mistake() -> dict:
    """La respuesta errónea de la entrega «parcial»: pierde solo ``ONE_POINT``."""
    return next(a for a in notebooks.wrong_answers(LESSON) if a["loses"] == [ONE_POINT])


def write_corpus(root) -> list:
    """Escribe el corpus en ``root`` (legible por otros usuarios) y devuelve sus fuentes."""
    folder = root / "entregas"
    wrong = _one_point_mistake()
    partial = notebooks.fill_answers(
        _released(), dict(_solutions(), **{wrong["cell"]: notebooks.wrong_code(wrong, _solutions())})
    )
    stolen_paths = [
        str(notebooks.source_notebook(LESSON)),
        str(REPO / ".git"),
        str(folder / "correcto.ipynb"),
        str(REPO / "gradebook.db"),
        str(root / "libro.db"),
    ]
    submissions = {
        "correcto": solved(),
        "en_blanco": _released(),
        "parcial": partial,
        "sin_metadatos": strip_metadata(solved()),
        "desordenado": shuffled_duplicated_deleted(solved()),
        "prueba_alterada": tampered_test(),
        "erroneo": only_weighted_sum(hostile.WRONG_ACTIVATIONS),
        "bucle_infinito": only_weighted_sum("while True:\n    pass\n"),
        "bomba_memoria": only_weighted_sum("basura = []\nwhile True:\n    basura.append(bytearray(10**8))\n"),
        "sys_exit": only_weighted_sum("import sys\nsys.exit(0)\n"),
        "os_exit": only_weighted_sum("import os\nos._exit(0)\n"),
        "fallo_nucleo": only_weighted_sum("import ctypes\nctypes.string_at(0)\n"),
        **{name: attack(name) for name in hostile.BYPASSES},
        "robar_archivos": only_weighted_sum(hostile.steal_files(stolen_paths) + hostile.WRONG_ACTIVATIONS),
    }
    for student, nb in submissions.items():
        _write(folder / f"{student}.ipynb", nb)
    (folder / "colab_con_metadatos.ipynb").write_bytes(colab_saved(solved(), keep_nbgrader=True))
    (folder / "colab_sin_metadatos.ipynb").write_bytes(colab_saved(solved(), keep_nbgrader=False))
    (folder / "colab_parcial.ipynb").write_bytes(colab_saved(only_weighted_sum(), keep_nbgrader=False))
    (folder / "no_cuaderno.ipynb").write_bytes((FIXTURES / "no_es_un_cuaderno.txt").read_bytes())
    (folder / "vacio.ipynb").write_bytes(b"")
    with open(folder / "enorme.ipynb", "wb") as handle:
        handle.truncate(60 << 20)  # 60 MiB (disperso: no ocupa disco)
    (folder / BAD_NAME).write_bytes(intake.to_bytes(solved()))
    deep = root / DEEP / ("a/" * 20)
    _write(deep / "luis.ipynb", solved())
    old, new = (2026, 11, 2, 10, 0, 0), (2026, 11, 3, 9, 30, 0)
    moodle, canvas, bomb = root / "moodle.zip", root / "canvas.zip", root / "bomba.zip"
    _zip(
        moodle,
        {
            "Tarea 01/Ana Pérez_1001_assignsubmission_file_/01_perceptron.ipynb": (intake.to_bytes(solved()), old),
            "Tarea 01/Luis Gómez_1002_assignsubmission_file_/01_perceptron.ipynb": (intake.to_bytes(solved()), old),
            "Tarea 01/Luis Gómez_1002_assignsubmission_file_/01_perceptron (1).ipynb": (intake.to_bytes(partial), new),
            "Eva Ruiz_1003_assignsubmission_file_01_perceptron.ipynb": (intake.to_bytes(_released()), new),
        },
    )
    _zip(
        canvas,
        {
            "garciaana_late_2001_55501_01_perceptron.ipynb": (intake.to_bytes(strip_metadata(solved())), new),
            "lopezluis_2002_55502_01_perceptron-1.ipynb": (intake.to_bytes(_released()), new),
        },
    )
    zip_bomb(bomb, "Bomba Zip_3001_assignsubmission_file_/01_perceptron.ipynb")
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return [folder, moodle, canvas, bomb, root / DEEP]


@pytest.fixture(scope="module")
def corpus_root():
    root = Path(tempfile.mkdtemp(prefix="corpus-calificador-"))
    sources = write_corpus(root)
    yield root, sources
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def corpus(corpus_root):
    """El lote calificado en este proceso (como root en CI)."""
    root, sources = corpus_root
    out = root / "resultados-root"
    db_url = f"sqlite:///{root / 'libro.db'}"
    settings = Settings(notebook_timeout=90, cell_timeout=CELL_TIMEOUT, limits=Limits(memory=MEMORY, processes=64))
    started = time.monotonic()
    results = grade_batch(LESSON, sources, out, jobs=2, settings=settings, db_url=db_url, progress=False)
    print(f"Lote de {len(results)} entregas: {time.monotonic() - started:.1f} s")
    return {"results": {r.student_id: r for r in results}, "out": out, "db_url": db_url}


@pytest.fixture(scope="module")
def corpus_unprivileged(corpus_root):
    """El mismo lote, calificado por un usuario normal con ``python -m autograder grade``.

    Así lo usa un instructor en su portátil o en JupyterHub: sin root, la caja se monta con un
    espacio de usuario propio.
    """
    root, sources = corpus_root
    out = root / "casa" / "resultados"  # en la carpeta del usuario: puede escribir en ella
    with unprivileged_user(root / "casa") as (runuser, env):
        command = [sys.executable, "-m", "autograder", "grade", LESSON, *map(str, sources), "--out", str(out)]
        command += ["--db", f"sqlite:///{root / 'casa' / 'libro.db'}", "--timeout", "90"]
        command += ["--cell-timeout", str(CELL_TIMEOUT), "--memory-mb", str(MEMORY >> 20), "--processes", "64"]
        command += ["--jobs", "2", "--quiet"]
        started = time.monotonic()
        done = subprocess.run([*runuser, *command], capture_output=True, text=True, env=env, cwd=REPO)
        print(f"Lote sin privilegios: {time.monotonic() - started:.1f} s")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {"out": out}


def _csv_rows(out) -> dict[str, dict]:
    text = (out / "grades.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_scores_and_statuses_are_exact(corpus):
    results = corpus["results"]
    got = {sid: (r.score, report.status_text(r.notes)) for sid, r in results.items() if sid not in (BAD_NAME, DEEP)}
    assert got == EXPECTED
    assert report.status_text(results[BAD_NAME].notes) == _text(Status.BAD_NAME, name=BAD_NAME)
    assert results[DEEP].notes[0].status is Status.ARCHIVE_LIMIT


def test_the_same_grades_without_root(corpus_unprivileged):
    """Sin root, el mismo lote da exactamente las mismas notas y estados, también con ``kill(-1)``."""
    as_user = _csv_rows(corpus_unprivileged["out"])
    assert set(as_user) == set(EXPECTED) | {BAD_NAME, DEEP}
    got = {s: (float(as_user[s]["score"]), as_user[s]["status"]) for s in EXPECTED}
    assert got == EXPECTED
    assert {row["isolation"] for row in as_user.values()} == {"espacios-de-nombres"}


def test_grades_csv(corpus):
    graded_cells = list(notebooks.graded_cells(_source()))
    table = _csv_rows(corpus["out"])
    assert list(next(iter(table.values()))) == [
        "student_id",
        "name",
        "score",
        "max_score",
        "manual_pending",
        *graded_cells,
        *written_questions(_released()),
        "status",
        "isolation",
    ]
    assert set(table) == set(EXPECTED) | {BAD_NAME, DEEP}
    for student, (score, status) in EXPECTED.items():
        row = table[student]
        assert float(row["score"]) == score, student
        assert float(row["max_score"]) == FULL + MANUAL
        assert sum(float(row[c]) for c in graded_cells) == score
        assert row["status"] == status
        assert row["name"] == NAMES.get(student, ""), student
    assert table["parcial"][ONE_POINT] == "0"
    assert table[BAD_NAME]["score"] == ""
    assert '"' in (corpus["out"] / "grades.csv").read_text(), "estados con comas entre comillas (módulo csv)"


def test_gradebook_holds_the_same_grades(corpus):
    from nbgrader.api import Gradebook

    with Gradebook(corpus["db_url"]) as gradebook:
        for student, (score, _status) in EXPECTED.items():
            submission = gradebook.find_submission(LESSON, student)
            assert submission.score == pytest.approx(score), student
            assert all(grade.manual_score is None for grade in submission.notebooks[0].grades)
        assert BAD_NAME not in {s.id for s in gradebook.students}


def _hidden_lines():
    for cell in _source().cells:
        for match in notebooks.HIDDEN_REGION.finditer(cell.source):
            for line in match.group(1).splitlines():
                if len(line.strip()) >= 12:
                    yield line.strip()


def test_feedback_is_spanish_and_never_shows_test_code(corpus):
    folder = corpus["out"] / "feedback"
    pages = {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.html")}
    assert set(pages) == set(EXPECTED)
    hidden = list(_hidden_lines())
    assert hidden
    for student, page in pages.items():
        assert 'lang="es"' in page
        assert "Retroalimentación" in page
        leaked = [line for line in hidden if line in page]
        assert not leaked, f"{student}: pruebas ocultas en la retroalimentación: {leaked[:2]}"
        assert "shared.check_close(" not in page
        assert "### " not in page
    partial = html.unescape(pages["parcial"])
    assert f"Comprobación de {ONE_POINT.removeprefix('test_')}" in partial
    assert "0 / 1" in partial
    assert _one_point_mistake()["message"] in partial, "el error de la entrega parcial, con su nombre"
    assert "Falta tu solución" in pages["en_blanco"]
    assert "límite de tiempo" in pages["bucle_infinito"]
    assert "Ana Pérez" in pages["1001"]


def test_autograded_notebooks_are_kept_for_the_instructor(corpus):
    kept = {p.stem for p in (corpus["out"] / "calificados").glob("*.ipynb")}
    assert kept == {s for s in EXPECTED if s not in ("no_cuaderno", "vacio", "enorme", "3001")}


# Cabeceras tal como las escriben Moodle (mod_assign, sitio en español: 'recordid', 'grade',
# 'lastmodifiedgrade'…; el importador reconoce las columnas por ese nombre y el participante por el
# prefijo 'hiddenuser') y Canvas (exportación/importación del libro de calificaciones).
MOODLE_HEADER = [
    "Identificador",
    "Nombre completo",
    "Dirección de correo",
    "Estado",
    "Calificación",
    "Calificación máxima",
    "La calificación puede ser cambiada",
    "Última modificación (entrega)",
    "Última modificación (calificación)",
    "Comentarios de retroalimentación",
]
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", LESSON]


def _csv_table(path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="utf-8").splitlines()))


def test_grades_go_back_to_moodle(corpus):
    rows = _csv_table(corpus["out"] / "moodle_calificaciones.csv")
    assert rows[0] == MOODLE_HEADER
    table = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    moodle = {"1001": "Ana Pérez", "1002": "Luis Gómez", "1003": "Eva Ruiz", "3001": "Bomba Zip"}
    assert set(table) == {f"Participante{pid}" for pid in moodle}
    for pid, name in moodle.items():
        row = table[f"Participante{pid}"]
        assert row["Nombre completo"] == name
        assert float(row["Calificación"]) == EXPECTED[pid][0]
        assert float(row["Calificación máxima"]) == FULL + MANUAL, "la nota máxima incluye las preguntas escritas"
        assert row["Última modificación (calificación)"], "el importador de Moodle exige esta columna"
    assert "demasiado grande" in table["Participante3001"]["Comentarios de retroalimentación"]


def test_grades_go_back_to_canvas(corpus):
    rows = _csv_table(corpus["out"] / "canvas_calificaciones.csv")
    assert rows[0] == CANVAS_HEADER
    assert sorted(rows[1:]) == [
        ["garciaana", "2001", "", "", "", f"{FULL:g}"],
        ["lopezluis", "2002", "", "", "", "0"],
    ]


def test_feedback_zips_use_the_folders_the_lms_expects(corpus):
    with zipfile.ZipFile(corpus["out"] / "moodle_retroalimentacion.zip") as archive:
        moodle = sorted(archive.namelist())
        page = archive.read("Ana Pérez_1001_assignsubmission_file_/retroalimentacion.html").decode()
    assert moodle == sorted(
        [
            "Ana Pérez_1001_assignsubmission_file_/retroalimentacion.html",
            "Luis Gómez_1002_assignsubmission_file_/retroalimentacion.html",
            "Eva Ruiz_1003_assignsubmission_file_/retroalimentacion.html",
            "Bomba Zip_3001_assignsubmission_file_/retroalimentacion.html",
        ]
    )
    assert "Ana Pérez" in page
    with zipfile.ZipFile(corpus["out"] / "canvas_retroalimentacion.zip") as archive:
        assert sorted(archive.namelist()) == [
            "garciaana_late_2001_55501_retroalimentacion.html",
            "lopezluis_2002_55502_retroalimentacion.html",
        ]


def test_class_report_for_the_instructor(corpus):
    page = (corpus["out"] / "informe.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 2, "histograma y barras de ejercicios"
    assert "Fallo más frecuente de cada ejercicio" in page
    assert "es None: ¿olvidaste el `return`?" in page, "lo más frecuente: los ataques devuelven None"
    looks = page.split("Entregas que piden una mirada")[1]
    for student in ("bucle_infinito", "os_exit", "no_cuaderno", "enorme"):
        assert student in looks
    assert "correcto</strong>" not in looks


def test_log_file_keeps_what_the_console_does_not(corpus):
    log = (corpus["out"] / "calificador.log").read_text(encoding="utf-8")
    assert "Lote de 01_perceptron" in log
    assert "Calificadas" in log


# --- Entrada de entregas, sin ejecutar nada ---------------------------------------------------


@pytest.mark.parametrize(
    ("path", "student"),
    [
        ("Ana Pérez_1001_assignsubmission_file_/01_perceptron.ipynb", "1001"),
        ("Tarea/Ana Pérez_1001_assignsubmission_file_/sub/x.ipynb", "1001"),
        ("Eva_1003_assignsubmission_file_01_perceptron.ipynb", "1003"),
        ("garciaana_late_2001_55501_01_perceptron.ipynb", "2001"),
        ("lopezluis_2002_55502_01_perceptron-1.ipynb", "2002"),
        ("submitted/ana/01_perceptron/01_perceptron.ipynb", "ana"),
        ("ana.garcia@uni.es.ipynb", "ana.garcia@uni.es"),
        ("Copia de tarea (1).ipynb", None),
        ("01_perceptron.ipynb", None),
    ],
)
def test_student_is_read_from_lms_file_names(path, student):
    from pathlib import PurePosixPath

    found = intake.student_of(PurePosixPath(path), LESSON)
    assert (found[0] if found else None) == student


def test_nbgrader_submitted_tree_uses_its_timestamps(tmp_path):
    for student, stamp in [("ana", "2026-11-02 10:00:00"), ("luis", "2026-11-03 10:00:00")]:
        folder = tmp_path / "submitted" / student / LESSON
        _write(folder / f"{LESSON}.ipynb", _released())
        (folder / "timestamp.txt").write_text(stamp)
    found = intake.collect([tmp_path / "submitted"], LESSON)
    assert [(s.student_id, s.notes) for s in found] == [("ana", []), ("luis", [])]
    assert found[0].timestamp < found[1].timestamp


def test_matching_survives_stripped_metadata_and_reordering():
    released = _released()
    nb = strip_metadata(shuffled_duplicated_deleted(solved()))
    fixed, notes = intake.normalize(nb, released, LESSON)
    assert [c.get("id") for c in fixed.cells if not c["id"].startswith("estudiante-")] == [
        c["id"] for c in released.cells
    ]
    assert _cell(fixed, "weighted_sum").source == _solutions()["weighted_sum"]
    assert _cell(fixed, "test_relu").source == _cell(released, "test_relu").source
    assert Note.of(Status.NO_METADATA) in notes
    assert Note.of(Status.REORDERED) in notes


def test_cli_rejects_unknown_lesson(capsys):
    from autograder.__main__ import main

    with pytest.raises(SystemExit):
        main(["grade", "99_no_existe", str(FIXTURES)])
    assert "no existe la lección" in capsys.readouterr().err


def test_json_fixture_is_not_a_notebook():
    with pytest.raises(json.JSONDecodeError):
        json.loads((FIXTURES / "no_es_un_cuaderno.txt").read_text())
    assert os.path.getsize(FIXTURES / "no_es_un_cuaderno.txt") < 1024
    assert re.search(r"PDF", (FIXTURES / "no_es_un_cuaderno.txt").read_text())


def test_a_zip_bomb_is_read_only_up_to_the_limit(tmp_path):
    """1 GiB de ceros en ~1 MB: se leen como mucho ``limit`` + 1 bytes, y la memoria no sube."""
    import tracemalloc

    bomb = tmp_path / "bomba.zip"
    zip_bomb(bomb, "Ana_1001_assignsubmission_file_/01_perceptron.ipynb")
    assert bomb.stat().st_size < 5 << 20
    (submission,) = intake.collect([bomb], LESSON)
    tracemalloc.start()
    assert intake.read_notebook(submission, limit=8 << 20) is None
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 40 << 20, f"pico de memoria al leer la bomba: {peak >> 20} MiB"
    assert submission.notes == [Note.of(Status.TOO_BIG, name="01_perceptron.ipynb", limit=8)]


def test_too_many_files_and_too_deep_trees_are_reported(tmp_path):
    many = tmp_path / "muchos.zip"
    _zip(many, {f"x{i}.ipynb": (b"{}", (2026, 11, 3, 9, 0, 0)) for i in range(30)})
    deep = tmp_path / "hondo" / ("d/" * 8)
    deep.mkdir(parents=True)
    (deep / "ana.ipynb").write_bytes(b"{}")
    found = intake.collect([many, tmp_path / "hondo"], LESSON, intake.IntakeLimits(members=10, depth=4))
    limits = [s for s in found if s.notes and s.notes[0].status is Status.ARCHIVE_LIMIT]
    assert {s.student_id for s in limits} == {"muchos.zip", "hondo"}
    assert sorted(s.student_id for s in found if s.gradable) == sorted(f"x{i}" for i in range(10))
