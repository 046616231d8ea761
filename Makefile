# The two commands a fresh machine needs: `make build` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
OUT     ?= build/cloud-connector

.PHONY: build test bench lint golden ttk-parity clean venv browser screenshots fuzz

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

build: $(STAMP)
	$(BIN)/armgen build --out $(OUT)

test: $(STAMP)
	@sh tests/browser_setup.sh install
	$(BIN)/ruff check armgen tests bench
	$(BIN)/pytest
	@sh tests/browser_setup.sh hint

# Debian's chromium + chromium-driver for the browser tests (make test does this too)
browser:
	@sh tests/browser_setup.sh install

# screenshots of the default offer's diagram and wizard preview under docs/ (needs Chromium)
screenshots: $(STAMP)
	$(BIN)/python -m tests.diagram.screenshots
	$(BIN)/python -m tests.preview.screenshots

# every entry point with our own hostile-input generators (tests/fuzz/): a table per entry point;
# FUZZ=rollout-plan (space-separated names) runs only those
FUZZ_CASES ?= 1000
FUZZ ?=
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz --cases $(FUZZ_CASES) $(FUZZ)

# checkov (the yardstick of bench_speed and bench_lint) goes into .bench-venv/ the first time,
# never into armgen's venv; without a network the bench says why and runs without it
bench: $(STAMP)
	@sh bench/checkov_setup.sh $(PY)
	$(BIN)/python -m bench

golden: $(STAMP)
	$(BIN)/python -m armgen.golden

ttk-parity: $(STAMP)
	$(BIN)/python -m armgen.lint.parity

lint: $(STAMP)
	$(BIN)/ruff check armgen tests bench

clean:
	rm -rf build $(VENV) .bench-venv .bench-venv.log
