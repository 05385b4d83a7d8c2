"""Checks the wheel `make wheel` builds, as a user on another Linux machine would meet it
(make test-wheel). Run with the packaging environment's Python:

    python check_wheel.py PACKAGING_VENV build/dist/swiftgrad-VERSION-py3-none-manylinux_2_NN_x86_64.whl

1. Its name and metadata: a manylinux_2_NN_x86_64 tag, the header's version.
2. `auditwheel show` accepts it for that manylinux policy.
3. `readelf -d` of every shared object inside: each NEEDED library is one the manylinux policy
   lets a wheel assume (glibc's, libstdc++, libgcc_s) or a file the wheel carries; no RPATH
   leads outside the wheel.
4. `pip install --no-index` into a fresh venv, then scripts/check_installed_python.py from /
   (the chapter, nn + optim, safetensors), in a mount namespace where the system's OpenBLAS,
   libgfortran and libquadmath are hidden, as on a machine without them. The checkout's library,
   which links the system's OpenBLAS, is first shown to fail to load there, so the hiding is real.
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
SYSTEM = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "ld-linux-x86-64.so.2",
          "libstdc++.so.6", "libgcc_s.so.1"}
# What a machine without OpenBLAS lacks (Debian's libopenblas0 and what it pulls in).
HIDDEN = ["libopenblas.so.0", "libgfortran.so.5", "libquadmath.so.0"]


def header_version():
    text = (ROOT / "include" / "swiftgrad.h").read_text()
    return ".".join(re.search(rf"^#define SG_VERSION_{p} (\d+)$", text, re.M).group(1) for p in ("MAJOR", "MINOR", "PATCH"))


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


def main():
    venv, wheel = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    version = header_version()
    size = wheel.stat().st_size / 2**20

    # 1. Name and metadata.
    m = re.fullmatch(rf"swiftgrad-{re.escape(version)}-py3-none-((?:manylinux_2_\d+_x86_64\.?)+)\.whl", wheel.name)
    assert m, f"{wheel.name}: not swiftgrad-{version}-py3-none-manylinux_2_NN_x86_64.whl"
    with zipfile.ZipFile(wheel) as z:
        metadata = z.read(f"swiftgrad-{version}.dist-info/METADATA").decode()
        names = z.namelist()
    assert f"\nVersion: {version}\n" in metadata, "the wheel's METADATA does not carry the header's version"
    print(f"wheel: {wheel.name} ({size:.1f} MiB), METADATA Version: {version}")

    # 2. auditwheel show.
    shown = run(str(venv / "bin" / "auditwheel"), "show", str(wheel), env={"PATH": f"{venv / 'bin'}:/usr/bin:/bin"})
    tag = m.group(1).split(".")[0]
    assert f'"{tag}"' in shown, f"auditwheel show does not put the wheel under {tag}:\n{shown}"
    print("auditwheel show: " + " ".join(shown.split())[:400])

    # 3. readelf -d of every shared object.
    with tempfile.TemporaryDirectory() as directory:
        with zipfile.ZipFile(wheel) as z:
            z.extractall(directory)
        objects = sorted(p for p in pathlib.Path(directory).rglob("*.so*") if p.is_file())
        carried = {p.name for p in objects}
        assert any(p.name == "libswiftgrad.so" for p in objects), "the wheel carries no libswiftgrad.so"
        for p in objects:
            dynamic = run("readelf", "-d", str(p))
            needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*?)\]", dynamic)
            outside = [n for n in needed if n not in SYSTEM and n not in carried]
            assert not outside, f"{p.name} needs {outside}, neither system libraries nor in the wheel"
            paths = re.findall(r"\((?:RPATH|RUNPATH)\)\s+Library (?:rpath|runpath): \[(.*?)\]", dynamic)
            assert all(part.startswith("$ORIGIN") for path in paths for part in path.split(":")), \
                f"{p.name} has an RPATH outside the wheel: {paths}"
            rel = p.relative_to(directory)
            print(f"readelf -d {rel}: NEEDED {', '.join(needed)}" + (f"; RUNPATH {paths[0]}" if paths else ""))

    # 4. A fresh venv, --no-index, from /, with the system's OpenBLAS hidden.
    with tempfile.TemporaryDirectory() as directory:
        env_dir = pathlib.Path(directory) / "venv"
        run("python3", "-m", "venv", str(env_dir))
        run(str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-index", str(wheel))
        hide = []
        for name in HIDDEN:
            for found in set(re.findall(rf"\s{re.escape(name)} \(.*?\) => (\S+)", run("/sbin/ldconfig", "-p"))):
                real = pathlib.Path(found).resolve()
                hide.append(f"mount --bind /dev/null {real}")
        checkout = ROOT / "build" / "lib" / "libswiftgrad.so"
        script = " && ".join(hide) + (
            f" && ! python3 -c 'import ctypes; ctypes.CDLL(\"{checkout}\")' 2>/dev/null"
            f" && echo 'with {', '.join(HIDDEN)} hidden, the checkout library (system OpenBLAS) does not load'"
            f" && cd / && {env_dir / 'bin' / 'python'} {ROOT / 'scripts' / 'check_installed_python.py'}")
        if shutil.which("unshare") and subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0:
            result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
        else:
            print("(no mount namespace here: the installed wheel runs with the system's libraries visible)")
            result = subprocess.run(["sh", "-c", f"cd / && {env_dir / 'bin' / 'python'} {ROOT / 'scripts' / 'check_installed_python.py'}"],
                                    capture_output=True, text=True)
        print(result.stdout.strip())
        assert result.returncode == 0, f"the installed wheel failed:\n{result.stderr}"
    print(f"wheel OK: {wheel.name} installs with pip --no-index into a fresh venv and runs without the system's OpenBLAS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
