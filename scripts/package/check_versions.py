"""The version is written once, in include/swiftgrad.h (SG_VERSION_MAJOR/MINOR/PATCH); this checks
that everything else says the same (make test-versions):

- the built library: sg_version() and sg_version_string() (build/lib/libswiftgrad.so, through
  ctypes in a process of its own);
- the Python package: swiftgrad.__version__ and the version setup.py gives the wheel and sdist;
- the Swift package: PackageVersion (Sources/SwiftGrad/Version.generated.swift);
- `make install`: the library's file name, swiftgrad.pc (pkg-config --modversion), the CMake
  package's version file;
- the packages, when built: the wheel's name and METADATA, the sdist's name and PKG-INFO, the
  .debs' Version fields (build/dist, build/deb).
"""
import pathlib
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout.strip()


def main():
    header = (ROOT / "include" / "swiftgrad.h").read_text()
    major, minor, patch = (int(re.search(rf"^#define SG_VERSION_{p} (\d+)$", header, re.M).group(1))
                           for p in ("MAJOR", "MINOR", "PATCH"))
    version = f"{major}.{minor}.{patch}"
    found = {}

    # The library is loaded in a process of its own: `make install` below may rebuild it, and
    # (before the Makefile moved a new file into place) copying over a library this process had
    # mapped crashed it.
    query = ("import ctypes, sys; lib = ctypes.CDLL(sys.argv[1]); "
             "lib.sg_version.restype, lib.sg_version_string.restype = ctypes.c_uint32, ctypes.c_char_p; "
             "print(lib.sg_version(), lib.sg_version_string().decode())")
    number, string = run(sys.executable, "-c", query, str(ROOT / "build" / "lib" / "libswiftgrad.so")).split()
    number = int(number)
    found["sg_version()"] = f"{number // 1_000_000}.{number // 1000 % 1000}.{number % 1000}"
    found["sg_version_string()"] = string

    python = ROOT / "bindings" / "python"
    found["swiftgrad.__version__"] = run(sys.executable, "-c", "import swiftgrad; print(swiftgrad.__version__)",
                                         env={"PYTHONPATH": str(python), "PATH": "/usr/bin:/bin"})
    found["setup.py (wheel/sdist metadata)"] = run(sys.executable, "-c", "import setup; print(setup.version())",
                                                   cwd=python, env={"PATH": "/usr/bin:/bin"})

    swift = (ROOT / "Sources" / "SwiftGrad" / "Version.generated.swift").read_text()
    found["PackageVersion.string"] = re.search(r'public static let string = "(.*)"', swift).group(1)
    found["PackageVersion.major/minor/patch"] = ".".join(
        re.search(rf"public static let {p} = (\d+)", swift).group(1) for p in ("major", "minor", "patch"))

    with tempfile.TemporaryDirectory() as prefix:
        run("make", "--no-print-directory", "-C", str(ROOT), "install", f"PREFIX={prefix}")
        found["installed library file"] = next(pathlib.Path(prefix, "lib").glob("libswiftgrad.so.*.*.*")).name[len("libswiftgrad.so."):]
        found["swiftgrad.pc"] = run("pkg-config", "--modversion", "swiftgrad", env={"PKG_CONFIG_PATH": f"{prefix}/lib/pkgconfig", "PATH": "/usr/bin:/bin"})
        cmake = pathlib.Path(prefix, "lib", "cmake", "swiftgrad", "swiftgradConfigVersion.cmake").read_text()
        found["swiftgradConfigVersion.cmake"] = re.search(r'set\(PACKAGE_VERSION "(.*)"\)', cmake).group(1)

    dist = ROOT / "build" / "dist"
    for wheel in sorted(dist.glob("swiftgrad-*.whl")):
        found[f"wheel name {wheel.name}"] = wheel.name.split("-")[1]
        with zipfile.ZipFile(wheel) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
            found["wheel METADATA"] = re.search(r"^Version: (.*)$", z.read(meta).decode(), re.M).group(1)
    for sdist in sorted(dist.glob("swiftgrad-*.tar.gz")):
        found[f"sdist name {sdist.name}"] = sdist.name[len("swiftgrad-"):-len(".tar.gz")]
        with tarfile.open(sdist) as t:
            info = next(m for m in t.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
            found["sdist PKG-INFO"] = re.search(r"^Version: (.*)$", t.extractfile(info).read().decode(), re.M).group(1)
    for deb in sorted((ROOT / "build" / "deb").glob("*.deb")):
        found[f"{deb.name} Version"] = run("dpkg-deb", "-f", str(deb), "Version").rsplit("-", 1)[0]

    width = max(map(len, found))
    wrong = {k: v for k, v in found.items() if v != version}
    print(f"include/swiftgrad.h: SG_VERSION {version}")
    for k, v in found.items():
        print(f"  {k:<{width}}  {v}{'' if v == version else '   <- differs'}")
    if wrong:
        print(f"versions disagree with the header's {version}: {', '.join(wrong)}")
        return 1
    if not any(k.startswith("wheel") for k in found) or not any(k.endswith(" Version") for k in found):
        print("(wheel or .debs not built yet: make wheel deb to check them too)")
    print(f"versions agree: {version} in {len(found)} places")
    return 0


if __name__ == "__main__":
    sys.exit(main())
