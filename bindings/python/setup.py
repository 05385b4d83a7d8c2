"""Bundles libswiftgrad.so into the package, so that an installed swiftgrad works from any
directory. The library comes from, in order:

1. SWIFTGRAD_LIBRARY, a built libswiftgrad.so;
2. in a source distribution (`make sdist`: the Swift package is under native/), a release build
   made here with the Swift toolchain (`make build` in native/, a few minutes);
3. the checkout's build output (`make` in the swiftgrad checkout).

The version is the C header's, read from swiftgrad/_capi.py (generated from include/swiftgrad.h),
so the wheel's metadata, swiftgrad.__version__ and sg_version() cannot disagree."""
import os
import pathlib
import re
import shutil
import subprocess

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    try:
        from wheel.bdist_wheel import bdist_wheel
    except ImportError:  # no wheel package: building an sdist, or reading version()
        bdist_wheel = None

HERE = pathlib.Path(__file__).resolve().parent
NATIVE = HERE / "native"


def version():
    capi = (HERE / "swiftgrad" / "_capi.py").read_text()
    parts = [re.search(rf"^SG_VERSION_{p} = (\d+)$", capi, re.M).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def build_from_source():
    """The release build of the Swift package shipped in the sdist; returns the library's path."""
    missing = [tool for tool in ("swift", "make", "cc") if shutil.which(tool) is None]
    if missing:
        raise SystemExit(
            "swiftgrad: building from source needs the Swift toolchain (swift 6.0 or later), make and a C "
            f"compiler on PATH; not found: {', '.join(missing)}.\n"
            "Install Swift (https://www.swift.org/install/linux/) and OpenBLAS (Debian: libopenblas-dev), "
            "or install a prebuilt wheel instead (pip install --only-binary swiftgrad swiftgrad).")
    print(f"swiftgrad: building libswiftgrad.so from source with {shutil.which('swift')} (make build in {NATIVE})",
          flush=True)
    subprocess.run(["make", "-C", str(NATIVE), "build"], check=True)
    return NATIVE / "build" / "lib" / "libswiftgrad.so"


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        if os.environ.get("SWIFTGRAD_LIBRARY"):
            source = pathlib.Path(os.environ["SWIFTGRAD_LIBRARY"])
        elif (NATIVE / "Package.swift").is_file():
            source = build_from_source()
        else:
            source = HERE.parent.parent / "build" / "lib" / "libswiftgrad.so"
        if not source.is_file():
            raise SystemExit(f"swiftgrad: {source} not found; run `make` in the swiftgrad checkout first "
                             "(or set SWIFTGRAD_LIBRARY to a built libswiftgrad.so)")
        target = pathlib.Path(self.build_lib) / "swiftgrad" / "libswiftgrad.so"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.resolve(), target)
        target.chmod(0o755)


class BinaryDistribution(Distribution):
    """Carries a native library: the package is installed into platlib (the wheel's root), where
    auditwheel looks for shared objects to repair."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel or object):
    """The wheel carries a native library, so it is for this platform (linux_x86_64, which
    `make wheel` turns into manylinux with auditwheel), but for any Python 3: the library is
    loaded through ctypes, not as an extension module."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


if __name__ == "__main__":  # setuptools runs this file as __main__; scripts/package/check_versions.py imports it
    commands = {"build_py": BuildWithLibrary}
    if bdist_wheel is not None:
        commands["bdist_wheel"] = PlatformWheel
    setup(version=version(), cmdclass=commands, distclass=BinaryDistribution)
