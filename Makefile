# sohoa: the two commands a newcomer runs on a fresh Debian/Ubuntu machine.
#   make run    set up (.venv, Python packages, Tesseract + Vietnamese data) and process samples/ into output/
#   make test   the same set-up, then the test suite
# Both are idempotent: a second run only redoes what changed. As root they call apt-get
# directly, otherwise through sudo.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT    := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
# Debian packages: OCR engine and its Vietnamese data; fonts for rendering test scans;
# LibreOffice (Writer and Calc, no GUI) so the tests can convert the DOCX to PDF and open the
# metadata sheet; qpdf and poppler-utils so the tests can check the PDF/A written (qpdf --check,
# pdftotext, pdfimages); Chromium and its WebDriver so the tests drive the review page in a real
# (headless) browser.
RUN_DEBS  := tesseract-ocr tesseract-ocr-vie
TEST_DEBS := $(RUN_DEBS) fonts-dejavu-core fonts-liberation2 libreoffice-writer-nogui libreoffice-calc-nogui \
             qpdf poppler-utils chromium chromium-driver

.PHONY: run test setup setup-test system-run system-test clean

run: setup
	$(BIN)/sohoa process samples -o output

test: setup-test
	$(BIN)/python -m pytest -q

setup: system-run $(VENV)/.installed
setup-test: system-test $(VENV)/.installed

# Install each Debian package only when it is missing (dpkg-query), so a second run is quick
# and needs no network.
system-run:
	@$(MAKE) --no-print-directory debs DEBS="$(RUN_DEBS) python3-venv"
system-test:
	@$(MAKE) --no-print-directory debs DEBS="$(TEST_DEBS) python3-venv"

.PHONY: debs
debs:
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(APT) update -qq && $(APT) install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip "setuptools>=77" wheel   # the wheel test builds without isolation
	$(BIN)/python -m pip install -q -e '.[test,cluster]'   # cluster: Dask's distributed, for --scheduler
	touch $@

# The engines the models never saw, for benchmarks/unseen_engines.py (GNU Ocrad, GOCR).
.PHONY: unseen-engines
unseen-engines:
	@$(MAKE) --no-print-directory debs DEBS="ocrad gocr"

clean:
	rm -rf $(VENV) build *.egg-info output/*.json output/*.docx output/*.txt output/*.words.json.gz
