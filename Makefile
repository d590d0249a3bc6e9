# rotactl — make demo | make test | make bench
VENV    ?= .venv
PY      := $(VENV)/bin/python
ROTACTL := $(VENV)/bin/rotactl
SHARED  ?= ../shared
# Acceptance scenarios: ../shared/tools/scenarios.py, run as it is.

.PHONY: install browser test lint unit scenarios demo bench presets docs clean reliability

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip >/dev/null 2>&1 || true
	$(PY) -m pip install -q -c constraints.txt -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Chromium and chromedriver for the board's browser test, from apt when missing (never fails the build)
browser:
	@sh tools/install_browser.sh

test: lint unit scenarios

# The rules of the code: ruff (pyproject.toml [tool.ruff]) and the layers (import-linter, [tool.importlinter])
lint: install
	$(VENV)/bin/ruff check rotactl tests tools
	$(VENV)/bin/lint-imports

unit: install browser
	$(VENV)/bin/pytest

scenarios: install
	@if [ -d "$(SHARED)/scenarios" ]; then \
	  echo "acceptance scenarios ($(SHARED)/scenarios)"; \
	  $(PY) $(SHARED)/tools/scenarios.py -j 4 --cmd $(ROTACTL) $(SHARED)/scenarios; \
	else echo "no $(SHARED)/scenarios here: acceptance scenarios not run"; fi

demo: install
	ROTACTL=$(ROTACTL) sh samples/office/demo.sh ledgers

bench: install
	$(PY) tools/bench.py

reliability: install
	$(PY) tools/reliability.py

presets docs: install
	$(PY) tools/make_presets.py
	$(PY) tools/make_commands_doc.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis bench-data
