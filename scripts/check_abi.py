#!/usr/bin/env python3
"""ABI checks for libswiftgrad.so against include/swiftgrad.h.

1. The functions the header declares and the symbols the library exports are the same set, and
   the library exports nothing but sg_* (the Swift runtime inside stays private).
2. The library does not depend on a Swift runtime library (it links one in statically).
3. Every function the header declares is called by at least one C test in Tests/C, or is an op
   of the table (scripts/ops) whose Python spelling a PyTorch reference case uses, or that an
   OpInfo of PyTorch's operator database calls and passes with, or the in-place variant of one
   that passes (bindings/python/tests/opdb).
4. The header compiles as C11 and as C++.
5. The library's SONAME is libswiftgrad.so.MAJOR and every sg_* symbol carries the version node
   SWIFTGRAD_MAJOR.MINOR (readelf -d, readelf -V / --dyn-syms).

Usage: check_abi.py include/swiftgrad.h build/lib/libswiftgrad.so
"""
import pathlib
import re
import shutil
import subprocess
import sys


def header_functions(header_text):
    text = re.sub(r"/\*.*?\*/", "", header_text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
    names = set()
    for statement in text.split(";"):
        statement = " ".join(statement.split())
        if statement.startswith("typedef") or "{" in statement:
            continue
        match = re.search(r"\b(sg_\w+)\s*\(", statement)
        if match:
            names.add(match.group(1))
    return names


def python_spellings(root):
    """C name -> the Python method and function names the op table gives it."""
    sys.path.insert(0, str(root / "scripts"))
    from generate import table_entries
    spellings = {op["name"]: op["python"].get("method", []) + op["python"].get("function", [])
                 for op in table_entries() if "python" in op}
    for op in table_entries():  # in-place forms: sg_abs_ is Tensor.abs_ (hand-written ones too)
        if "inplace" in op:
            spellings[op["name"] + "_"] = [op["inplace"]] if isinstance(op["inplace"], str) else op["inplace"]
    return spellings


def passing_opinfos(root):
    """Names of the OpInfos that pass in the op_db status file (their calls reach the op)."""
    import json
    status = json.loads((root / "bindings" / "python" / "tests" / "opdb" / "status.json").read_text())
    passing = {name.partition("[")[0] for name, result in status["ops"].items() if result == "pass"}
    # In-place variants checked on the same samples, by their method names (abs_).
    return passing | {method for method, result in status.get("inplace", {}).values() if result == "pass"}


def exported_symbols(library):
    out = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if not fields or fields[-2:-1] == ["A"]:  # the version node's own absolute symbol
            continue
        names.add(fields[-1].split("@")[0])
    return names


def main():
    header, library = sys.argv[1], sys.argv[2]
    root = pathlib.Path(header).resolve().parent.parent
    problems = []

    declared = header_functions(pathlib.Path(header).read_text())
    exported = exported_symbols(library)
    if not declared:
        problems.append("found no function declarations in the header")
    for name in sorted(declared - exported):
        problems.append(f"declared in the header but not exported: {name}")
    for name in sorted(exported - declared):
        problems.append(f"exported but not declared in the header: {name}")
    for name in sorted(n for n in exported if not n.startswith("sg_")):
        problems.append(f"exported symbol without the sg_ prefix: {name}")

    ldd = subprocess.run(["ldd", library], check=True, capture_output=True, text=True).stdout
    for line in ldd.splitlines():
        if "libswift" in line or "libFoundation" in line or "libdispatch" in line:
            problems.append(f"depends on a Swift runtime library: {line.strip()}")

    tests = "\n".join(p.read_text() for p in sorted((root / "Tests" / "C").glob("*.[ch]")))
    cases = (root / "bindings" / "python" / "tests" / "reference" / "cases.py").read_text()
    spellings = python_spellings(root)
    opinfos = passing_opinfos(root)
    for name in sorted(declared):
        # A call, or an entry of a table of functions a test calls through ({"add", sg_add, sg_add_r}).
        if re.search(rf"\b{name}\s*\(", tests) or re.search(rf"[{{,]\s*{name}\s*[,}}]", tests):
            continue
        # An op whose torch spelling is an OpInfo that passes is tested through this C function
        # against torch's own samples.
        if any(spelling in opinfos or spelling.rpartition(".")[2] in opinfos and "." not in spelling
               for spelling in spellings.get(name, ())):
            continue
        # An op of the table whose Python spelling a PyTorch reference case uses is tested
        # through this C function (the binding calls it), against PyTorch's values.
        if any(re.search(rf"[.]{spelling}\(", cases) for spelling in spellings.get(name, ())):
            continue
        problems.append(f"no C test calls {name}, and no reference case or passing OpInfo uses its Python spelling")

    version = dict(re.findall(r"^#define SG_VERSION_(MAJOR|MINOR|PATCH) (\d+)$", pathlib.Path(header).read_text(), re.M))
    soname = f"libswiftgrad.so.{version['MAJOR']}"
    node = f"SWIFTGRAD_{version['MAJOR']}.{version['MINOR']}"
    dynamic = subprocess.run(["readelf", "-d", library], check=True, capture_output=True, text=True).stdout
    if f"Library soname: [{soname}]" not in dynamic:
        problems.append(f"the SONAME is not {soname}: {[l.strip() for l in dynamic.splitlines() if 'SONAME' in l]}")
    versions = subprocess.run(["readelf", "-V", library], check=True, capture_output=True, text=True).stdout
    if f"Name: {node}" not in versions:
        problems.append(f"readelf -V shows no version node {node}")
    symbols = subprocess.run(["readelf", "--dyn-syms", "-W", library], check=True, capture_output=True, text=True).stdout
    unversioned = [line.split()[-1] for line in symbols.splitlines()
                   if " sg_" in line and " UND " not in line and f"@@{node}" not in line]
    for name in unversioned:
        problems.append(f"exported without the version node {node}: {name}")

    compilers = [("cc", ["-std=c11", "-x", "c"]), ("c++", ["-std=c++17", "-x", "c++"])]
    for compiler, flags in compilers:
        if shutil.which(compiler):
            result = subprocess.run([compiler, *flags, "-Wall", "-Wextra", "-Werror", "-fsyntax-only", header],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                problems.append(f"the header does not compile with {compiler}: {result.stderr.strip()}")

    if problems:
        print("ABI check failed:")
        for p in problems:
            print("  -", p)
        return 1
    print(f"ABI check passed: {len(declared)} functions declared, exported and tested (from C or a reference case); "
          f"only sg_* exported, as version {node}; SONAME {soname}; no Swift runtime dependency")
    return 0


if __name__ == "__main__":
    sys.exit(main())
