# signgen: `make demo` renders the shipped example, `make test` runs lint, types and tests.
# Both create .venv on first use; torch is pinned to the CPU build through constraints-cpu.txt
# (an unpinned torch pulls a multi-GB CUDA build). GPU users: pip install -e . with your torch.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
PIP := $(BIN)/pip install -q -c constraints-cpu.txt

.PHONY: demo test lint typecheck pytest install clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml constraints-cpu.txt | $(BIN)/python
	$(PIP) -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The live page's test drives Debian's Chromium through Playwright (Playwright downloads no
# browser); installed here when missing (needs root, or sudo).
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
$(CHROMIUM):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium

demo: $(STAMP)
	$(BIN)/signgen demo

lint: $(STAMP)
	$(BIN)/ruff check signgen tests benchmarks
	$(BIN)/ruff format --check signgen tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest -q -p no:cacheprovider --timeout 900

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build *.egg-info
