"""Calificador de lotes de punta a punta sobre un corpus de entregas de la lección 01.

El corpus se genera a partir de la lección publicada (correcta, en blanco, parcialmente errónea,
cada tipo de entrega hostil, sin metadatos, reordenada, zips de Moodle y Canvas) y se califica en
UNA sola ejecución del lote, compartida por todas las pruebas del módulo.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import time
import uuid
import zipfile

import nbformat
import pytest

from autograder import intake
from autograder.course import REPO
from autograder.grading import Settings, grade_batch
from tests import notebooks

LESSON = "01_perceptron"
FIXTURES = REPO / "tests" / "fixtures" / "autograder"
CELL_TIMEOUT = 8
MEMORY = 2 << 30
FULL = 15.0
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


CHEAT_SHARED = """
shared.check_close = lambda *a, **k: None
shared.check_equal = lambda *a, **k: None
shared.passed = lambda *a, **k: None
def step(z): return 0
def sigmoid(z): return 0
def tanh(z): return 0
def relu(z): return 0
"""

CHEAT_NUMPY = """
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
def step(z): return np.zeros(np.shape(z))
def sigmoid(z): return np.zeros(np.shape(z))
def tanh(z): return np.zeros(np.shape(z))
def relu(z): return np.zeros(np.shape(z))
"""


def cheat_files(paths: list[str]) -> str:
    """Intenta leer soluciones y entregas ajenas, y escribir en los libros de notas."""
    return f"""
import glob, json, sqlite3
leido = []
for ruta in {paths!r} + glob.glob("/tmp/**/*.ipynb", recursive=True):
    try:
        with open(ruta, encoding="utf-8") as f:
            leido.append(json.load(f))
    except Exception:
        pass
for ruta in {paths!r} + glob.glob("/tmp/**/gradebook.db", recursive=True):
    try:
        con = sqlite3.connect(ruta)
        con.execute("UPDATE grade SET manual_score = 99")
        con.commit()
    except Exception:
        pass
for cuaderno in leido:
    for celda in cuaderno.get("cells", []):
        codigo = "".join(celda.get("source", ""))
        if celda.get("cell_type") == "code" and "def " in codigo and "raise NotImplementedError" not in codigo:
            try:
                exec(codigo.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), globals())
            except Exception:
                pass
