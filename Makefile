# Two commands set everything up on a fresh machine:
#   make book   build the website into _build/html
#   make test   lint, unit tests, strict build of every chapter, browser check,
#               student edition (checked for solutions), Colab-like run
# Both create .venv when missing and install the pinned requirements.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTML := _build/html
PORT ?= 8000
# Extra flags for jupyter-book, e.g. JB_FLAGS="--verbose".
JB_FLAGS ?=

.PHONY: help install book strict-book test lint unit browser-check chromium serve \
        clean setup-cells strip bench student colab-run

help:
	@echo "make book         build the website into $(HTML)"
	@echo "make test         lint, unit tests, strict build, browser check"
	@echo "make serve        serve the built site on http://127.0.0.1:$(PORT)"
	@echo "make student      student edition: _build/student/{notebooks,html}"
	@echo "make colab-run    run every chapter in a Colab-like environment"
	@echo "make bench        benchmarks (not part of make test)"
	@echo "make setup-cells  rewrite every chapter's install cell from _config.yml"
	@echo "make strip        remove outputs from every notebook before committing"
	@echo "make clean        remove build outputs (keeps $(VENV))"

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	# Build Matplotlib's font cache now, so its one-off notice on stderr
	# does not land in the first executed chapter.
	MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)

# Warnings are errors, references must resolve, every notebook is executed:
# --all re-reads every page, so that unchanged notebooks run again too (a
# change in otnotes must re-run them).
strict-book: $(STAMP)
	rm -rf $(HTML)
	$(BIN)/jupyter-book build . --all -W -n --keep-going $(JB_FLAGS)

lint: $(STAMP)
	$(BIN)/ruff check .

unit: $(STAMP)
	$(BIN)/python -m pytest

chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser check"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "The browser check needs Chromium. Install it, e.g." \
	       "'sudo apt-get install chromium', then run make test again."; exit 1; \
	fi

browser-check: $(STAMP) chromium
	$(BIN)/python tools/browser_check.py $(HTML) --screenshots _build/screenshots

test: chromium lint unit strict-book browser-check student colab-run

# The student edition: notebooks without solutions, and a website built from
# them (checkers are not strict there: the stubs are not solved).
STUDENT := _build/student
student: $(STAMP)
	$(BIN)/python tools/student_edition.py notebooks
	$(BIN)/python tools/student_edition.py source
	rm -rf $(STUDENT)/site $(STUDENT)/html
	OTNOTES_STRICT_CHECKS=0 $(BIN)/jupyter-book build $(STUDENT)/source -W -n \
	    --keep-going --path-output $(STUDENT)/site $(JB_FLAGS)
	mv $(STUDENT)/site/_build/html $(STUDENT)/html
	$(BIN)/python tools/check_student_edition.py $(STUDENT) \
	    $(if $(wildcard $(HTML)/index.html),--control $(HTML))

# Every chapter executed from its install cell in a fresh environment holding
# only what Colab preinstalls among our dependencies.
colab-run: $(STAMP)
	$(BIN)/python tools/colab_run.py

serve:
	@test -f $(HTML)/index.html || { echo "No site yet: run make book first"; exit 1; }
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

setup-cells: $(STAMP)
	$(BIN)/python tools/setup_cells.py --write

strip: $(STAMP)
	$(BIN)/python tools/strip_outputs.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis
