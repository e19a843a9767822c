# Para usar la línea de órdenes de nbgrader desde la raíz del repositorio
# (p. ej. `nbgrader generate_assignment 01_perceptron`): la configuración vive en autograder/.
c = get_config()  # noqa: F821
load_subconfig("autograder/nbgrader_config.py")  # noqa: F821
