#!/usr/bin/env bash
# The .debs of `make deb` used as a C programmer would (make test-deb): the packages' metadata is
# checked, then they are installed (as root: `apt-get install ./libswiftgrad0_*.deb
# ./libswiftgrad-dev_*.deb`, removed again at the end; otherwise `dpkg -x` into a temporary
# root), and the chapter (examples/c/autodiff.c), outside the repository, is built twice against
# them, with pkg-config alone and with CMake's find_package(swiftgrad), and run.
#   scripts/package/test_deb.sh DEBDIR
set -euo pipefail
cd "$(dirname "$0")/../.."
debdir=$(cd "$1" && pwd)
version=$(make --no-print-directory -s print-version)
major=${version%%.*}
runtime=$(ls "$debdir"/libswiftgrad${major}_"$version"-*_*.deb)
dev=$(ls "$debdir"/libswiftgrad-dev_"$version"-*_*.deb)
expected='Gradient=\[ 0\.  4\.  8\. 12\.\]'
work=$(mktemp -d)
installed=""
cleanup() {
    if [ -n "$installed" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y libswiftgrad-dev "libswiftgrad$major" >/dev/null 2>&1 || true
        echo "removed libswiftgrad$major and libswiftgrad-dev again"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# What the packages say and carry.
dpkg-deb -f "$runtime" Package Version Depends
runtime_files=$(dpkg-deb -c "$runtime")
dev_files=$(dpkg-deb -c "$dev")
grep -q "./usr/lib/libswiftgrad.so.$version$" <<<"$runtime_files"
grep -q "./usr/lib/libswiftgrad.so.$major -> libswiftgrad.so.$version$" <<<"$runtime_files"
for f in ./usr/include/swiftgrad.h ./usr/lib/pkgconfig/swiftgrad.pc ./usr/lib/cmake/swiftgrad/swiftgradConfig.cmake \
         ./usr/lib/cmake/swiftgrad/swiftgradConfigVersion.cmake "./usr/lib/libswiftgrad.so -> libswiftgrad.so.$major"; do
    grep -qF "$f" <<<"$dev_files" || { echo "test_deb: $dev lacks $f" >&2; exit 1; }
done
dpkg-deb -f "$runtime" Depends | grep -q "libopenblas" || { echo "test_deb: libswiftgrad$major does not depend on OpenBLAS" >&2; exit 1; }

cp examples/c/autodiff.c examples/c/example.h "$work/"
cd "$work"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    installed=yes
    DEBIAN_FRONTEND=noninteractive apt-get install --reinstall -y "$runtime" "$dev" >/dev/null
    echo "apt-get installed $(dpkg -s "libswiftgrad$major" | sed -n 's/^Version: //p') of libswiftgrad$major and libswiftgrad-dev"
    [ "$(pkg-config --modversion swiftgrad)" = "$version" ]
    cc -std=c11 autodiff.c -o autodiff $(pkg-config --cflags --libs swiftgrad) -lm
    ldd ./autodiff | grep -Eq "libswiftgrad.so.$major => (/usr)?/lib/libswiftgrad.so.$major"
    ./autodiff | grep -q "$expected"
    echo "pkg-config: the chapter, built against the installed package, runs (libswiftgrad.so.$major from /usr/lib)"
    cmake_prefix=""
else
    root=$work/root
    dpkg -x "$runtime" "$root"
    dpkg -x "$dev" "$root"
    echo "(not root: the packages were unpacked with dpkg -x into $root instead of installed)"
    export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_PATH=$root/usr/lib/pkgconfig
    [ "$(pkg-config --modversion swiftgrad)" = "$version" ]
    cc -std=c11 autodiff.c -o autodiff $(pkg-config --cflags --libs swiftgrad) -lm
    LD_LIBRARY_PATH=$root/usr/lib ./autodiff | grep -q "$expected"
    echo "pkg-config: the chapter, built against the unpacked package, runs"
    unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH
    cmake_prefix=$root/usr
fi

scripts_dir=$OLDPWD/scripts
"$scripts_dir/ensure.sh" cmake
printf '%s\n' 'cmake_minimum_required(VERSION 3.16)' 'project(chapter C)' "find_package(swiftgrad $version REQUIRED)" \
    'add_executable(autodiff autodiff.c)' 'target_link_libraries(autodiff PRIVATE swiftgrad::swiftgrad m)' > CMakeLists.txt
cmake -S . -B cmake-build ${cmake_prefix:+-DCMAKE_PREFIX_PATH=$cmake_prefix} >/dev/null
cmake --build cmake-build >/dev/null
LD_LIBRARY_PATH=${cmake_prefix:+$cmake_prefix/lib} ./cmake-build/autodiff | grep -q "$expected"
echo "CMake: find_package(swiftgrad $version) against the package builds the chapter, which runs"
