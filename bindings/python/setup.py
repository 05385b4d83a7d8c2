"""Bundles the built libswiftgrad.so into the package, so that an installed swiftgrad works from
any directory. The library comes from SWIFTGRAD_LIBRARY or the checkout's build output (`make`)."""
import os
import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    from wheel.bdist_wheel import bdist_wheel

HERE = pathlib.Path(__file__).resolve().parent


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        source = pathlib.Path(os.environ.get("SWIFTGRAD_LIBRARY") or HERE.parent.parent / "build" / "lib" / "libswiftgrad.so")
        if not source.is_file():
            raise SystemExit(f"swiftgrad: {source} not found; run `make` in the swiftgrad checkout first "
                             "(or set SWIFTGRAD_LIBRARY to a built libswiftgrad.so)")
        target = pathlib.Path(self.build_lib) / "swiftgrad" / "libswiftgrad.so"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


class PlatformWheel(bdist_wheel):
    """The wheel carries a native library, so it is for this platform (linux_x86_64, ...), but
    for any Python 3: the library is loaded through ctypes, not as an extension module."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel})
