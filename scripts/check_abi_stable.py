#!/usr/bin/env python3
"""The C ABI stays compatible within a major version: every function, constant, callback type
and options struct of a released header is still there, unchanged, in the current one.

A release's ABI is stored in abi/swiftgrad-X.Y.Z.txt (one normalised declaration a line:
parameter names dropped, whitespace and pointer spelling normalised). The check compares the
current include/swiftgrad.h against every stored file of the same major version:

- a function whose return or parameter types changed, or that was removed: fails;
- an enum or #define constant whose value changed, or that was removed: fails;
- a callback type changed or removed: fails;
- an options struct whose fields changed or were reordered: fails (fields appended after the
  released ones are fine: callers pass struct_size);
- anything new: fine (and listed).

    scripts/check_abi_stable.py                       check (make test-abi)
    scripts/check_abi_stable.py --write               store the current header as abi/swiftgrad-VERSION.txt (at a release)
    scripts/check_abi_stable.py --self-test           the check fails on a changed, a removed and passes on an added function
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import fuzz_table  # noqa: E402 - the header's prototypes, as the generator reads them
from generate import callback_typedefs, constants, structs  # noqa: E402

HEADER = ROOT / "include" / "swiftgrad.h"
ABI_DIR = ROOT / "abi"
# Constants that are not part of the ABI contract: the version itself changes at each release.
UNSTABLE = {"SG_VERSION_MAJOR", "SG_VERSION_MINOR", "SG_VERSION_PATCH", "SG_VERSION_NUMBER"}


def version(text):
    v = constants(text)
    return v["SG_VERSION_MAJOR"], v["SG_VERSION_MINOR"], v["SG_VERSION_PATCH"]


def declarations(text):
    """{(kind, name): normalised declaration} of a header."""
    out = {}
    for name, returns, params in fuzz_table.prototypes(text):
        types = ", ".join(fuzz_table.normalise(t) for t, _ in params) or "void"
        out[("function", name)] = f"{fuzz_table.normalise(returns)} {name}({types})"
    for name, value in constants(text).items():
        if name not in UNSTABLE:
            out[("constant", name)] = f"{name} = {value}"
    for name, returns, params in callback_typedefs(text):
        out[("callback", name)] = f"{fuzz_table.normalise(returns)} (*{name})({', '.join(fuzz_table.normalise(p) for p in params) or 'void'})"
    for name, fields in structs(text):
        out[("struct", name)] = f"struct {name} {{ " + " ".join(f"{fuzz_table.normalise(t)} {f};" for t, f in fields) + " }"
    return out


def render(decls):
    return "".join(f"{kind} {decl}\n" for (kind, _), decl in sorted(decls.items()))


def parse(text):
    decls = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, decl = line.split(" ", 1)
        if kind == "function":
            name = re.search(r"\b(sg_\w+)\(", decl).group(1)
        elif kind == "constant":
            name = decl.split(" = ")[0]
        elif kind == "callback":
            name = re.search(r"\(\*(\w+)\)", decl).group(1)
        else:
            name = decl.split()[1]
        decls[(kind, name)] = decl
    return decls


def compare(released, current):
    """(problems, additions) of the current declarations against a released set."""
    problems, additions = [], []
    for key, old in sorted(released.items()):
        kind, name = key
        new = current.get(key)
        if new is None:
            problems.append(f"{kind} {name} was removed (released as: {old})")
        elif kind == "struct":
            old_fields = old[old.index("{") + 1:old.rindex("}")].split(";")[:-1]
            new_fields = new[new.index("{") + 1:new.rindex("}")].split(";")[:-1]
            if new_fields[:len(old_fields)] != old_fields:
                problems.append(f"struct {name} changed its released fields:\n      released: {old}\n      now:      {new}")
        elif new != old:
            problems.append(f"{kind} {name} changed:\n      released: {old}\n      now:      {new}")
    additions = [f"{kind} {name}" for (kind, name) in sorted(set(current) - set(released))]
    return problems, additions


def check(header_text, abi_dir=ABI_DIR, quiet=False):
    major = version(header_text)[0]
    current = declarations(header_text)
    stored = sorted(abi_dir.glob(f"swiftgrad-{major}.*.txt"))
    if not stored:
        print(f"ABI stability: no stored release of major version {major} in {abi_dir} "
              f"(store one with scripts/check_abi_stable.py --write)")
        return 1
    failed = False
    for path in stored:
        problems, additions = compare(parse(path.read_text()), current)
        if problems:
            failed = True
            if not quiet:
                print(f"ABI stability: the header breaks the ABI of {path.name} "
                      f"(a released function's signature may not change within major version {major}):")
                for p in problems:
                    print("  -", p)
        elif not quiet:
            print(f"ABI stability: compatible with {path.name} ({len(parse(path.read_text()))} declarations unchanged, "
                  f"{len(additions)} added since)")
    return 1 if failed else 0


def self_test():
    """The check must fail on a changed and on a removed function, and pass on an added one."""
    import tempfile
    text = HEADER.read_text()
    with tempfile.TemporaryDirectory() as directory:
        abi = pathlib.Path(directory)
        major, minor, patch = version(text)
        (abi / f"swiftgrad-{major}.{minor}.{patch}.txt").write_text(render(declarations(text)))
        function = "SG_API sg_status sg_tensor_ndim(const sg_tensor *t, size_t *out);"
        assert function in text, f"self-test: the header no longer declares {function}"
        changed = text.replace(function, function.replace("size_t *out", "uint32_t *out"))
        removed = text.replace(function, "")
        added = text.replace(function, function + "\nSG_API sg_status sg_brand_new(const sg_tensor *t);")
        results = {name: check(t, abi, quiet=True) for name, t in
                   [("unchanged", text), ("changed", changed), ("removed", removed), ("added", added)]}
    expected = {"unchanged": 0, "changed": 1, "removed": 1, "added": 0}
    if results != expected:
        print(f"ABI stability self-test failed: {results}, expected {expected}")
        return 1
    print("ABI stability self-test: a changed or removed function fails the check, an added one passes")
    return 0


def main():
    text = HEADER.read_text()
    if "--write" in sys.argv[1:]:
        major, minor, patch = version(text)
        path = ABI_DIR / f"swiftgrad-{major}.{minor}.{patch}.txt"
        ABI_DIR.mkdir(exist_ok=True)
        path.write_text(f"# The C ABI of swiftgrad {major}.{minor}.{patch} (include/swiftgrad.h), normalised by "
                        "scripts/check_abi_stable.py --write.\n# Released declarations may not change or go within "
                        f"major version {major}; make test-abi checks.\n" + render(declarations(text)))
        print(f"wrote {path.relative_to(ROOT)}")
        return 0
    if "--self-test" in sys.argv[1:]:
        return self_test()
    return check(text)


if __name__ == "__main__":
    sys.exit(main())
