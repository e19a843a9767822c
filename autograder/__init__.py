"""Calificador del curso: nbgrader con la configuración del curso, desde Python.

- :mod:`autograder.course`: configuración, publicación de lecciones (``generate_assignment``) y
  calificación de entregas en un curso temporal de nbgrader.
"""
