# swiftgrad: `make` builds build/lib/libswiftgrad.so; `make demo` runs the chapter from C (and
# Python); `make test` runs the Swift, C and Python suites and the ABI checks. Each target installs
# what it needs and is missing (as root, with apt-get) before using it.

SHELL := /bin/bash
BUILD := build
LIB := $(BUILD)/lib/libswiftgrad.so
BIN := $(BUILD)/bin
HEADER := include/swiftgrad.h
SWIFT_SOURCES := $(shell find Sources -type f) Package.swift
CC ?= cc
CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -Iinclude
LDFLAGS := -L$(BUILD)/lib -lswiftgrad -Wl,-rpath,'$$ORIGIN/../lib'
# The shipped library: release, Swift runtime linked in statically, only sg_* exported (lld,
# unlike gold, also drops the hidden Swift symbols from .dynsym). Dynamic exclusivity checks are
# compiled out of the shipped library (they cost a third of the per-op time); the Swift tests
# build with them on, so an overlapping access in tested code still traps there.
SWIFT_RELEASE_FLAGS := -c release --product swiftgrad -Xswiftc -static-stdlib -Xswiftc -use-ld=lld \
	-Xswiftc -enforce-exclusivity=unchecked \
	-Xlinker --version-script=$(CURDIR)/Sources/SwiftGradCABI/swiftgrad.map

VENV := $(BUILD)/venv
PYTHON := $(VENV)/bin/python
PYTHON_SOURCES := $(shell find bindings/python -name '*.py' -not -path '*/build/*')

