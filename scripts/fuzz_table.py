#!/usr/bin/env python3
"""The ABI fuzzer's table of functions from include/swiftgrad.h: for every function the header
declares, its address, its return kind and the kind of each parameter, which tells the fuzzer
(Tests/fuzz/fuzz.c) what hostile values to try there. scripts/generate.py writes it to
Tests/fuzz/fuzz_table.h and `make check-generated` fails when that file is stale, so the table
cannot fall behind the header; a parameter type the fuzzer has no kind for stops generation.

Usage: fuzz_table.py include/swiftgrad.h     (prints the table)
"""
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from check_abi import header_functions  # noqa: E402  (the same parser the ABI check uses)

RETURNS = {
    "sg_status": "R_STATUS", "const char *": "R_STRING", "int64_t": "R_I64", "bool": "R_BOOL",
    "void": "R_VOID", "uint32_t": "R_U32", "sg_tensor *": "R_TENSOR", "int": "R_TRUTH",
}

# (type, parameter-name pattern or None) -> kind; the first match wins.
PARAMETERS = [
    ("const sg_tensor *", None, "K_TENSOR"),
    ("sg_tensor *", None, "K_TENSOR"),
    ("sg_tensor **", r"^(out|values|indices|output)$", "K_TENSOR_OUT"),
    ("sg_tensor **", None, "K_TENSOR_OUT_ARRAY"),
    ("const sg_tensor *const *", None, "K_TENSOR_ARRAY"),
    ("sg_tensor *const *", None, "K_TENSOR_ARRAY"),  # sg_tensor_free_many
    ("const int64_t *", None, "K_I64_ARRAY"),
    ("int64_t *", None, "K_I64_OUT"),
    ("int64_t", None, "K_I64"),
    ("size_t", r"(_size|_bytes)$", "K_BUFFER_SIZE"),
    ("size_t", None, "K_COUNT"),
    ("size_t *", None, "K_SIZE_OUT"),
    ("uint64_t", None, "K_U64"),
    ("uint64_t *", None, "K_U64_OUT"),
    ("double", None, "K_DOUBLE"),
    ("const double *", r"^values$", "K_DOUBLE_ARRAY"),
    ("const double *", None, "K_DOUBLE_IN"),
    ("double *", None, "K_DOUBLE_OUT"),
    ("bool", None, "K_BOOL"),
    ("bool *", None, "K_BOOL_OUT"),
    ("sg_dtype", None, "K_DTYPE"),
    ("sg_dtype *", None, "K_DTYPE_OUT"),
    ("sg_reduction", None, "K_REDUCTION"),
    ("sg_status", None, "K_STATUS"),
    ("const char *", r"^path$", "K_PATH"),
    ("const char *const *", None, "K_STRING_ARRAY"),
    ("const char *", None, "K_STRING"),
    ("char *", None, "K_CHAR_BUFFER"),
    ("const void *", None, "K_DATA"),
    ("void *", r"^user_data$", "K_USER_DATA"),
    ("void *", r"^data$", "K_BLOB"),
    ("void **", None, "K_POINTER_OUT"),
    ("DLManagedTensorVersioned *", None, "K_DLPACK"),
    ("DLManagedTensor *", None, "K_DLPACK_LEGACY"),
    ("DLManagedTensorVersioned **", None, "K_DLPACK_OUT"),
    ("DLManagedTensor **", None, "K_DLPACK_LEGACY_OUT"),
    ("void *", None, "K_BYTE_BUFFER"),
    ("sg_free_fn", None, "K_FREE_FN"),
    ("sg_hook_fn", None, "K_HOOK_FN"),
    ("sg_function_forward_fn", None, "K_FORWARD_FN"),
    ("sg_function_backward_fn", None, "K_BACKWARD_FN"),
    ("sg_tensor_fn", None, "K_TENSOR_FN"),
    ("sg_function_ctx *", None, "K_CONTEXT"),
    ("const sg_function_ctx *", None, "K_CONTEXT"),
    ("sg_optimizer *", None, "K_OPTIMIZER"),
    ("const sg_optimizer *", None, "K_OPTIMIZER"),
    ("sg_optimizer **", None, "K_OPTIMIZER_OUT"),
    ("sg_tensor_dict *", None, "K_DICT"),
    ("const sg_tensor_dict *", None, "K_DICT"),
    ("sg_tensor_dict **", None, "K_DICT_OUT"),
    ("sg_generator *", None, "K_GENERATOR"),
    ("const sg_generator *", None, "K_GENERATOR"),
    ("sg_generator **", None, "K_GENERATOR_OUT"),
    ("const sg_sgd_options *", None, "K_SGD_OPTIONS"),
    ("const sg_adam_options *", None, "K_ADAM_OPTIONS"),
    ("const sg_rmsprop_options *", None, "K_RMSPROP_OPTIONS"),
    ("const sg_adagrad_options *", None, "K_ADAGRAD_OPTIONS"),
    ("const sg_adadelta_options *", None, "K_ADADELTA_OPTIONS"),
    ("const sg_adamax_options *", None, "K_ADAMAX_OPTIONS"),
    ("const sg_nadam_options *", None, "K_NADAM_OPTIONS"),
    ("const sg_radam_options *", None, "K_RADAM_OPTIONS"),
]

