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

.PHONY: install lab test lint format release bench grade clean

install: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "ERROR: se necesita Python >= $(MIN_PYTHON); '$(PYTHON)' es $$($(PYTHON) --version 2>&1 || echo 'inexistente')."; \
	  echo "ERROR: Python >= $(MIN_PYTHON) is required; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo 'missing')."; \
	  echo "       Usa/Use: make $(MAKECMDGOALS) PYTHON=python3.12"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Instalando dependencias en $(VENV) (la primera vez tarda unos minutos)..."
	@$(BIN)/python -m pip install -q -r requirements.txt -c constraints.txt || { \
	  echo "ERROR: no se pudieron instalar los paquetes de requirements.txt (¿sin conexión con el índice de paquetes?)."; \
	  echo "ERROR: could not install the packages in requirements.txt (is the package index unreachable?)."; \
	  $(BIN)/python scripts/missing_packages.py requirements.txt; exit 1; }
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (curso)" >/dev/null
	@touch $(STAMP)

lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir=course $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

test: install lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope --nbval-lax --nbval-current-env \
	  --nbval-cell-timeout=600 -p no:cacheprovider tests solutions

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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
