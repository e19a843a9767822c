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

import collections
import html
import re

import nbformat
import pytest

from autograder.course import CellScore
from autograder.grading import grade_batch
from autograder.report import status_text
from tests import hostile, notebooks

SOLUTION, BLANK, HOSTILE = "solucion", "en_blanco", "hostil"


def group_wrong_answers(answers: list[dict], sources: dict[str, str] | None = None) -> list[list[int]]:
    """Grupos de respuestas erróneas que pueden ir en una misma entrega.

    Dos respuestas van juntas si cambian celdas de solución distintas y pierden celdas disjuntas:
    entonces cada celda perdida la pierde una sola de ellas, y la entrega pierde la unión. Y van
    aparte si la celda errónea de una usa (también a través de otras funciones de la solución,
    ``sources``: celda -> código resuelto) una función que la otra estropea, porque entonces el
    mensaje de la primera ya no podría nombrar su error.
    """
    sources = sources or {}
    defines = {cell: set(re.findall(r"^(?:def|class)\s+(\w+)", code, re.MULTILINE)) for cell, code in sources.items()}

    def reached(answer: dict) -> set[str]:
        """Otras celdas cuyas funciones usa la celda errónea de ``answer``, directa o indirectamente."""
        code = notebooks.wrong_code(answer, sources) if answer["cell"] in sources else answer.get("code", "")
        words = set(re.findall(r"\w+", code))
        cells: set[str] = {answer["cell"]}
        while grown := {c for c, names in defines.items() if c not in cells and names & words}:
            cells |= grown
            for cell in grown:
                words |= set(re.findall(r"\w+", sources[cell]))
        return cells - {answer["cell"]}

    reach = [reached(answer) for answer in answers]
    groups: list[list[int]] = []
    for i, answer in enumerate(answers):
        for group in groups:
            cells = {answers[j]["cell"] for j in group}
            lost = set().union(*(answers[j]["loses"] for j in group))
            related = any(answers[j]["cell"] in reach[i] or answer["cell"] in reach[j] for j in group)
            if answer["cell"] not in cells and not lost & set(answer["loses"]) and not related:
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def answer_groups(lesson: str) -> list[list[int]]:
    """Los grupos de ``group_wrong_answers`` para las respuestas erróneas de ``lesson``."""
    source = notebooks.read(notebooks.source_notebook(lesson))
    sources = {gid: notebooks.solved(cell.source) for gid, cell in notebooks.solution_cells(source).items()}
    return group_wrong_answers(notebooks.wrong_answers(lesson), sources)


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
        for n, group in enumerate(answer_groups(self.lesson)):
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
        scores = {r.student_id: {gid: CellScore(c.score, c.max_score) for gid, c in r.cells.items()} for r in results}
        pages = {p.stem: p.read_text(encoding="utf-8") for p in (root / "resultados" / "feedback").glob("*.html")}
        return {**scores, "_paginas": pages}

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
        for n, group in enumerate(answer_groups(self.lesson)):
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

    def test_each_wrong_answer_is_named_in_the_feedback(self, graded):
        """La retroalimentación de cada respuesta errónea contiene la frase que declara (``message``)."""
        answers = notebooks.wrong_answers(self.lesson)
        missing = {}
        for n, group in enumerate(answer_groups(self.lesson)):
            page = html.unescape(graded["_paginas"][f"errores_{n:02d}"])
            for i in group:
                fragment = answers[i].get("message")
                if fragment and fragment not in page:
                    missing[answers[i]["why"]] = fragment
        assert not missing, f"Mensajes que no aparecen en la retroalimentación: {missing}"

    def test_a_mistake_only_costs_its_own_exercise(self, source):
        """Sin dobles penalizaciones: una respuesta errónea solo pierde las pruebas de su ejercicio y las de
        los ejercicios que, por diseño, usan su resultado (``BUILDS_ON`` del módulo de respuestas erróneas)."""
        module = notebooks.wrong_answers_module(self.lesson)
        assert hasattr(module, "BUILDS_ON"), f"tests/wrong_answers de {self.lesson} debe declarar BUILDS_ON"
        owners = notebooks.tests_by_exercise(source)
        allowed_extra = notebooks.dependents(module.BUILDS_ON)
        extra = {}
        for answer in module.WRONG_ANSWERS:
            allowed = set(owners.get(answer["cell"], []))
            for exercise in allowed_extra.get(answer["cell"], set()):
                allowed |= set(owners.get(exercise, []))
            if set(answer["loses"]) - allowed:
                extra[answer["why"]] = sorted(set(answer["loses"]) - allowed)
        assert not extra, f"Respuestas erróneas que hacen perder puntos en otros ejercicios: {extra}"

    def test_every_graded_cell_has_named_near_misses(self, source):
        """Al menos tres respuestas erróneas plausibles por celda calificada, y cada una con el mensaje que debe ver."""
        answers = notebooks.wrong_answers(self.lesson)
        caught = collections.Counter(cell for answer in answers for cell in answer["loses"])
        few = {cell: caught[cell] for cell in notebooks.graded_cells(source) if caught[cell] < 3}
        assert not few, f"Celdas calificadas con menos de 3 respuestas erróneas que las hagan fallar: {few}"
        unnamed = [answer["why"] for answer in answers if not answer.get("message")]
        assert not unnamed, f"Respuestas erróneas sin el fragmento de mensaje que deben producir: {unnamed}"

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
    sources = {"a": "def f(x):\n    return x", "b": "def g(x):\n    return h(x)", "c": "def h(x):\n    return 1"}
    calling = [
        {"cell": "a", "loses": ["t1"], "replace": [("return x", "return g(x)")]},  # llama a g, y g a h
        {"cell": "c", "loses": ["t3"], "code": "def h(x):\n    return 0"},  # estropea h: aparte
        {"cell": "b", "loses": ["t2"], "replace": [("h(x)", "2")]},  # tampoco con la de g
    ]
    assert group_wrong_answers(calling, sources) == [[0], [1, 2]]


for _lesson in notebooks.lessons():
    _name = "TestGrading_" + _lesson
    globals()[_name] = type(_name, (GradingContract,), {"lesson": _lesson})
