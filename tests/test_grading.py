"""Calificación honesta de cada lección, con el calificador por lotes (la caja y el juez).

Para cada lección se califican: la solución (nota completa), el cuaderno del estudiante sin tocar
(cero), cada respuesta errónea plausible de ``tests/wrong_answers`` (pierde exactamente los puntos
de las celdas que lista) y una de ellas con un ataque delante (:func:`tests.hostile.generic_bypass`:
hilos que parchean numpy, shared, torch y keras, transformadores de entrada), que debe perder lo
mismo que sin ataque.

Para que la batería siga siendo rápida aunque crezcan las respuestas erróneas, las que tocan
ejercicios distintos y pierden celdas disjuntas viajan juntas en una misma entrega: se espera la
unión de sus pérdidas (:func:`group_wrong_answers`). Una clase por lección, para que pytest-xdist
reparta las lecciones entre procesos (``--dist loadscope``).
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import CellScore
from autograder.grading import grade_batch
from autograder.report import status_text
from tests import hostile, notebooks

SOLUTION, BLANK, HOSTILE = "solucion", "en_blanco", "hostil"


def group_wrong_answers(answers: list[dict]) -> list[list[int]]:
    """Grupos de respuestas erróneas que pueden ir en una misma entrega.

    Dos respuestas van juntas si cambian celdas de solución distintas y pierden celdas disjuntas:
    entonces cada celda perdida la pierde una sola de ellas, y la entrega pierde la unión.
    """
    groups: list[list[int]] = []
    for i, answer in enumerate(answers):
        for group in groups:
            cells = {answers[j]["cell"] for j in group}
            lost = set().union(*(answers[j]["loses"] for j in group))
            if answer["cell"] not in cells and not lost & set(answer["loses"]):
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


class GradingContract:
    lesson: str

    @pytest.fixture(scope="class")
    def source(self):
        return notebooks.read(notebooks.source_notebook(self.lesson))

    @pytest.fixture(scope="class")
    def graded(self, source, tmp_path_factory):
        """Puntos por entrega y celda, calificadas en un solo lote en paralelo."""
        root = tmp_path_factory.mktemp(self.lesson)
        released = notebooks.read(notebooks.released_notebook(self.lesson))
        solutions = {gid: notebooks.solved(c.source) for gid, c in notebooks.solution_cells(source).items()}
        answers = notebooks.wrong_answers(self.lesson)
        submissions = {SOLUTION: notebooks.fill_answers(released, solutions), BLANK: released}
        for n, group in enumerate(group_wrong_answers(answers)):
            wrong = dict(solutions)
            for i in group:
                wrong[answers[i]["cell"]] = notebooks.wrong_code(answers[i], solutions)
            submissions[f"errores_{n:02d}"] = notebooks.fill_answers(released, wrong)
        first = answers[0]
        attacked = hostile.generic_bypass() + "\n" + notebooks.wrong_code(first, solutions)
        submissions[HOSTILE] = notebooks.fill_answers(released, dict(solutions, **{first["cell"]: attacked}))
        folder = root / "entregas"
        folder.mkdir()
        for student, nb in submissions.items():
            (folder / f"{student}.ipynb").write_bytes(nbformat.writes(nb).encode())
        results = grade_batch(
            self.lesson, [folder], root / "resultados", db_url=f"sqlite:///{root / 'libro.db'}", progress=False
        )
        ungraded = {r.student_id: status_text(r.notes) for r in results if not r.graded}
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
        answers = notebooks.wrong_answers(self.lesson)
        mismatches = {}
        for n, group in enumerate(group_wrong_answers(answers)):
            scores = graded[f"errores_{n:02d}"]
            losing = {cell for cell, s in scores.items() if s.score < s.max_score}
            expected = set().union(*(answers[i]["loses"] for i in group))
            if losing != expected:
                whys = " + ".join(answers[i]["why"] for i in group)
                mismatches[whys] = {"sobran": sorted(losing - expected), "faltan": sorted(expected - losing)}
        assert not mismatches, f"Celdas que pierden puntos distintas de las previstas: {mismatches}"

    def test_an_attack_does_not_change_the_grade_of_a_wrong_answer(self, graded):
        first = notebooks.wrong_answers(self.lesson)[0]
        losing = {cell for cell, s in graded[HOSTILE].items() if s.score < s.max_score}
        assert losing == set(first["loses"]), f"Con el ataque delante de «{first['why']}» pierde {sorted(losing)}"

    def test_every_graded_cell_is_caught_by_some_wrong_answer(self, source):
        caught = {cell for answer in notebooks.wrong_answers(self.lesson) for cell in answer["loses"]}
        missing = set(notebooks.graded_cells(source)) - caught
        assert not missing, f"Celdas calificadas sin ninguna respuesta errónea que las haga fallar: {missing}"


def test_grouping_keeps_answers_apart_when_they_could_interfere():
    answers = [
        {"cell": "a", "loses": ["t1"]},
        {"cell": "a", "loses": ["t2"]},  # misma celda que la primera: aparte
        {"cell": "b", "loses": ["t1", "t3"]},  # comparte t1 con la primera: aparte
        {"cell": "c", "loses": ["t4"]},
    ]
    assert group_wrong_answers(answers) == [[0, 3], [1, 2]]


for _lesson in notebooks.lessons():
    _name = "TestGrading_" + _lesson
    globals()[_name] = type(_name, (GradingContract,), {"lesson": _lesson})
