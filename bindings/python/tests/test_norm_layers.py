"""The normalisation layers against PyTorch with the same weights: each case of
norm_layer_cases.py loads the state dict torch used (random parameters and running statistics,
float64) into swiftgrad's module with load_state_dict, replays torch's two training steps and
one evaluation step on the same inputs, and compares the outputs, input gradients, parameter
gradients and buffers after every step (running statistics and num_batches_tracked included)
with torch's, stored in data/norm_layers.json by scripts/norm_reference.py, at 1e-6."""
import importlib.util
import json
import math
import pathlib

import pytest

import swiftgrad as torch

HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("norm_layer_cases", HERE / "norm_layer_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE = json.loads((HERE / "data" / "norm_layers.json").read_text())["cases"]


def _compare(got, want, where):
    assert got["shape"] == want["shape"], f"{where}: shape {got['shape']}, torch {want['shape']}"
    assert got["dtype"] == want["dtype"], f"{where}: dtype {got['dtype']}, torch {want['dtype']}"
    for i, (g, w) in enumerate(zip(got["values"], want["values"])):
        assert math.isclose(g, w, rel_tol=1e-6, abs_tol=1e-6), f"{where}[{i}]: {g!r}, torch {w!r}"


def test_every_case_has_a_reference():
    assert sorted(REFERENCE) == sorted(cases.CASES)


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_layer_matches_pytorch(name):
    ref = REFERENCE[name]
    state = {k: cases.decode(torch, v) for k, v in ref["state"].items()}
    inputs = [cases.decode(torch, x) for x in ref["inputs"]]
    weights = [cases.decode(torch, w) for w in ref["weights"]]
    got = cases.run(torch, name, state, inputs, weights)
    for (mode, step), g, w in zip(cases.STEPS, got, ref["steps"]):
        where = f"{name} step {step} ({mode})"
        _compare(g["output"], w["output"], f"{where} output")
        _compare(g["input_grad"], w["input_grad"], f"{where} input grad")
        assert sorted(g["param_grads"]) == sorted(w["param_grads"]), where
        for k in w["param_grads"]:
            _compare(g["param_grads"][k], w["param_grads"][k], f"{where} grad of {k}")
        assert sorted(g["buffers"]) == sorted(w["buffers"]), where
        for k in w["buffers"]:
            _compare(g["buffers"][k], w["buffers"][k], f"{where} buffer {k}")


def test_state_dict_keys_and_printed_forms():
    """What torch prints and saves for these configurations (torch 2.15's own output)."""
    nn = torch.nn
    assert repr(nn.BatchNorm2d(4, momentum=None, affine=False)) == \
        "BatchNorm2d(4, eps=1e-05, momentum=None, affine=False, bias=False, track_running_stats=True)"
    assert list(nn.BatchNorm1d(3).state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                                    "num_batches_tracked"]
    assert nn.BatchNorm1d(3).num_batches_tracked.dtype == torch.int64
    assert list(nn.BatchNorm3d(2, track_running_stats=False, bias=False).state_dict()) == ["weight"]
    assert repr(nn.InstanceNorm1d(3)) == \
        "InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)"
    assert repr(nn.LayerNorm([2, 3], elementwise_affine=False, bias=False)) == \
        "LayerNorm((2, 3), eps=1e-05, elementwise_affine=False, bias=False)"
    assert repr(nn.RMSNorm(3)) == "RMSNorm((3,), eps=None, elementwise_affine=True)"
    assert repr(nn.GroupNorm(1, 3, affine=False)) == "GroupNorm(1, 3, eps=1e-05, affine=False, bias=False)"
    assert repr(nn.LocalResponseNorm(3)) == "LocalResponseNorm(3, alpha=0.0001, beta=0.75, k=1.0)"


def test_module_errors():
    nn = torch.nn
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(torch.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 1D input\)"):
        nn.BatchNorm1d(3)(torch.zeros(3))
    with pytest.raises(ValueError, match=r"expected 5D input \(got 3D input\)"):
        nn.BatchNorm3d(2)(torch.zeros(1, 2, 3))
    with pytest.raises(ValueError, match=r"num_channels \(3\) must be divisible by num_groups \(2\)"):
        nn.GroupNorm(2, 3)
    with pytest.raises(ValueError, match=r"expected input's size at dim=1 to match num_features \(3\), but got: 4\."):
        nn.InstanceNorm1d(3, affine=True)(torch.zeros(2, 4, 5))
    with pytest.warns(UserWarning, match="does not match num_features"):
        nn.InstanceNorm1d(3)(torch.randn(2, 4, 5))
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when training, got input size "
                                         r"torch.Size\(\[1, 3\]\)"):
        nn.BatchNorm1d(3)(torch.zeros(1, 3))


