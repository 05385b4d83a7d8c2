#!/usr/bin/env python3
"""Runs bindings/python/tests/reference/cases.py under real PyTorch and writes the results
(values, dtypes, shapes, grad_fn names) to bindings/python/tests/reference/torch_reference.json,
which the test suite compares swiftgrad against. Needs `torch` importable:

    /path/to/python-with-torch scripts/torch_reference.py
"""
import importlib.util
import json
import pathlib
import sys

import torch

root = pathlib.Path(__file__).resolve().parent.parent / "bindings" / "python" / "tests" / "reference"
spec = importlib.util.spec_from_file_location("cases", root / "cases.py")
cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cases)


def record(t):
    if t is None:
        return None
    return {"shape": list(t.shape), "dtype": str(t.dtype), "values": t.detach().reshape(-1).tolist(),
            "grad_fn": type(t.grad_fn).__name__ if t.grad_fn is not None else None}


results = {}
for name, function in cases.CASES.items():
    results[name] = {key: record(value) for key, value in function(torch).items()}
(root / "torch_reference.json").write_text(json.dumps({"torch": torch.__version__, "cases": results}, indent=1) + "\n")
print(f"wrote {len(results)} cases from torch {torch.__version__}", file=sys.stderr)
