# Thin bootstrap: create .venv with the pinned requirements, then hand over to
# invoke (tasks.py), where the tasks live.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve build test lint clean

serve: $(STAMP)
	$(BIN)/invoke system-deps serve

build: $(STAMP)
	$(BIN)/invoke system-deps build

test: $(STAMP)
	$(BIN)/invoke system-deps --tests node-deps test

lint: $(STAMP)
	$(BIN)/invoke lint

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean:
	rm -rf output .output.* cache artifacts
