"""Configuración común de pytest."""

# El cuaderno de comprobación en Colab con GPU no se ejecuta aquí: se abre en Colab.
collect_ignore = ["colab_gpu_check.ipynb"]
