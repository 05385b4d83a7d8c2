"""swiftgrad against PyTorch: the cases in reference/cases.py, written as ordinary PyTorch code,
run here on swiftgrad and are compared with what PyTorch computed for the same code
(reference/torch_reference.json, written by scripts/torch_reference.py under real torch):
values and gradients to 1e-7 relative in float64 (exactly for cases named exact_*), dtypes,
shapes and grad_fn names."""
import importlib.util
import json
import math
import pathlib

import pytest

import swiftgrad

HERE = pathlib.Path(__file__).resolve().parent / "reference"
_spec = importlib.util.spec_from_file_location("reference_cases", HERE / "cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE = json.loads((HERE / "torch_reference.json").read_text())["cases"]


def test_every_case_has_a_reference():
    assert sorted(cases.CASES) == sorted(REFERENCE)


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_matches_pytorch(name):
    expected = REFERENCE[name]
    actual = cases.CASES[name](swiftgrad)
    assert sorted(actual) == sorted(expected)
    for key, want in expected.items():
        got = actual[key]
        if want is None:
            assert got is None, f"{name}.{key}: PyTorch gives None"
            continue
        assert got is not None, f"{name}.{key}: missing"
        assert list(got.shape) == want["shape"], f"{name}.{key}: shape {list(got.shape)} vs {want['shape']}"
        assert repr(got.dtype) == want["dtype"], f"{name}.{key}: dtype {got.dtype!r} vs {want['dtype']}"
        grad_fn = type(got.grad_fn).__name__ if got.grad_fn is not None else None
        assert grad_fn == want["grad_fn"], f"{name}.{key}: grad_fn {grad_fn} vs {want['grad_fn']}"
        values = got.detach().reshape(-1).tolist()
        if name.startswith("exact_"):
            assert values == want["values"], f"{name}.{key}: not PyTorch's values bit for bit"
            continue
        for i, (g, w) in enumerate(zip(values, want["values"])):
            if isinstance(w, float) and math.isnan(w):
                assert isinstance(g, float) and math.isnan(g), f"{name}.{key}[{i}]: {g} vs nan"
            else:
                assert g == w or abs(g - w) <= 1e-7 * max(1.0, abs(w)), f"{name}.{key}[{i}]: {g} vs {w}"
