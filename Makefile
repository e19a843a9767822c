# Órdenes del curso. `make lab` abre el curso; `make test` comprueba todo.
# Ambas crean .venv la primera vez e instalan lo necesario; después no reinstalan nada.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.instalado
MIN_PYTHON := 3.11
export PATH := $(BIN):$(PATH)
export JUPYTER_PLATFORM_DIRS := 1
# Hilos: nunca más que núcleos (2 en CI); pytest-xdist reparte cuadernos entre procesos.
JOBS ?= auto
LAB_ARGS ?=
LAB_ROOT ?= course

# Entorno «como Colab» (Python 3.13 y las versiones de constraints-colab.txt) para `make test-colab`.
# Se queda con el primer candidato que de verdad arranca un Python 3.13: `python3.13` puede ser un
# «shim» de pyenv que existe pero falla si esa versión no está seleccionada. `make test-colab
# COLAB_PYTHON=/ruta/python3.13` elige otro.
COLAB_PYTHON_CANDIDATES = python3.13 \
  $$(ls -d $(HOME)/.pyenv/versions/3.13*/bin/python 2>/dev/null | grep -v 't/bin/python$$' | sort -rV) \
  /usr/local/bin/python3.13 /usr/bin/python3.13 python3
COLAB_PYTHON ?= $(shell for cand in $(COLAB_PYTHON_CANDIDATES); do \
  $$cand -c 'import sys; assert sys.version_info[:2] == (3, 13); print(sys.executable)' 2>/dev/null && break; done)
COLAB_VENV := .venv-colab
DEST ?= build/estudiantes

.PHONY: install lab test lint format release bench grade clean test-gpu test-colab student-dist

install: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "ERROR: se necesita Python >= $(MIN_PYTHON); '$(PYTHON)' es $$($(PYTHON) --version 2>&1 || echo 'inexistente')."; \
	  echo "ERROR: Python >= $(MIN_PYTHON) is required; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo 'missing')."; \
	  echo "       Usa/Use: make $(MAKECMDGOALS) PYTHON=python3.12"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Instalando dependencias en $(VENV) (la primera vez tarda unos minutos)..."
	@$(BIN)/python -m pip install -q --timeout 60 --retries 2 -r requirements.txt -c constraints.txt || { \
	  echo "ERROR: no se pudieron instalar los paquetes de requirements.txt (¿sin conexión con el índice de paquetes?)."; \
	  echo "ERROR: could not install the packages in requirements.txt (is the package index unreachable?)."; \
	  $(BIN)/python scripts/missing_packages.py requirements.txt; exit 1; }
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (curso)" >/dev/null
	@touch $(STAMP)

# JupyterLab en español y sin la ventana de noticias: los valores por defecto del curso están en
# jupyterlab-settings/overrides.json (el mecanismo «overrides» de JupyterLab; lo que cada cual cambie
# en Configuración sigue mandando). nbgrader añade su menú «Nbgrader». LAB_ROOT=carpeta sirve otra
# carpeta en lugar de course/ (lo usan las pruebas con navegador, tests/browser.py).
lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir=$(LAB_ROOT) --LabApp.app_settings_dir=$(CURDIR)/jupyterlab-settings \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: install lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope --nbval-lax --nbval-current-env \
	  --nbval-cell-timeout=600 -p no:cacheprovider tests solutions

test-gpu: install
	$(BIN)/python -m pytest -m gpu -s -p no:cacheprovider tests/test_gpu.py

$(COLAB_VENV)/.instalado: requirements.txt constraints-colab.txt pyproject.toml
	@test -n "$(COLAB_PYTHON)" || { echo "ERROR: falta Python 3.13 (pyenv install 3.13, o make test-colab COLAB_PYTHON=/ruta/python3.13)"; \
	  echo "ERROR: Python 3.13 is missing (pyenv install 3.13, or make test-colab COLAB_PYTHON=/path/to/python3.13)"; exit 1; }
	@test -x $(COLAB_VENV)/bin/python || $(COLAB_PYTHON) -m venv $(COLAB_VENV)
	@echo "Instalando las versiones de Colab en $(COLAB_VENV) (varios GB la primera vez)..."
	@$(COLAB_VENV)/bin/python -m pip install -q -r requirements.txt -c constraints-colab.txt || { \
	  echo "ERROR: no se pudieron instalar las versiones de Colab / could not install Colab's versions"; exit 1; }
	@touch $@

test-colab: $(COLAB_VENV)/.instalado
	$(COLAB_VENV)/bin/python -c "import sys, tensorflow, keras, torch, numpy; print('Python', sys.version.split()[0], '| TF', tensorflow.__version__, '| Keras', keras.__version__, '| torch', torch.__version__, '| numpy', numpy.__version__)"
	$(COLAB_VENV)/bin/python -m pytest -n $(JOBS) --dist loadscope --nbval-lax --nbval-current-env \
	  --nbval-cell-timeout=600 -p no:cacheprovider solutions

student-dist: install
	$(BIN)/python -m autograder student-dist $(DEST)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

release: install
	$(BIN)/python -m autograder release

bench: install
	$(BIN)/python scripts/bench.py

# Calificar un lote: make grade ASSIGNMENT=01_perceptron SOURCE=entregas.zip [OUT=calificaciones] [GRADE_JOBS=2] [TIMEOUT=600]
# [CLUSTER=tcp://nodo:8786 o CLUSTER=planificador.json] (un clúster de Dask que ya existe; sin él, uno local de GRADE_JOBS)
# [GRADE_ARGS="--sin-aislamiento --memory-mb 4096 ..."] (cualquier opción de `python -m autograder grade --help`)
OUT ?= calificaciones
grade: install
	@test -n "$(ASSIGNMENT)" -a -n "$(SOURCE)" || { \
	  echo "Uso: make grade ASSIGNMENT=01_perceptron SOURCE=carpeta_o_zip [OUT=calificaciones] [GRADE_JOBS=N] [TIMEOUT=segundos] [CLUSTER=tcp://nodo:8786]"; exit 2; }
	$(BIN)/python -m autograder grade $(ASSIGNMENT) $(SOURCE) --out $(OUT) $(if $(GRADE_JOBS),--jobs $(GRADE_JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(CLUSTER),--cluster $(CLUSTER)) $(GRADE_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
