# The two commands a fresh machine needs: `make build` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
OUT     ?= build/cloud-connector

.PHONY: build test bench lint golden ttk-parity clean venv fuzz

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

build: $(STAMP)
	$(BIN)/armgen build --out $(OUT)

test: $(STAMP)
	$(BIN)/ruff check armgen tests bench
	$(BIN)/pytest

# every entry point with our own hostile-input generators (tests/fuzz/): a table per entry point
FUZZ_CASES ?= 1000
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz --cases $(FUZZ_CASES)

bench: $(STAMP)
	$(BIN)/python -m bench

golden: $(STAMP)
	$(BIN)/python -m armgen.golden

ttk-parity: $(STAMP)
	$(BIN)/python -m armgen.lint.parity

lint: $(STAMP)
	$(BIN)/ruff check armgen tests bench

clean:
	rm -rf build $(VENV)
