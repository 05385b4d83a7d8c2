"""The loader: SWIFTGRAD_LIBRARY, then the bundled library, then the checkout's build output;
clear messages when none loads; a major-version mismatch is refused."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import swiftgrad

BINDINGS = pathlib.Path(__file__).resolve().parent.parent


def run(code, env_extra=None, pythonpath=BINDINGS):
    env = {"PYTHONPATH": str(pythonpath), "PATH": "/usr/bin:/bin"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)


def test_checkout_build_output_is_found():
    result = run("import swiftgrad; print(swiftgrad.library_path)")
    assert result.returncode == 0, result.stderr
    assert pathlib.Path(result.stdout.strip()).name == "libswiftgrad.so"


def test_explicit_library_is_used():
    result = run("import swiftgrad; print(swiftgrad.library_path)", {"SWIFTGRAD_LIBRARY": swiftgrad.library_path})
    assert result.stdout.strip() == swiftgrad.library_path


def test_bad_explicit_library_is_refused_with_its_path():
    result = run("import swiftgrad", {"SWIFTGRAD_LIBRARY": "/nonexistent/libswiftgrad.so"})
    assert result.returncode != 0
    assert "LibraryNotFoundError: SWIFTGRAD_LIBRARY='/nonexistent/libswiftgrad.so' could not be loaded" in result.stderr


def test_missing_library_lists_every_path_tried(tmp_path):
    # A checkout-shaped copy of the package with no library in it and no build output.
    package = tmp_path / "checkout" / "bindings" / "python" / "swiftgrad"
    shutil.copytree(BINDINGS / "swiftgrad", package, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    result = run("import swiftgrad", pythonpath=package.parent)
    assert result.returncode != 0
    assert "could not load libswiftgrad.so; tried:" in result.stderr
    assert "SWIFTGRAD_LIBRARY (not set)" in result.stderr
    assert f"{package / 'libswiftgrad.so'} (not found)" in result.stderr
    assert f"{tmp_path / 'checkout' / 'build' / 'lib' / 'libswiftgrad.so'} (not found)" in result.stderr


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler to build a fake library")
def test_major_version_mismatch_is_refused(tmp_path):
    source = tmp_path / "fake.c"
    source.write_text('unsigned sg_version(void) { return 7000001; }\n'
                      'const char *sg_version_string(void) { return "7.0.1"; }\n'
                      'const char *sg_last_error(void) { return ""; }\n'
                      'const char *sg_status_string(int s) { (void)s; return ""; }\n'
                      'long long sg_live_tensor_count(void) { return 0; }\n')
    library = tmp_path / "libfake.so"
    subprocess.run(["cc", "-shared", "-fPIC", str(source), "-o", str(library)], check=True)
    result = run("import swiftgrad", {"SWIFTGRAD_LIBRARY": str(library)})
    assert result.returncode != 0
    assert "libswiftgrad 7.0.1" in result.stderr and "has major version 7" in result.stderr
    assert "needs major version 0" in result.stderr
