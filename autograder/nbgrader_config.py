# Configuración de nbgrader del curso. La cargan `python -m autograder` y las pruebas
# (autograder.course.load_config); sirve también para la línea de órdenes de nbgrader:
#   nbgrader generate_assignment 01_perceptron --config=autograder/nbgrader_config.py
import os

c = get_config()  # noqa: F821 - la inyecta traitlets al cargar el archivo

# Raíz del curso: la carpeta del repositorio (la que contiene autograder/).
c.CourseDirectory.root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
c.CourseDirectory.course_id = "redes_neuronales"
# Las fuentes con soluciones y pruebas ocultas viven en solutions/; la versión para
# estudiantes que genera `generate_assignment` va a course/.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"

# Lo que ve el estudiante en lugar de la solución.
c.ClearSolutions.code_stub = {"python": "# TU CÓDIGO AQUÍ\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "TU RESPUESTA AQUÍ"

# Una celda de prueba vale cero si su salida contiene un error. nbgrader también la pone a
# cero si algo escribió en stderr (avisos de TensorFlow, absl, Python...). En Python un fallo
# siempre produce una salida de error, así que stderr no aporta nada a la nota: se descarta
# entera. Ninguna prueba puede aprobar por escribir en stderr; solo deja de suspender por ello.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"^"

# Límite por celda (segundos) al ejecutar un cuaderno entregado.
c.Execute.timeout = 120

# Una sola forma de calificar: `nbgrader autograde`, el botón «Autograde» de formgrader y
# `python -m autograder grade` ejecutan las entregas igual: el núcleo en una caja sin red que no ve
# el repositorio, y las celdas de prueba en el juez, un proceso aparte (autograder/execute.py). Si
# esta máquina no puede aislar el código, se niegan con un mensaje que explica qué hacer.
from autograder.execute import autograde_preprocessors  # noqa: E402

c.Autograde.autograde_preprocessors = autograde_preprocessors()
