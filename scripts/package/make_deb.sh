#!/usr/bin/env bash
# Debian packages of the built library (make deb): OUT/libswiftgrad0_VERSION-1_ARCH.deb (the
# shared library under its SONAME) and OUT/libswiftgrad-dev_VERSION-1_ARCH.deb (header,
# libswiftgrad.so, swiftgrad.pc, the CMake package), laid out by `make install PREFIX=/usr`, so the
# .pc and CMake files are the ones make install writes. Dependencies come from dpkg-shlibdeps.
#   scripts/package/make_deb.sh OUT
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$1
version=$(make --no-print-directory -s print-version)
major=${version%%.*}
arch=$(dpkg --print-architecture)
revision=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

stage=$work/stage
make --no-print-directory install PREFIX=/usr DESTDIR="$stage" >/dev/null

# The dependencies of the library, as Debian computes them (libc6 (>= ...), libopenblas0, ...).
mkdir -p "$work/shlibs/debian"
printf 'Source: swiftgrad\n\nPackage: libswiftgrad%s\nArchitecture: any\n' "$major" > "$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$stage/usr/lib/libswiftgrad.so.$version" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "make_deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

maintainer="swiftgrad developers <swiftgrad@invalid>"
description="tensors with reverse-mode automatic differentiation (C library)"

# libswiftgrad0: the runtime library.
runtime=$work/libswiftgrad$major
mkdir -p "$runtime/DEBIAN" "$runtime/usr/lib" "$runtime/usr/share/doc/libswiftgrad$major"
cp -a "$stage/usr/lib/libswiftgrad.so.$version" "$stage/usr/lib/libswiftgrad.so.$major" "$runtime/usr/lib/"
# Without its DWARF (22 of 41 MB), as dh_strip would; the symbol table stays.
strip --strip-debug "$runtime/usr/lib/libswiftgrad.so.$version"
cat > "$runtime/DEBIAN/control" <<CONTROL
Package: libswiftgrad$major
Version: $version-$revision
Architecture: $arch
Section: libs
Priority: optional
Multi-Arch: same
Depends: $depends
Maintainer: $maintainer
Description: $description
 swiftgrad is PyTorch's autograd as a small, safe C library: tensors, reverse-mode automatic
 differentiation, nn building blocks and optimizers behind a C ABI with a stable SONAME
 (libswiftgrad.so.$major) and versioned symbols. The Swift runtime is linked in.
CONTROL
# Programs linked against it depend on this package at this version or later (dpkg-shlibdeps).
echo "libswiftgrad $major libswiftgrad$major (>= $version)" > "$runtime/DEBIAN/shlibs"
echo "activate-noawait ldconfig" > "$runtime/DEBIAN/triggers"
printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: swiftgrad\n\nFiles: *\nCopyright: the swiftgrad developers\nLicense: MIT\n' \
    > "$runtime/usr/share/doc/libswiftgrad$major/copyright"

# libswiftgrad-dev: what a C or C++ program builds with.
dev=$work/libswiftgrad-dev
mkdir -p "$dev/DEBIAN" "$dev/usr/lib" "$dev/usr/include" "$dev/usr/share/doc/libswiftgrad-dev"
cp -a "$stage/usr/lib/libswiftgrad.so" "$stage/usr/lib/pkgconfig" "$stage/usr/lib/cmake" "$dev/usr/lib/"
cp -a "$stage/usr/include/swiftgrad.h" "$dev/usr/include/"
cp "$runtime/usr/share/doc/libswiftgrad$major/copyright" "$dev/usr/share/doc/libswiftgrad-dev/"
cat > "$dev/DEBIAN/control" <<CONTROL
Package: libswiftgrad-dev
Version: $version-$revision
Architecture: $arch
Section: libdevel
Priority: optional
Multi-Arch: same
Depends: libswiftgrad$major (= $version-$revision)
Maintainer: $maintainer
Description: $description - development files
 The header swiftgrad.h, the libswiftgrad.so link, pkg-config's swiftgrad.pc and the CMake
 package (find_package(swiftgrad), target swiftgrad::swiftgrad).
CONTROL

mkdir -p "$out"
rm -f "$out"/libswiftgrad*.deb
for package in "$runtime" "$dev"; do
    (cd "$package" && find usr -type f -exec md5sum {} + > DEBIAN/md5sums)
    installed=$(du -sk --exclude=DEBIAN "$package" | cut -f1)
    echo "Installed-Size: $installed" >> "$package/DEBIAN/control"
    dpkg-deb --root-owner-group --build "$package" "$out/$(basename "$package")_${version}-${revision}_${arch}.deb" >/dev/null
done
ls -l "$out"/*.deb
