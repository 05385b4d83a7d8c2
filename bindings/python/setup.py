"""Bundles the built libswiftgrad.so into the package, so that an installed swiftgrad works from
any directory. The library comes from SWIFTGRAD_LIBRARY or the checkout's build output (`make`)."""
import os
import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

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


setup(cmdclass={"build_py": BuildWithLibrary})
