"""The ctypes declarations the binding uses, checked against include/swiftgrad.h: every function
the header declares exists in swiftgrad._lib with the argument and result types its prototype
says (not only the name), and the constants the binding uses are the header's."""
import ctypes
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from swiftgrad import _lib

ROOT = pathlib.Path(__file__).resolve().parents[3]
HEADER_TEXT = (ROOT / "include" / "swiftgrad.h").read_text()
sys.path.insert(0, str(ROOT / "scripts"))
try:
    from fuzz_table import normalise, prototypes  # the header's parser (shared with the fuzzer)
finally:
    sys.path.pop(0)

PROTOTYPES = prototypes(HEADER_TEXT)
CALLBACKS = set(re.findall(r"typedef [^;]*?\(\*\s*(sg_\w+)\)", HEADER_TEXT))
STRUCTS = dict(re.findall(r"typedef struct (sg_\w+) \{(.*?)\} sg_\w+;", HEADER_TEXT, re.S))

# What each C type must be in ctypes, stated here independently of the generator: the C ABI's
# scalars by size and signedness, enums as int, opaque handles and buffers as void pointers.
SCALARS = {
    "bool": ctypes.c_bool, "int": ctypes.c_int, "double": ctypes.c_double, "int64_t": ctypes.c_int64, "uint64_t": ctypes.c_uint64,
    "uint32_t": ctypes.c_uint32, "size_t": ctypes.c_size_t, "sg_status": ctypes.c_int, "sg_dtype": ctypes.c_int,
    "sg_reduction": ctypes.c_int,
}
OPAQUE = {"sg_tensor", "sg_optimizer", "sg_tensor_dict", "sg_generator", "sg_function_ctx", "DLManagedTensor",
          "DLManagedTensorVersioned", "void", "char"}


def expected(ctype):
    t = normalise(ctype).replace("const ", "").replace(" *const *", " **")
    if t == "void":
        return None
    if t in SCALARS:
        return SCALARS[t]
    if t in CALLBACKS:
        return getattr(_lib, t)
    if t in STRUCTS:
        return getattr(_lib, t)  # its layout is checked against the C compiler's below
    if t.rstrip(" *") in STRUCTS and t.count("*") == 1:
        return ctypes.POINTER(getattr(_lib, t.rstrip(" *")))
    if t == "char *" and "const char" in ctype:
        return ctypes.c_char_p  # a NUL-terminated string in
    base, stars = t.rstrip(" *"), t.count("*")
    if stars == 1 and base in OPAQUE:
        return ctypes.c_void_p  # handles, data and caller buffers
    if stars == 1 and base in SCALARS:
        return ctypes.POINTER(SCALARS[base])
    if stars == 2 and base == "char":
        return ctypes.POINTER(ctypes.c_char_p)  # an array of strings
    if stars == 2 and base in OPAQUE:
        return ctypes.POINTER(ctypes.c_void_p)  # handle out-parameters and arrays of handles
    raise AssertionError(f"the test has no ctypes expectation for the C type {ctype!r}")


def test_the_header_has_the_functions():
    assert len(PROTOTYPES) > 150
    assert {"sg_add", "sg_backward", "sg_tensor_free", "sg_from_dlpack"} <= {p[0] for p in PROTOTYPES}


@pytest.mark.parametrize("name,returns,parameters", PROTOTYPES, ids=[p[0] for p in PROTOTYPES])
def test_ctypes_prototype_matches_the_header(name, returns, parameters):
    function = getattr(_lib, name)
    assert function.restype == expected(returns), f"{name}: result {function.restype} for C {returns!r}"
    want = [expected(t) for t, _ in parameters]
    assert list(function.argtypes) == want, f"{name}: argtypes {function.argtypes} for C {parameters}"


def test_callback_types_match_the_header():
    for returns, name, params in re.findall(r"typedef\s+([\w\s\*]+?)\s*\(\*\s*(sg_\w+)\)\s*\(([^)]*)\)", HEADER_TEXT):
        kind = getattr(_lib, name)
        types = [re.match(r"^(.*?)\w+$", p.strip()).group(1) for p in params.split(",") if p.strip() not in ("", "void")]
        assert kind._restype_ == expected(returns), name
        assert list(kind._argtypes_) == [expected(t) for t in types], name


def test_constants_are_the_headers():
    defines = dict(re.findall(r"^#define (SG_\w+) (\d+)$", HEADER_TEXT, re.M))
    assert _lib.SG_MAX_DIMS == int(defines["SG_MAX_DIMS"]) == 64
    assert _lib.BINDING_VERSION == tuple(int(defines[f"SG_VERSION_{p}"]) for p in ("MAJOR", "MINOR", "PATCH"))
    for name, value in re.findall(r"^\s*(SG_(?:OK|ERR_\w+|FLOAT32|FLOAT64|INT64|BOOL|REDUCTION_\w+)) = (\d+)", HEADER_TEXT, re.M):
        assert getattr(_lib, name) == int(value), name
    for code in range(11):
        assert _lib.sg_status_string(code).decode() == next(
            n for n, v in re.findall(r"^\s*(SG_(?:OK|ERR_\w+)) = (\d+)", HEADER_TEXT, re.M) if int(v) == code)


def struct_fields(name):
    body = re.sub(r"/\*.*?\*/", "", STRUCTS[name], flags=re.S)
    return [" ".join(d.split()).rpartition(" ") for d in body.split(";") if d.strip()]


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
@pytest.mark.parametrize("name", sorted(STRUCTS))
def test_options_struct_layout_is_the_c_compilers(name, tmp_path):
    """Each options struct's ctypes class has the header's fields with the C compiler's sizeof
    and offsets (a field of the wrong type or order would shift the ones after it)."""
    fields = struct_fields(name)
    program = tmp_path / "layout.c"
    program.write_text("#include <stddef.h>\n#include <stdio.h>\n#include <swiftgrad.h>\nint main(void) {\n"
                       f'    printf("%zu\\n", sizeof({name}));\n'
                       + "".join(f'    printf("%zu %zu\\n", offsetof({name}, {f}), sizeof((({name} *)0)->{f}));\n'
                                 for _, _, f in fields)
                       + "    return 0;\n}\n")
    binary = tmp_path / "layout"
    subprocess.run(["cc", "-std=c11", f"-I{ROOT / 'include'}", str(program), "-o", str(binary)], check=True)
    lines = subprocess.run([str(binary)], check=True, capture_output=True, text=True).stdout.split("\n")
    cls = getattr(_lib, name)
    assert ctypes.sizeof(cls) == int(lines[0])
    assert [f for f, _ in cls._fields_] == [f for _, _, f in fields]
    for (ftype, _, fname), line in zip(fields, lines[1:]):
        offset, size = map(int, line.split())
        assert getattr(cls, fname).offset == offset, fname
        assert getattr(cls, fname).size == size, fname
        assert dict(cls._fields_)[fname] == expected(ftype), fname
