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
# unlike gold, also drops the hidden Swift symbols from .dynsym).
SWIFT_RELEASE_FLAGS := -c release --product swiftgrad -Xswiftc -static-stdlib -Xswiftc -use-ld=lld \
	-Xlinker --version-script=$(CURDIR)/Sources/SwiftGradCABI/swiftgrad.map

C_TESTS := $(patsubst Tests/C/%.c,$(BIN)/%,$(wildcard Tests/C/test_*.c))
C_EXAMPLES := $(patsubst examples/c/%.c,$(BIN)/%,$(wildcard examples/c/*.c))

.PHONY: all build demo test test-swift test-c test-abi clean

all: build
build: $(LIB)

$(LIB): $(SWIFT_SOURCES) $(HEADER)
	swift build $(SWIFT_RELEASE_FLAGS)
	mkdir -p $(BUILD)/lib
	cp "$$(swift build $(SWIFT_RELEASE_FLAGS) --show-bin-path)/libswiftgrad.so" $@
	@echo "built $@"

$(BIN)/%: examples/c/%.c $(LIB) $(HEADER)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $< -o $@ $(LDFLAGS) -lm

$(BIN)/test_%: Tests/C/test_%.c Tests/C/check.h $(LIB) $(HEADER)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -pthread $< -o $@ $(LDFLAGS) -lm

demo: $(C_EXAMPLES)
	@echo "== The chapter from C =="
	$(BIN)/autodiff

test: test-swift test-c test-abi

test-swift:
	swift test

test-c: $(C_TESTS)
	@for t in $(C_TESTS); do echo "== $$t"; $$t || exit 1; done

test-abi: $(LIB)
	python3 scripts/check_abi.py $(HEADER) $(LIB)

clean:
	rm -rf $(BUILD) .build
