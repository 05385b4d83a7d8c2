"""Stores PyTorch's outcome of `x[key]` for each key of bindings/python/tests/indexing_keys.py
(shape, strides and offset of a view, values, grad_fn, the gradient, or the error) in
bindings/python/tests/data/indexing_reference.json, which tests/test_operators.py replays
without torch. Run with a PyTorch: /work/torchenv/bin/python scripts/indexing_reference.py [OUTPUT.json]"""
import importlib.util
import json
import pathlib
import sys
import warnings

import torch

TESTS = pathlib.Path(__file__).resolve().parent.parent / "bindings" / "python" / "tests"
spec = importlib.util.spec_from_file_location("indexing_keys", TESTS / "indexing_keys.py")
cases = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cases)

warnings.simplefilter("ignore")  # PyTorch's notice on list keys
results = [{"key": cases.describe(k), **cases.outcome(torch, k)} for k in cases.keys(torch)]
OUT = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else TESTS / "data" / "indexing_reference.json"
OUT.write_text(
    json.dumps({"torch": torch.__version__, "outcomes": results}, indent=1) + "\n")
print(f"wrote {len(results)} outcomes from torch {torch.__version__}")
