# Thin bootstrap: create .venv with the pinned requirements, then hand over to
# invoke (tasks.py), where the tasks live.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# make serve PORT=8001 when 8000 is taken: from the command line only (a
# PORT exported by a container's shell or a hosting platform is not ours),
# passed as one word (invoke serve checks it, in the reporter's language)
ifeq ($(origin PORT),command line)
SERVE_PORT := $(PORT)
else
SERVE_PORT := 8000
endif
# apt-get through sudo unless root (as scripts/system_deps.py does)
SUDO ?= $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve build test lint clean

serve: $(STAMP)
	$(BIN)/invoke system-deps serve --port '$(subst ','\'',$(SERVE_PORT))'

build: $(STAMP)
	$(BIN)/invoke system-deps build

test: $(STAMP)
	$(BIN)/invoke system-deps --tests node-deps test

lint: $(STAMP)
	$(BIN)/invoke lint

# Debian and Ubuntu ship `python3 -m venv` (ensurepip) apart, in python3-venv.
$(STAMP): requirements.txt
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  echo "$(PYTHON) -m venv needs the Debian package python3-venv: installing it"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq --no-install-recommends python3-venv || { \
	    echo "could not install python3-venv: run 'sudo apt-get install python3-venv', then make again"; \
	    exit 1; }; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean:
	rm -rf output .output.* cache artifacts
