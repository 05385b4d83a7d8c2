#!/usr/bin/env bash
# The sdist as a user with Swift would install it (make test-sdist): first without Swift on PATH,
# which must stop with setup.py's message naming what is missing; then with it, into a fresh
# venv (pip builds the library from source: a full release build, ~5 minutes on 2 cores), and
# the installed package runs scripts/check_installed_python.py from /.
#   scripts/package/test_sdist.sh build/dist/swiftgrad-VERSION.tar.gz
set -euo pipefail
cd "$(dirname "$0")/../.."
sdist=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
venv=$PWD/build/venv-sdist
rm -rf "$venv"
scripts/ensure.sh venv "$venv"

# Without Swift: a clear error, not a traceback from deep inside the build.
nopath=$(mktemp -d)
trap 'rm -rf "$nopath"' EXIT
for tool in make cc python3; do ln -s "$(command -v $tool)" "$nopath/$tool"; done
if out=$(PATH=$nopath "$venv/bin/python" -m pip install --no-deps --disable-pip-version-check "$sdist" 2>&1); then
    echo "test_sdist: installing the sdist without swift on PATH succeeded" >&2; exit 1
fi
echo "$out" | grep -q "building from source needs the Swift toolchain" ||
    { echo "test_sdist: no clear message without swift:" >&2; echo "$out" | tail -20 >&2; exit 1; }
echo "without swift on PATH, pip stops with: $(echo "$out" | grep -m1 'building from source needs')"

# With Swift: pip builds the library and installs the package.
start=$(date +%s)
"$venv/bin/python" -m pip install --quiet --no-deps --disable-pip-version-check "$sdist"
echo "pip install $(basename "$sdist") built the library from source in $(( $(date +%s) - start )) s"
cd / && "$venv/bin/python" "$OLDPWD/scripts/check_installed_python.py"
