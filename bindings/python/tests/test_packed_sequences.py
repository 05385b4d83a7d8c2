"""torch.nn.utils.rnn (PackedSequence, pack/pad/unpad, invert_permutation) and RNN, LSTM, GRU on
packed batches.

Three kinds of checks: values and messages derived by hand; the property that defines packing (a
layer run on a packed batch gives, for each sequence, the outputs, final states and gradients of
running that sequence alone, unpadded); and PyTorch's results for the cases of packed_cases.py
(data/packed_reference.json, written by scripts/packed_reference.py), replayed with torch's
weights and inputs and compared at 1e-6. With TORCH_PYTHON set, the stored results are also
checked against a fresh run of that PyTorch."""
import importlib.util
import json
import os
import pathlib
import subprocess

import pytest

import swiftgrad as torch
from swiftgrad import nn
from swiftgrad.nn.utils import rnn as R

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
_spec = importlib.util.spec_from_file_location("packed_cases", HERE / "packed_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE_PATH = HERE / "data" / "packed_reference.json"
REFERENCE = json.loads(REFERENCE_PATH.read_text())["cases"]


def ints(t):
    return t.tolist()


def assert_close(got, want, tol=1e-10, what=""):
    assert list(got.shape) == list(want.shape), f"{what}: shape {list(got.shape)} != {list(want.shape)}"
    if got.numel():
        difference = (got.detach() - want.detach()).abs().max().item()
        assert difference <= tol, f"{what}: differs by {difference}"


# ---- PyTorch's results, replayed ------------------------------------------------------------

def _decode(encoded, requires_grad=False):
    if encoded is None:
        return None
    if "ints" in encoded:
        return torch.tensor(encoded["ints"], dtype=torch.int64).reshape(encoded["shape"])
    return torch.tensor(encoded["values"], dtype=torch.float64).reshape(encoded["shape"]).requires_grad_(requires_grad)


def _matches(got, want, what):
    if want is None:
        assert got is None, f"{what}: torch has None"
        return
    assert list(got.shape) == want["shape"], f"{what}: shape {list(got.shape)}, torch {want['shape']}"
    if "ints" in want:
        assert got.dtype == torch.int64 and got.reshape(-1).tolist() == want["ints"], f"{what}: {got} != {want}"
        return
    assert got.dtype == torch.float64, f"{what}: dtype {got.dtype}"
    expected = _decode(want)
    difference = (got.detach() - expected).abs().max().item() if got.numel() else 0.0
    assert difference <= 1e-6 * (1 + (expected.abs().max().item() if got.numel() else 0)), \
        f"{what}: differs from torch by {difference}"


def test_every_case_has_a_reference():
    assert sorted(REFERENCE) == sorted(cases.CASES)


@pytest.mark.parametrize("name,mode", [(n, mode) for n in sorted(cases.CASES)
                                       for mode in cases.CASES[n].get("modes", ("train", "eval"))])
def test_case_matches_torch(name, mode):
    case, ref = cases.CASES[name], REFERENCE[name]
    m = None
    if case["ctor"]:
        m = eval(case["ctor"], {"nn": nn, "torch": torch}).double()  # noqa: S307 - our own cases
        m.train(mode == "train")
        assert sorted(k for k, _ in m.state_dict().items()) == sorted(ref["state"]), "parameter names differ"
        m.load_state_dict({k: _decode(v) for k, v in ref["state"].items()})
    inputs = {k: _decode(v, True) for k, v in ref["inputs"].items()}
    scope = {"m": m, "torch": torch, "R": R, **inputs}
    exec(case["code"], scope)  # noqa: S102 - our own cases
    outputs = cases.flatten(scope["result"])
    assert len(outputs) == len(ref["outputs"])
    for i, (o, want) in enumerate(zip(outputs, ref["outputs"])):
        _matches(o, want, f"output {i}")
    loss = sum((o * _decode(w)).sum() for o, w in zip(outputs, ref["weights"]) if w is not None)
    loss.backward()
    for k, want in ref["input_grads"].items():
        _matches(inputs[k].grad, want, f"grad of {k}")
    if m is not None:
        grads = {k: p.grad for k, p in m.named_parameters()}
        assert sorted(k for k, g in grads.items() if g is not None) == sorted(ref["param_grads"])
        for k, want in ref["param_grads"].items():
            _matches(grads[k], want, f"grad of {k}")


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_stored_reference_is_what_torch_computes(tmp_path):
    fresh = tmp_path / "packed_reference.json"
    subprocess.run([os.environ["TORCH_PYTHON"], str(ROOT / "scripts" / "packed_reference.py"), str(fresh)],
                   check=True, timeout=600)
    assert json.loads(fresh.read_text()) == json.loads(REFERENCE_PATH.read_text())
