"""The rnn-attention family's layers (MultiheadAttention, RNN, LSTM, GRU and the cells, the
transformer layers) against PyTorch with the same weights: each case of rnnattn_cases.py loads
torch's state dict (data/rnnattn_layers.json, written by scripts/rnnattn_reference.py), replays
the inputs in float64, in train mode (dropout 0) and eval mode, and compares the outputs, the
input gradients and the parameter gradients at 1e-6."""
import importlib.util
import json
import pathlib

import pytest

import swiftgrad as torch
from swiftgrad import nn

HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("rnnattn_cases", HERE / "rnnattn_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE = json.loads((HERE / "data" / "rnnattn_layers.json").read_text())["cases"]


def _tensor(encoded, requires_grad=False):
    t = torch.tensor(encoded["values"], dtype=torch.float64).reshape(encoded["shape"])
    return t.requires_grad_(requires_grad)


def _close(got, want, what):
    assert list(got.shape) == want["shape"], f"{what}: shape {list(got.shape)}, torch {want['shape']}"
    expected = torch.tensor(want["values"], dtype=torch.float64).reshape(want["shape"])
    difference = (got.detach() - expected).abs().max().item() if got.numel() else 0.0
    assert difference <= 1e-6 * (1 + expected.abs().max().item() if got.numel() else 1), \
        f"{what}: differs from torch by {difference}"


def test_every_case_has_a_reference():
    assert sorted(REFERENCE) == sorted(cases.CASES)


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_layer_matches_torch(name, mode):
    case, ref = cases.CASES[name], REFERENCE[name]
    m = eval(case["ctor"], {"nn": nn, "torch": torch}).double()  # noqa: S307 - our own cases
    m.train(mode == "train")
    assert sorted(k for k, _ in m.state_dict().items()) == sorted(ref["state"]), "parameter names differ"
    for k, v in m.state_dict().items():
        assert list(v.shape) == ref["state"][k]["shape"], f"{k}: shape"
    m.load_state_dict({k: _tensor(v) for k, v in ref["state"].items()})
    inputs = {k: _tensor(v, True) for k, v in ref["inputs"].items()}
    masks = {k: eval(e, {"torch": torch}) for k, e in case.get("masks", {}).items()}  # noqa: S307
    outputs = cases.flatten(eval(case["call"], {"m": m, "torch": torch, **inputs, **masks}))  # noqa: S307
    assert len(outputs) == len(ref["outputs"])
    for i, (o, want) in enumerate(zip(outputs, ref["outputs"])):
        _close(o, want, f"output {i}")
    loss = sum((o * _tensor(w)).sum() for o, w in zip(outputs, ref["weights"]))
    loss.backward()
    for k, want in ref["input_grads"].items():
        _close(inputs[k].grad, want, f"grad of {k}")
    grads = {k: p.grad for k, p in m.named_parameters()}
    assert sorted(k for k, g in grads.items() if g is not None) == sorted(ref["param_grads"])
    for k, want in ref["param_grads"].items():
        _close(grads[k], want, f"grad of {k}")