"""


def _write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(intake.to_bytes(nb))


def _zip(path, members: dict[str, tuple[bytes, tuple]]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, (data, date_time) in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=date_time), data)


# student_id -> (nota, estado). Las notas son exactamente las ganadas honestamente.
EXPECTED = {
    "correcto": (FULL, "ok"),
    "en_blanco": (0.0, "ok"),
    "parcial": (FULL - 1, "ok"),
    "sin_metadatos": (FULL, intake.NO_METADATA),
    "desordenado": (
        FULL,
        "; ".join(
            [
                intake.REORDERED,
                intake.DUPLICATED.format(cells="activations"),
                intake.MISSING_TESTS.format(cells="test_relu"),
            ]
        ),
    ),
    "prueba_alterada": (ONLY_WEIGHTED_SUM, intake.TAMPERED.format(cells="test_step")),
    "bucle_infinito": (ONLY_WEIGHTED_SUM, f"Una celda superó el límite de tiempo ({CELL_TIMEOUT} s)"),
    "bomba_memoria": (ONLY_WEIGHTED_SUM, f"memoria agotada (límite de {MEMORY >> 20} MiB)"),
    "sys_exit": (ONLY_WEIGHTED_SUM, "el código llamó a sys.exit()"),
    "os_exit": (ONLY_WEIGHTED_SUM, "El núcleo de Python se detuvo (os._exit, un fallo grave o falta de memoria)"),
    "fallo_nucleo": (
        ONLY_WEIGHTED_SUM,
        "El núcleo de Python se detuvo (os._exit, un fallo grave o falta de memoria)",
    ),
    "trampa_shared": (
        ONLY_WEIGHTED_SUM,
        "el código modificó shared.check_close, shared.check_equal, shared.passed: se restauró antes de cada prueba",
    ),
    "trampa_numpy": (
        ONLY_WEIGHTED_SUM,
        "el código modificó numpy.allclose, numpy.isclose: se restauró antes de cada prueba",
    ),
    "trampa_archivos": (ONLY_WEIGHTED_SUM, "ok"),
    # descargados de Google Colab, con y sin los metadatos de nbgrader
    "colab_con_metadatos": (FULL, "ok"),
    "colab_sin_metadatos": (FULL, intake.NO_METADATA),
    "colab_parcial": (ONLY_WEIGHTED_SUM, intake.NO_METADATA),
    "no_cuaderno": (0.0, intake.NOT_NOTEBOOK.format(name="no_cuaderno.ipynb")),
    "vacio": (0.0, intake.EMPTY.format(name="vacio.ipynb")),
    # zip de Moodle (carpetas anidadas y nombre plano); 1002 entregó dos veces: cuenta la última.
    "1001": (FULL, "ok"),
    "1002": (FULL - 1, intake.SEVERAL.format(count=2, name="01_perceptron (1).ipynb")),
    "1003": (0.0, "ok"),
    # zip de Canvas (con y sin «late_»), uno descargado de Colab sin metadatos.
    "2001": (FULL, intake.NO_METADATA),
    "2002": (0.0, "ok"),
}
BAD_NAME = "Copia de tarea (1).ipynb"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    folder, out = root / "entregas", root / "resultados"
    db_url = f"sqlite:///{root / 'libro.db'}"
    wrong = next(a for a in notebooks.wrong_answers(LESSON) if a["loses"] == ["test_sigmoid"])
    partial = notebooks.fill_answers(
        _released(), dict(_solutions(), **{wrong["cell"]: notebooks.wrong_code(wrong, _solutions())})
    )
    stolen_paths = [
        str(notebooks.source_notebook(LESSON)),
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
        "bucle_infinito": only_weighted_sum("while True:\n    pass\n"),
        "bomba_memoria": only_weighted_sum("basura = []\nwhile True:\n    basura.append(bytearray(10**8))\n"),
        "sys_exit": only_weighted_sum("import sys\nsys.exit(0)\n"),
        "os_exit": only_weighted_sum("import os\nos._exit(0)\n"),
        "fallo_nucleo": only_weighted_sum("import ctypes\nctypes.string_at(0)\n"),
        "trampa_shared": only_weighted_sum(CHEAT_SHARED),
        "trampa_numpy": only_weighted_sum(CHEAT_NUMPY),
        "trampa_archivos": only_weighted_sum(cheat_files(stolen_paths)),
    }
    for student, nb in submissions.items():
        _write(folder / f"{student}.ipynb", nb)
    (folder / "colab_con_metadatos.ipynb").write_bytes(colab_saved(solved(), keep_nbgrader=True))
    (folder / "colab_sin_metadatos.ipynb").write_bytes(colab_saved(solved(), keep_nbgrader=False))
    (folder / "colab_parcial.ipynb").write_bytes(colab_saved(only_weighted_sum(), keep_nbgrader=False))
    (folder / "no_cuaderno.ipynb").write_bytes((FIXTURES / "no_es_un_cuaderno.txt").read_bytes())
    (folder / "vacio.ipynb").write_bytes(b"")
    (folder / BAD_NAME).write_bytes(intake.to_bytes(solved()))
    old, new = (2026, 11, 2, 10, 0, 0), (2026, 11, 3, 9, 30, 0)
    moodle, canvas = root / "moodle.zip", root / "canvas.zip"
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
    settings = Settings(notebook_timeout=90, cell_timeout=CELL_TIMEOUT, memory=MEMORY)
    started = time.monotonic()
    results = grade_batch(
        LESSON, [folder, moodle, canvas], out, jobs=2, settings=settings, db_url=db_url, progress=False
    )
    print(f"Lote de {len(results)} entregas: {time.monotonic() - started:.1f} s")
    return {"results": {r.student_id: r for r in results}, "out": out, "db_url": db_url}


def test_scores_and_statuses_are_exact(corpus):
    results = corpus["results"]
    got = {sid: (r.score, r.status_text) for sid, r in results.items() if sid != BAD_NAME}
    assert got == EXPECTED
    assert results[BAD_NAME].status_text == intake.BAD_NAME.format(name=BAD_NAME)


def test_grades_csv(corpus):
    graded_cells = list(notebooks.graded_cells(_source()))
    text = (corpus["out"] / "grades.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["student_id", "score", "max_score", *graded_cells, "status"]
    table = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(table) == set(EXPECTED) | {BAD_NAME}
    for student, (score, status) in EXPECTED.items():
        row = table[student]
        assert float(row["score"]) == score, student
        assert float(row["max_score"]) == FULL
        assert sum(float(row[c]) for c in graded_cells) == score
        assert row["status"] == status
    assert table["parcial"]["test_sigmoid"] == "0"
    assert table[BAD_NAME]["score"] == ""
    assert '"' in text, "los estados con comas deben ir entre comillas (módulo csv)"


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
    partial = pages["parcial"]
    assert "Comprobación de sigmoid" in partial
    assert "0 / 1" in partial
    assert "parece que usaste e^(z) en lugar de e^(-z)" in partial
    assert "Falta tu solución" in pages["en_blanco"]
    assert "límite de tiempo" in pages["bucle_infinito"]


def test_autograded_notebooks_are_kept_for_the_instructor(corpus):
    kept = {p.stem for p in (corpus["out"] / "calificados").glob("*.ipynb")}
    assert kept == {s for s in EXPECTED if s not in ("no_cuaderno", "vacio")}
    nb = nbformat.read(corpus["out"] / "calificados" / "trampa_shared.ipynb", as_version=4)
    assert not any("__autograder" in c.source for c in nb.cells), "la línea de la guardia no queda en el cuaderno"


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

    assert intake.student_of(PurePosixPath(path), LESSON) == student


def test_nbgrader_submitted_tree_uses_its_timestamps(tmp_path):
    for student, stamp in [("ana", "2026-11-02 10:00:00"), ("luis", "2026-11-03 10:00:00")]:
        folder = tmp_path / "submitted" / student / LESSON
        _write(folder / f"{LESSON}.ipynb", _released())
        (folder / "timestamp.txt").write_text(stamp)
    found = intake.collect([tmp_path / "submitted"], LESSON)
    assert [(s.student_id, s.problems) for s in found] == [("ana", []), ("luis", [])]
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
    assert intake.NO_METADATA in notes
    assert intake.REORDERED in notes


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
