"""`make test-gpu`: todas las lecciones en una GPU, con el tiempo en CPU y en GPU de cada una.

Sin GPU se salta entero, con el motivo. En Colab lo lanza `tests/colab_gpu_check.ipynb`.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import shared
from scripts.bench import time_notebook
from tests import notebooks

pytestmark = pytest.mark.gpu

if shared.detect_device()[0] != "cuda":
    pytest.skip("No hay GPU NVIDIA en esta máquina (nvidia-smi no la ve): se salta.", allow_module_level=True)

REPORT: list[tuple[str, float, float]] = []


def test_tensorflow_and_torch_compute_on_the_gpu():
    code = (
        "import shared; shared.setup(frameworks=('torch', 'tensorflow'), verbose=False)\n"
        "import torch, tensorflow as tf\n"
        "a = torch.ones(256, 256, device='cuda'); assert (a @ a).device.type == 'cuda'\n"
        "assert tf.config.list_physical_devices('GPU'), 'TensorFlow no ve la GPU'\n"
        "x = tf.ones((256, 256)); y = tf.matmul(x, x); assert 'GPU' in y.device, y.device\n"
        "print(torch.cuda.get_device_name(0), y.device)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    print(result.stdout)


@pytest.mark.parametrize("lesson", notebooks.lessons())
def test_lesson_runs_on_gpu_and_cpu(lesson, monkeypatch):
    path = notebooks.source_notebook(lesson)
    gpu_seconds, _ = time_notebook(path)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    cpu_seconds, _ = time_notebook(path)
    REPORT.append((lesson, cpu_seconds, gpu_seconds))


def teardown_module():
    if REPORT:
        print("\n\nlección                      CPU (s)   GPU (s)")
        for lesson, cpu, gpu in REPORT:
            print(f"{lesson:<28}{cpu:>8.1f}{gpu:>10.1f}")
    os.environ.pop("CUDA_VISIBLE_DEVICES", None)
