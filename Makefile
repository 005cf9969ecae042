# The course's two commands, and the tools behind them.
#   make lab    set everything up (first time: about a minute) and open the course in JupyterLab
#   make test   set everything up and run every check, printing the time of each phase
# While editing, `make check` runs only what a change touches (lint, its unit tests, its lessons).
# Windows has no make: use `py -m hlcourse lab` (the same as `make lab`).

PYTHON ?= python3
VENV ?= .venv
export HLCOURSE_VENV := $(abspath $(VENV))
BIN := $(VENV)/bin
ENV_PY := $(BIN)/python

.PHONY: lab test check bench sweep-memory lock new-lesson pair readme version html env clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

lab:  ## create .venv when missing, install the runtime lock, start JupyterLab on notebooks/
	$(PYTHON) -m hlcourse lab

test:  ## set up (the dev lock: runtime + test tools), then lint, import contracts, unit tests, lessons, browser, Binder; each lesson's two runs agree
	$(PYTHON) tools/check.py

check:  ## the fast tier: lint and import contracts, then the unit tests and lessons your change touches
	$(PYTHON) tools/check.py --changed

env:  ## only create or refresh .venv from requirements-dev.lock (runtime + test tools)
	$(PYTHON) -m hlcourse._bootstrap --dev

bench: env  ## run every lesson in a fresh kernel; record time and peak memory in bench/results.json
	$(ENV_PY) tools/bench.py

html: env  ## render a read-only copy of the course, with outputs, into build/html
	$(ENV_PY) -m hlcourse html build/html

sweep-memory: env  ## lesson 11's sweeps: SimpleRNN/LSTM/GRU on both memory tasks, 5 seeds, into bench/results.json
	$(ENV_PY) tools/sweep_memory.py --task symbol
	$(ENV_PY) tools/sweep_memory.py --task adding

# The runtime lock first; the dev lock is compiled within it (--constraint), so the packages both
# hold have one version; Binder installs a byte-for-byte copy of the runtime lock. Pins already
# in a lock are kept (uv prefers an output file's versions): `rm` a lock to move everything on.
lock: env  ## recompile requirements.lock (runtime), requirements-dev.lock and binder/requirements.txt (needs the network)
	$(ENV_PY) -m uv --version >/dev/null 2>&1 || $(ENV_PY) -m pip install -qq uv
	$(ENV_PY) -m uv pip compile pyproject.toml \
	  --extra lab --universal \
	  --python-version 3.11 -o requirements.lock
	$(ENV_PY) -m uv pip compile pyproject.toml \
	  --extra lab --extra test --universal \
	  --constraint requirements.lock --python-version 3.11 -o requirements-dev.lock
	cp requirements.lock binder/requirements.txt

new-lesson: env  ## start a lesson pair from the template: make new-lesson SLUG=13_my_topic
	$(ENV_PY) tools/new_lesson.py $(SLUG)

pair: env  ## write each notebooks/NN_slug.ipynb from its src/NN_slug.py (refuses to drop edits made in the .ipynb)
	$(ENV_PY) tools/pair.py

version: env  ## give the course a new version everywhere it is recorded: make version VERSION=0.2.0
	$(ENV_PY) tools/set_version.py $(VERSION)

readme: env  ## rewrite the README's course map from hlcourse/lessons.py
	$(ENV_PY) tools/readme.py

clean:  ## remove caches (keeps .venv)
	rm -rf .pytest_cache .ruff_cache build dist *.egg-info
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
