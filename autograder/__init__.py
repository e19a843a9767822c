"""Calificador del curso: nbgrader con la configuración del curso, desde Python.

- :mod:`autograder.course`: configuración, publicación de lecciones (``generate_assignment``) y
  calificación de entregas sueltas en un curso temporal de nbgrader.
- :mod:`autograder.grading`: calificación de un lote en paralelo (``python -m autograder grade``):
  procesos de trabajo con su propio curso de nbgrader, notas al libro de notas del curso,
  ``grades.csv`` y retroalimentación.
- :mod:`autograder.intake`: entregas desde una carpeta, un zip de Moodle/Canvas o ``submitted/``;
  emparejado de celdas con la publicación (metadatos, ``id`` o contenido).
- :mod:`autograder.execute`: preprocesadores de nbgrader: ejecución aislada con límites de tiempo
  y memoria, tolerante a núcleos muertos, y guardia de las celdas de prueba.
- :mod:`autograder.sandbox`: lanzador del núcleo (otro usuario, montajes privados, límites) y
  zigoto que crea núcleos con ``fork()``; :mod:`autograder.guard`: restauración de ``numpy`` y
  ``shared`` antes de cada prueba.
- :mod:`autograder.feedback` y :mod:`autograder.report`: HTML en español, CSV y resumen.
"""

import sys

# jsonschema (que importa nbformat) carga rfc3987_syntax si está instalado, y este compila una gramática
# de lark al importarse: 0,9 s en cada proceso del calificador (el principal, cada proceso de trabajo).
# Solo sirve para comprobar el formato «iri» de JSON Schema, que los esquemas de los cuadernos no usan.
# Sin él, jsonschema sigue sin esa comprobación, como si el paquete no estuviera instalado.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None
