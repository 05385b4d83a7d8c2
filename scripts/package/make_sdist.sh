#!/usr/bin/env bash
# The source distribution (make sdist): DIST/swiftgrad-VERSION.tar.gz holds the Python package
# (bindings/python, without its tests) and, under native/, the Swift package it is built from
# (Package.swift, Sources, include, the Swift tests the manifest names, the Makefile and
# scripts/ensure.sh). Installing it runs `make build` in native/ (bindings/python/setup.py).
#   scripts/package/make_sdist.sh PYTHON DIST      (PYTHON: one with the `build` package)
set -euo pipefail
cd "$(dirname "$0")/../.."
python=$1  # relative to the checkout
dist=$2
stage=build/sdist-src
rm -rf "$stage"
mkdir -p "$stage/native" "$dist"
# Tracked files only: no build output, caches or local edits' leftovers.
git ls-files -z bindings/python | grep -zv '^bindings/python/tests/' |
    while IFS= read -r -d '' f; do mkdir -p "$stage/$(dirname "${f#bindings/python/}")"; cp "$f" "$stage/${f#bindings/python/}"; done
git ls-files -z Package.swift Sources include Tests/SwiftGradTests Makefile scripts/ensure.sh |
    while IFS= read -r -d '' f; do mkdir -p "$stage/native/$(dirname "$f")"; cp -p "$f" "$stage/native/$f"; done
cat > "$stage/MANIFEST.in" <<'MANIFEST'
include README.md
graft native
global-exclude __pycache__ *.pyc
MANIFEST
rm -f "$dist"/swiftgrad-*.tar.gz
# From /: run from here, `python -m build` would import the checkout's build/ directory.
root=$PWD
(cd / && "$root/$python" -m build --sdist --no-isolation --outdir "$root/$dist" "$root/$stage" >/dev/null)
ls -l "$dist"/swiftgrad-*.tar.gz