C_TESTS := $(patsubst Tests/C/%.c,$(BIN)/%,$(wildcard Tests/C/test_*.c))
C_EXAMPLES := $(patsubst examples/c/%.c,$(BIN)/%,$(wildcard examples/c/*.c))

.PHONY: all build demo test test-swift test-c test-abi test-fuzz test-python test-python-install test-examples venv clean bench fuzz

all: build
build: $(LIB)

$(LIB): $(SWIFT_SOURCES) $(HEADER) Makefile
	scripts/ensure.sh openblas
	swift build $(SWIFT_RELEASE_FLAGS)
	mkdir -p $(BUILD)/lib
	cp "$$(swift build $(SWIFT_RELEASE_FLAGS) --show-bin-path)/libswiftgrad.so" $@
	@echo "built $@"

$(BIN)/%: examples/c/%.c examples/c/example.h $(LIB) $(HEADER)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $< -o $@ $(LDFLAGS) -lm

$(BIN)/test_%: Tests/C/test_%.c Tests/C/check.h $(LIB) $(HEADER)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -pthread $< -o $@ $(LDFLAGS) -lm

# The ABI fuzzer (Tests/fuzz): every function of the header through libffi with hostile
# arguments; its table is generated from the header, so no function can be missed. `make test`
# runs 100,000 calls; `make fuzz` runs FUZZ_SEEDS seeds of FUZZ_CALLS calls each.
FUZZ_CALLS ?= 1000000
FUZZ_SEEDS ?= 1 2 3 4 5 6 7 8
$(BUILD)/fuzz/fuzz_table.h: $(HEADER) scripts/fuzz_table.py scripts/check_abi.py
	@mkdir -p $(BUILD)/fuzz
	python3 scripts/fuzz_table.py $(HEADER) > $@

$(BIN)/fuzz: Tests/fuzz/fuzz.c $(BUILD)/fuzz/fuzz_table.h $(LIB) $(HEADER)
	scripts/ensure.sh libffi
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -I$(BUILD)/fuzz $$(pkg-config --cflags libffi) $< -o $@ $(LDFLAGS) $$(pkg-config --libs libffi) -lm

test-fuzz: $(BIN)/fuzz
	$(BIN)/fuzz 100000 1

fuzz: $(BIN)/fuzz
	@for seed in $(FUZZ_SEEDS); do $(BIN)/fuzz $(FUZZ_CALLS) $$seed || exit 1; done

# Benchmarks (benchmarks/): the workloads through C, through Python, and on PyTorch when
# TORCH_PYTHON names a Python that can import torch (else one on PATH that can); `make bench
# README=1` also writes the table into README.md.
TORCH_PYTHON ?= $(shell python3 -c "import torch" 2>/dev/null && command -v python3)
$(BIN)/bench: benchmarks/bench.c $(LIB) $(HEADER)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $$(pkg-config --cflags openblas) -pthread $< -o $@ $(LDFLAGS) $$(pkg-config --libs openblas) -lm

bench: $(BIN)/bench $(VENV)/.ready
	$(PYTHON) benchmarks/run.py --bench $(BIN)/bench --torch-python "$(TORCH_PYTHON)" $(if $(README),--readme README.md)

# The Python environment for the demo and the tests (pytest, numpy), made on first use.
venv: $(VENV)/.ready
$(VENV)/.ready: scripts/ensure.sh
	scripts/ensure.sh venv $(VENV) pytest numpy
	touch $@

demo: $(C_EXAMPLES) $(VENV)/.ready
	@echo "== The chapter from C =="
	@mkdir -p $(BUILD)/demo
	$(BIN)/autodiff $(BUILD)/demo/z_graph.dot
	@if scripts/ensure.sh graphviz; then \
		dot -Tsvg -o $(BUILD)/demo/z_graph.svg $(BUILD)/demo/z_graph.dot && \
		echo "graph of z = u * x: $(BUILD)/demo/z_graph.svg (DOT: $(BUILD)/demo/z_graph.dot)"; \
	else echo "graph of z = u * x: $(BUILD)/demo/z_graph.dot (no SVG without Graphviz)"; fi
	@echo "== The chapter from Python (import swiftgrad as torch) =="
	PYTHONPATH=bindings/python $(PYTHON) examples/python/autodiff.py
	@echo "== Linear regression from scratch, C =="
	$(BIN)/linear_regression
	@echo "== Linear regression from scratch, Python =="
	PYTHONPATH=bindings/python $(PYTHON) examples/python/linear_regression.py
	@echo "== An MLP from scratch on handwritten digits, C =="
	$(BIN)/mlp_digits data/digits.csv
	@echo "== An MLP from scratch on handwritten digits, Python =="
	PYTHONPATH=bindings/python $(PYTHON) examples/python/mlp_digits.py

test: test-swift test-c test-abi test-fuzz test-python test-python-install test-examples

# The examples check their own results (convergence, accuracy, no leaks) and exit non-zero
# otherwise.
test-examples: $(C_EXAMPLES) $(VENV)/.ready
	$(BIN)/autodiff > /dev/null
	$(BIN)/linear_regression > /dev/null
	$(BIN)/mlp_digits data/digits.csv > /dev/null
	for e in autodiff linear_regression mlp_digits; do PYTHONPATH=bindings/python $(PYTHON) examples/python/$$e.py > /dev/null || exit 1; done
	@echo "examples: all converged"

test-swift:
	scripts/ensure.sh openblas
	swift test

test-c: $(C_TESTS)
	@for t in $(C_TESTS); do echo "== $$t"; $$t || exit 1; done

test-abi: $(LIB)
	python3 scripts/check_abi.py $(HEADER) $(LIB)

# The pytest suite twice: with numpy, and with numpy made unimportable.
test-python: $(LIB) $(VENV)/.ready
	PYTHONPATH=bindings/python $(PYTHON) -m pytest -q bindings/python/tests
	SWIFTGRAD_BLOCK_NUMPY=1 PYTHONPATH=bindings/python $(PYTHON) -m pytest -q bindings/python/tests

# `pip install ./bindings/python` into a fresh environment, then use it from another directory.
test-python-install: $(LIB) $(PYTHON_SOURCES)
	rm -rf $(BUILD)/venv-install
	scripts/ensure.sh venv $(BUILD)/venv-install
	$(BUILD)/venv-install/bin/python -m pip install --quiet --disable-pip-version-check ./bindings/python
	rm -rf bindings/python/build bindings/python/*.egg-info
	cd / && $(CURDIR)/$(BUILD)/venv-install/bin/python -c "import swiftgrad as torch, pathlib; \
		assert 'site-packages' in torch.library_path, torch.library_path; \
		x = torch.arange(4.0, requires_grad=True); (2 * torch.dot(x, x)).backward(); \
		assert repr(x.grad) == 'tensor([ 0.,  4.,  8., 12.])'; \
		import swiftgrad.autograd.functional, swiftgrad.viz; import swiftgrad.nn.functional as F; assert F.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 2])).item() > 0; \
		print('installed package works from /:', torch.library_path)"

clean:
	rm -rf $(BUILD) .build
