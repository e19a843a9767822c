"""Calificación honesta de cada lección, con el autograde real de nbgrader.

Para cada lección se califican en un curso temporal: la solución (nota completa), el cuaderno del
estudiante sin tocar (cero) y cada respuesta errónea plausible de ``tests/wrong_answers`` (pierde
exactamente los puntos de las celdas que lista). Una clase por lección, para que pytest-xdist
reparta las lecciones entre procesos (``--dist loadscope``).
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import CellScore
from autograder.grading import grade_batch
from tests import notebooks

SOLUTION, BLANK = "solucion", "en_blanco"


class GradingContract:
    lesson: str

    @pytest.fixture(scope="class")
    def source(self):
        return notebooks.read(notebooks.source_notebook(self.lesson))

    @pytest.fixture(scope="class")
    def graded(self, source, tmp_path_factory):
        """Puntos por estudiante y celda de todas las entregas de prueba de la lección.

        Se califican en un solo lote en paralelo (``autograder.grading.grade_batch``: el
        ``autograde`` de nbgrader en procesos de trabajo, con el núcleo aislado).
        """
        root = tmp_path_factory.mktemp(self.lesson)
        released = notebooks.read(notebooks.released_notebook(self.lesson))
        solutions = {gid: notebooks.solved(c.source) for gid, c in notebooks.solution_cells(source).items()}
        submissions = {
            SOLUTION: notebooks.fill_answers(released, solutions),
            BLANK: released,
        }
        for i, answer in enumerate(notebooks.wrong_answers(self.lesson)):
            answers = dict(solutions, **{answer["cell"]: notebooks.wrong_code(answer, solutions)})
            submissions[f"error_{i:02d}"] = notebooks.fill_answers(released, answers)
        folder = root / "entregas"
        folder.mkdir()
        for student, nb in submissions.items():
            (folder / f"{student}.ipynb").write_bytes(nbformat.writes(nb).encode())
        results = grade_batch(
            self.lesson, [folder], root / "resultados", db_url=f"sqlite:///{root / 'libro.db'}", progress=False
        )
        ungraded = {r.student_id: r.status_text for r in results if not r.graded}
        assert not ungraded, f"Entregas que el calificador no pudo calificar: {ungraded}"
        return {r.student_id: {gid: CellScore(c.score, c.max_score) for gid, c in r.cells.items()} for r in results}

    def test_solution_earns_full_marks(self, graded, source):
        expected = notebooks.graded_cells(source)
        scores = graded[SOLUTION]
        assert set(scores) == set(expected)
        lost = {cell: s.score for cell, s in scores.items() if s.score != s.max_score}
        assert not lost, f"La solución pierde puntos en {lost}"
        assert {cell: s.max_score for cell, s in scores.items()} == expected

    def test_untouched_student_notebook_earns_zero(self, graded):
        earned = {cell: s.score for cell, s in graded[BLANK].items() if s.score}
        assert not earned, f"El cuaderno sin resolver gana puntos en {earned}"

    def test_each_wrong_answer_loses_exactly_its_cells(self, graded):
        mismatches = {}
        for i, answer in enumerate(notebooks.wrong_answers(self.lesson)):
            scores = graded[f"error_{i:02d}"]
            losing = {cell for cell, s in scores.items() if s.score < s.max_score}
            if losing != set(answer["loses"]):
                mismatches[answer["why"]] = sorted(losing)
        assert not mismatches, f"Celdas que pierden puntos distintas de las previstas: {mismatches}"

    def test_every_graded_cell_is_caught_by_some_wrong_answer(self, source):
        caught = {cell for answer in notebooks.wrong_answers(self.lesson) for cell in answer["loses"]}
        missing = set(notebooks.graded_cells(source)) - caught
        assert not missing, f"Celdas calificadas sin ninguna respuesta errónea que las haga fallar: {missing}"


for _lesson in notebooks.lessons():
    _name = "TestGrading_" + _lesson
    globals()[_name] = type(_name, (GradingContract,), {"lesson": _lesson})
