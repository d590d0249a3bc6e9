# rotactl — make demo | make test | make bench
VENV    ?= .venv
PY      := $(VENV)/bin/python
ROTACTL := $(VENV)/bin/rotactl
SHARED  ?= ../shared
# Scenarios that need issue 3 (attribution and disputes: report-in, disputes,
# resolve-dispute). 15 ends with `resolve-dispute D-nonexistent`, a command of
# issue 3. They are run, and must pass, once that issue lands.
PENDING_SCENARIOS ?= 10_ 15_ 17_ 19_ 20_ 21_ 22_

.PHONY: install test unit scenarios demo bench presets docs clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip >/dev/null 2>&1 || true
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

test: unit scenarios

unit: install
	$(VENV)/bin/pytest

scenarios: install
	@if [ -d "$(SHARED)/scenarios" ]; then \
	  files=$$(ls $(SHARED)/scenarios/*.toml | grep -v -E "/($$(echo $(PENDING_SCENARIOS) | tr ' ' '|'))"); \
	  echo "acceptance scenarios (pending for issue 3: $(PENDING_SCENARIOS))"; \
	  $(PY) $(SHARED)/tools/scenarios.py -j 2 --cmd $(ROTACTL) $$files; \
	else echo "no $(SHARED)/scenarios here: acceptance scenarios not run"; fi

demo: install
	ROTACTL=$(ROTACTL) sh samples/office/demo.sh ledgers

bench: install
	$(PY) tools/bench.py

presets docs: install
	$(PY) tools/make_presets.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis bench-data