def test_functional_forms_and_errors():
    F = torch.nn.functional
    x = torch.randn(4, 3, 2)
    with pytest.raises(ValueError, match="batch_norm eps must be positive during training, but got 0.0"):
        F.batch_norm(x, None, None, training=True, eps=0.0)
    with pytest.raises(ValueError, match="running_mean and running_var must either both be None or neither be None"):
        F.batch_norm(x, torch.zeros(3), None, training=True)
    with pytest.raises(RuntimeError, match="Expected at least 2 dimensions for input tensor but received 1"):
        F.group_norm(torch.zeros(4), 2)
    with pytest.raises(NotImplementedError, match="\"LayerNormKernelImpl\" not implemented for 'Long'"):
        F.layer_norm(torch.zeros(2, 3, dtype=torch.int64), [3])
    with pytest.raises(ValueError, match="Expected more than 1 spatial element when training"):
        F.instance_norm(torch.zeros(2, 3, 1))
    # grad_fn names as torch prints them.
    xg = torch.randn(4, 3, 2, requires_grad=True)
    assert type(F.layer_norm(xg, [2]).grad_fn).__name__ == "NativeLayerNormBackward0"
    assert type(F.batch_norm(xg, None, None, training=True).grad_fn).__name__ == "NativeBatchNormBackward0"
    assert type(F.group_norm(xg, 3).grad_fn).__name__ == "NativeGroupNormBackward0"
    assert type(F.rms_norm(xg, [2]).grad_fn).__name__ == "MulBackward0"
    # torch.* spellings with torch's argument orders; native forms' results.
    rm, rv = torch.zeros(3), torch.ones(3)
    y = torch.batch_norm(x, None, None, rm, rv, True, 0.1, 1e-5, True)
    assert torch.allclose(y, F.batch_norm(x, None, None, training=True))
    out, mean, invstd = torch.native_batch_norm(x, None, None, None, None, False if False else True, 0.1, 1e-5)
    assert mean.shape == (3,) and invstd.shape == (3,)
    assert [t.shape for t in torch._native_batch_norm_legit(x, None, None, True, 0.1, 1e-5)] == [(4, 3, 2), (3,), (3,)]
    with pytest.raises(ValueError, match="running_mean must be defined in evaluation mode"):
        torch._native_batch_norm_legit(x, None, None, False, 0.1, 1e-5)
    out, mean, rstd = torch.native_group_norm(x, None, None, 4, 3, 2, 3, 1e-5)
    assert mean.shape == (4, 3) and rstd.shape == (4, 3)
    out, mean, rstd = torch.native_layer_norm(x, [3, 2], None, None, 1e-5)
    assert mean.shape == (4, 1, 1)
    assert torch.allclose(torch.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, True), F.instance_norm(x))
    assert torch.allclose(torch.group_norm(x, 1), F.group_norm(x, 1))
    assert torch.allclose(torch.layer_norm(x, [2]), F.layer_norm(x, [2]))
    assert torch.allclose(torch.rms_norm(x, [2]), F.rms_norm(x, [2]))


def test_batch_norm_with_update_matches_native():
    """aten._batch_norm_with_update (torch.ops.aten's, which swiftgrad has no namespace for yet)
    is native_batch_norm in training plus an empty uint8 reserve."""
    from swiftgrad._extra.norm import _batch_norm_with_update
    x = torch.randn(4, 3, 2)
    rm1, rv1, rm2, rv2 = torch.zeros(3), torch.ones(3), torch.zeros(3), torch.ones(3)
    out, mean, invstd, reserve = _batch_norm_with_update(x, None, None, rm1, rv1, 0.2, 1e-5)
    expected = torch.native_batch_norm(x, None, None, rm2, rv2, True, 0.2, 1e-5)
    assert torch.equal(out, expected[0]) and torch.equal(mean, expected[1]) and torch.equal(invstd, expected[2])
    assert torch.equal(rm1, rm2) and torch.equal(rv1, rv2) and not torch.equal(rm1, torch.zeros(3))
    assert reserve.shape == (0,) and reserve.dtype == torch.uint8
