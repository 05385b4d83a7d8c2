#!/usr/bin/env bash
# Installs what a make target needs when it is missing (Debian; as root through apt-get).
#   scripts/ensure.sh openblas                  OpenBLAS's headers and library (pkg-config openblas)
#   scripts/ensure.sh venv DIR [PACKAGE...]    a Python virtual environment with these packages
#   scripts/ensure.sh graphviz                 the Graphviz `dot` program (for pictures of graphs)
#   scripts/ensure.sh libffi                   libffi's headers and library (for the ABI fuzzer)
#   scripts/ensure.sh valgrind                 valgrind (for make check-safety)
#   scripts/ensure.sh cmake                    CMake (to test the installed CMake package)
#   scripts/ensure.sh dpkg-dev                 dpkg-shlibdeps (make deb computes the packages' Depends)
#   scripts/ensure.sh openmpi                  Open MPI: mpirun, mpicc and libmpi (for swiftgrad.distributed)
set -euo pipefail

apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "missing $*: install it (apt-get install -y $*) or run make as root" >&2
        exit 1
    fi
    echo "installing $* with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null 2>&1 ||
        { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null; }
}

case "$1" in
openblas)
    pkg-config --exists openblas 2>/dev/null || apt_install libopenblas-dev pkg-config
    ;;
graphviz)
    command -v dot >/dev/null || apt_install graphviz
    ;;
libffi)
    pkg-config --exists libffi 2>/dev/null || apt_install libffi-dev pkg-config
    ;;
valgrind)
    command -v valgrind >/dev/null || apt_install valgrind
    ;;
cmake)
    command -v cmake >/dev/null || apt_install cmake
    ;;
dpkg-dev)
    command -v dpkg-shlibdeps >/dev/null || apt_install dpkg-dev
    ;;
openmpi)
    { command -v mpirun >/dev/null && command -v mpicc >/dev/null; } || apt_install openmpi-bin libopenmpi-dev
    ;;
venv)
    # scripts/ensure.sh venv DIR [PACKAGE...]: a virtual environment with these packages.
    dir=$2
    shift 2
    if [ ! -x "$dir/bin/python" ]; then
        command -v python3 >/dev/null || apt_install python3
        if ! python3 -m venv "$dir" 2>/dev/null; then
            rm -rf "$dir"
            apt_install python3-venv
            python3 -m venv "$dir"
        fi
    fi
    python=$(cd "$dir" && pwd)/bin/python
    for package in "$@"; do
        # From /: in the checkout, `import build` would find its build/ directory.
        (cd / && "$python" -c "import $package") 2>/dev/null ||
            "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$package"
    done
    ;;
*)
    echo "usage: $0 openblas | graphviz | libffi | valgrind | cmake | dpkg-dev | openmpi | venv DIR [PACKAGE...]" >&2
    exit 2
    ;;
esac