# Options structs returned by value (sg_*_default_options): the table calls them through a
# generated thunk that checks the struct's struct_size, since libffi would need their layout.
STRUCT_RETURNS = re.compile(r"^sg_\w+_options$")


def prototypes(header_text):
    """(name, return type, [(type, name)]) for every function the header declares."""
    text = re.sub(r"/\*.*?\*/", "", header_text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
    text = re.sub(r"\bSG_API\s+|\bSG_DEPRECATED\s*\([^)]*\)\s*", "", text)
    wanted = header_functions(header_text)
    found = []
    for statement in text.split(";"):
        statement = " ".join(statement.split())
        match = re.match(r"^(.*?)\b(sg_\w+)\s*\((.*)\)$", statement)
        if not match or match.group(2) not in wanted or statement.startswith("typedef"):
            continue
        returns, name, params = match.groups()
        parameters = []
        for p in params.split(","):
            p = p.strip()
            if p in ("", "void"):
                continue
            m = re.match(r"^(.*?)(\w+)$", p)
            ptype = " ".join(m.group(1).replace("*", " * ").split()).replace("* *", "**").replace(" * const *", " *const *")
            parameters.append((ptype.strip(), m.group(2)))
        found.append((name, " ".join(returns.split()).replace(" *", " *").strip(), parameters))
    return found


def normalise(ptype):
    ptype = re.sub(r"\s+", " ", ptype.replace("*", " * ")).strip()
    ptype = ptype.replace("* *", "**").replace("* const *", "*const *")
    return ptype


def kind_of(ptype, pname):
    ptype = normalise(ptype)
    for t, pattern, kind in PARAMETERS:
        if normalise(t) == ptype and (pattern is None or re.search(pattern, pname)):
            return kind
    raise SystemExit(f"fuzz_table.py: no fuzz kind for parameter '{ptype} {pname}'; add one")


def table(header):
    """The fuzzer's table (C source) for the header's text."""
    functions = prototypes(header)
    missing = header_functions(header) - {f[0] for f in functions}
    if missing:
        raise SystemExit(f"fuzz_table.py: could not read the prototypes of {sorted(missing)}")
    lines = ["/* Generated by scripts/generate.py (scripts/fuzz_table.py) from include/swiftgrad.h; do not edit. */"]
    thunks = {}
    for name, returns, parameters in sorted(functions):
        if STRUCT_RETURNS.match(normalise(returns)) and not parameters:
            thunks[name] = f"fuzz_call_{name}"
            lines += [f"static void fuzz_call_{name}(void) {{",
                      f"    {returns} result = {name}();",
                      f'    fuzz_check_struct_size("{name}", result.struct_size, sizeof result);',
                      "}"]
    lines.append("static const fuzz_function fuzz_functions[] = {")
    for name, returns, parameters in sorted(functions):
        if name in thunks:
            lines.append(f'    {{"{name}", {thunks[name]}, R_VOID, 0, {{0}}, {{NULL}}}},')
            continue
        ret = RETURNS.get(normalise(returns))
        if ret is None:
            raise SystemExit(f"fuzz_table.py: no return kind for '{returns}' of {name}")
        kinds = [kind_of(t, n) for t, n in parameters]
        names = ", ".join(f'"{n}"' for _, n in parameters) or "NULL"
        lines.append(f'    {{"{name}", (void (*)(void)){name}, {ret}, {len(kinds)}, '
                     f'{{{", ".join(kinds) or "0"}}}, {{{names}}}}},')
    lines.append("};")
    return "\n".join(lines) + "\n"


def main():
    sys.stdout.write(table(pathlib.Path(sys.argv[1]).read_text()))


if __name__ == "__main__":
    main()
