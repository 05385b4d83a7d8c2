"""torch.nn's Module machinery and the modules over existing functions, on swiftgrad.

- The cases of modules_cases.py against PyTorch 2.15's results stored in
  data/modules_reference.json (written by running modules_cases.py under PyTorch): printed module
  trees, state_dict keys and metadata, traversal orders, hook call orders and the gradients
  hooks see or replace, error types and messages, containers' editing, lazy materialisation,
  dtype conversions, and the outputs and gradients (input and parameter) of every activation
  and loss module on fixed float64 inputs. With TORCH_PYTHON set, also against a live PyTorch.
- Independent checks without PyTorch: gradients derived by hand (a linear layer's grad_input
  is grad_output @ W), pickling and deep copies, the CPU-build error of cuda(), properties
  of the registry (what state_dict keeps out, that conversions keep the Parameter objects).
"""
import copy
import importlib.util
import json
import math
import os
import pickle
import re
import subprocess
import sys

import pathlib
import pytest

import swiftgrad as torch
from swiftgrad import nn

HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("modules_cases", HERE / "modules_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE_FILE = HERE / "data" / "modules_reference.json"
REFERENCE = json.loads(REFERENCE_FILE.read_text())["cases"]


def _pytorch_paths(value):
    """PyTorch's class paths in messages (torch.nn.modules.container.Sequential) as swiftgrad
    spells them (swiftgrad.nn.modules.Sequential)."""
    if isinstance(value, str):
        return re.sub(r"torch\.nn\.modules\.\w+\.", "swiftgrad.nn.modules.", value)
    if isinstance(value, list):
        return [_pytorch_paths(v) for v in value]
    return value


def _spelled_as_swiftgrad(value):
    """An encoded PyTorch result with its class paths spelled as swiftgrad spells them (as
    _differences reads the stored reference), to compare two PyTorch results with it."""
    if isinstance(value, dict):
        return {k: _spelled_as_swiftgrad(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_spelled_as_swiftgrad(v) for v in value]
    return _pytorch_paths(value)


def _differences(got, want, path, out, rtol=1e-9, atol=1e-12):
    """Where an encoded result differs from PyTorch's: tensors by shape, dtype and values
    (floats to `rtol` relative plus `atol` absolute; the cases run in float64), the rest exactly."""
    if isinstance(want, dict):  # an encoded tensor
        if not isinstance(got, dict) or set(got) != set(want):
            out.append(f"{path}: {got!r}\n  PyTorch: a tensor {want}")
        elif (got["shape"], got["dtype"]) != (want["shape"], want["dtype"]):
            out.append(f"{path}: {got['shape']} {got['dtype']}, PyTorch gives {want['shape']} {want['dtype']}")
        else:
            for i, (g, w) in enumerate(zip(got["values"], want["values"])):
                if isinstance(w, float):
                    if not (g == w or (math.isnan(w) and math.isnan(g)) or abs(g - w) <= rtol * abs(w) + atol):
                        out.append(f"{path}[{i}]: {g}, PyTorch gives {w}")
                elif g != w or type(g) is not type(w):
                    out.append(f"{path}[{i}]: {g!r}, PyTorch gives {w!r}")
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            out.append(f"{path}: {got!r}\n  PyTorch: {want!r}")
        else:
            for i, (g, w) in enumerate(zip(got, want)):
                _differences(g, w, f"{path}[{i}]", out, rtol, atol)
    elif got != _pytorch_paths(want):
        out.append(f"{path}:\n  swiftgrad: {got!r}\n  PyTorch:   {want!r}")


def _run(function):
    with _quiet():
        return {key: cases.encode(value) for key, value in function(torch).items()}


class _quiet:
    """Silences the deprecation warnings the legacy-argument cases provoke (as PyTorch's do)."""

    def __enter__(self):
        import warnings
        self._context = warnings.catch_warnings()
        self._context.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def _compare(name, reference):
    got = _run(cases.CASES[name])
    assert sorted(got) == sorted(reference), f"{name}: results {sorted(set(got) ^ set(reference))} differ"
    out = []
    for key in sorted(reference):
        _differences(got[key], reference[key], f"{name}[{key!r}]", out)
    assert not out, f"{len(out)} differences:\n" + "\n".join(out[:40])


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_against_pytorch(name):
    _compare(name, REFERENCE[name])


KNOWN_REASONS = {
    "unused_output_gradient": "swiftgrad's autograd.Function always gives zeros for a missing output gradient, "
                              "where PyTorch's backward hooks see None",
}


@pytest.mark.parametrize("name", sorted(cases.KNOWN_DIFFERENCES))
def test_known_differences_remain(name, request):
    request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_REASONS[name]))
    got = _run(cases.KNOWN_DIFFERENCES[name])
    out = []
    for key in sorted(REFERENCE[name]):
        _differences(got.get(key), REFERENCE[name][key], f"{name}[{key!r}]", out)
    assert not out, "\n".join(out[:20])


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_reference_is_what_pytorch_computes_now(tmp_path):
    """modules_cases.py under the PyTorch at TORCH_PYTHON gives the stored reference, and
    swiftgrad matches that live result too."""
    output = tmp_path / "live.json"
    subprocess.run([os.environ["TORCH_PYTHON"], "-W", "ignore", str(HERE / "modules_cases.py"), str(output)],
                   check=True, cwd=HERE)
    live = json.loads(output.read_text())["cases"]
    assert sorted(live) == sorted(REFERENCE)
    for name in sorted(cases.CASES):
        # PyTorch's float64 results differ in the last bits between processors (its vector paths
        # for AVX2 and AVX-512 round differently): stale means more than that.
        out = []
        for key in sorted(REFERENCE[name]):
            _differences(_spelled_as_swiftgrad(live[name].get(key)), REFERENCE[name][key], f"{name}[{key!r}]", out,
                         rtol=1e-12, atol=1e-15)
        assert sorted(live[name]) == sorted(REFERENCE[name]) and not out, \
            f"{name}: the stored reference is stale:\n" + "\n".join(out[:20])
        _compare(name, live[name])


# ---- without PyTorch: hand-derived values and properties ----------------------------------------


def _linear(in_features, out_features, weight, bias):
    m = nn.Linear(in_features, out_features).double()
    with torch.no_grad():
        m.weight.copy_(torch.tensor(weight, dtype=torch.float64))
        m.bias.copy_(torch.tensor(bias, dtype=torch.float64))
    return m


def test_backward_hooks_see_the_linear_layers_gradients():
    # y = x W^T + b; with L = sum(y * G): grad_output = G, grad_input = G W.
    m = _linear(2, 2, [[1.0, 2.0], [3.0, 4.0]], [0.0, 0.0])
    seen = {}

    def hook(module, grad_input, grad_output):
        seen["in"] = grad_input[0].tolist()
        seen["out"] = grad_output[0].tolist()
        return (grad_input[0] * 2,)

    m.register_full_backward_hook(hook)
    x = torch.tensor([[1.0, -1.0]], dtype=torch.float64, requires_grad=True)
    g = torch.tensor([[1.0, 10.0]], dtype=torch.float64)
    (m(x) * g).sum().backward()
    assert seen == {"out": [[1.0, 10.0]], "in": [[31.0, 42.0]]}
    assert x.grad.tolist() == [[62.0, 84.0]]  # the hook's replacement reached x
    assert m.weight.grad.tolist() == [[1.0, -1.0], [10.0, -10.0]]  # G^T x, untouched by the hook


def test_backward_pre_hook_replaces_grad_output():
    m = _linear(2, 1, [[3.0, 5.0]], [1.0])
    m.register_full_backward_pre_hook(lambda module, grad_output: (torch.ones_like(grad_output[0]) * 0.5,))
    x = torch.tensor([[2.0, 7.0]], dtype=torch.float64, requires_grad=True)
    (m(x) * 100).sum().backward()
    assert x.grad.tolist() == [[1.5, 2.5]]  # 0.5 * W, not 100 * W
    assert m.bias.grad.tolist() == [0.5]


def test_removed_backward_hook_no_longer_runs():
    m = _linear(1, 1, [[2.0]], [0.0])
    calls = []
    handle = m.register_full_backward_hook(lambda *a: calls.append(1))
    x = torch.tensor([[1.0]], dtype=torch.float64, requires_grad=True)
    m(x).sum().backward()
    handle.remove()
    handle.remove()  # twice is harmless
    m(x).sum().backward()
    assert calls == [1]
    assert x.grad.tolist() == [[4.0]]


def test_forward_hooks_run_in_registration_order_around_forward():
    log = []
    m = nn.Identity()
    m.register_forward_pre_hook(lambda mod, args: log.append("pre a"))
    m.register_forward_pre_hook(lambda mod, args: log.append("pre b"))
    m.register_forward_pre_hook(lambda mod, args: log.append("pre first"), prepend=True)
    m.register_forward_hook(lambda mod, args, out: log.append("post a"))
    m.register_forward_hook(lambda mod, args, out: log.append("post first"), prepend=True)
    m(torch.ones(1))
    assert log == ["pre first", "pre a", "pre b", "post first", "post a"]


def test_state_dict_keeps_non_persistent_buffers_and_none_out():
    m = nn.Module()
    m.register_buffer("kept", torch.zeros(2))
    m.register_buffer("dropped", torch.ones(2), persistent=False)
    m.register_buffer("absent", None)
    m.register_parameter("nothing", None)
    m.w = nn.Parameter(torch.ones(3))
    assert list(m.state_dict()) == ["w", "kept"]
    assert [name for name, _ in m.named_buffers()] == ["kept", "dropped"]
    # a non-persistent buffer is not expected by load_state_dict either
    assert repr(m.load_state_dict({"w": torch.zeros(3), "kept": torch.ones(2)})) == "<All keys matched successfully>"
    assert m.w.tolist() == [0.0, 0.0, 0.0] and m.kept.tolist() == [1.0, 1.0]


def test_conversions_keep_the_parameter_objects():
    m = nn.Sequential(nn.Linear(2, 2), nn.PReLU())
    before = list(m.parameters())
    values = [p.tolist() for p in before]
    m.double()
    assert [id(p) for p in m.parameters()] == [id(p) for p in before]
    assert all(p.dtype == torch.float64 and p.is_leaf and p.requires_grad for p in m.parameters())
    assert [p.tolist() for p in m.parameters()] == values  # float32 values are exact in float64
    m(torch.ones(1, 2, dtype=torch.float64)).sum().backward()
    assert all(p.grad.dtype == torch.float64 for p in m.parameters())


def test_cuda_raises_the_cpu_build_error():
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        nn.Linear(1, 1).cuda()
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        nn.Linear(1, 1).to("cuda")
    assert isinstance(nn.ReLU().to("cuda"), nn.ReLU)  # nothing to move, nothing raised (as PyTorch)


def test_pickle_and_deepcopy_round_trip_a_model():
    m = nn.Sequential(nn.Linear(3, 2), nn.GELU(approximate="tanh"), nn.ModuleDict({"out": nn.Linear(2, 1)}))
    m.register_buffer("steps", torch.tensor([7]))
    x = torch.randn(4, 3)
    for clone in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        assert repr(clone) == repr(m)
        assert torch.equal(clone[2]["out"](clone[1](clone[0](x))), m[2]["out"](m[1](m[0](x))))
        assert clone.steps.tolist() == [7]
        assert clone[0].weight is not m[0].weight and isinstance(clone[0].weight, nn.Parameter)
    hooked = nn.Identity()
    hooked.register_forward_hook(_double_output)
    again = pickle.loads(pickle.dumps(hooked))
    assert again(torch.ones(1)).tolist() == [2.0]  # hooks travel with the module, as in PyTorch


def _double_output(module, args, output):
    return output * 2


def test_setstate_fills_in_tables_an_older_pickle_lacks():
    m = nn.Linear(1, 1)
    state = m.__getstate__()
    for name in ("_forward_hooks_with_kwargs", "_forward_hooks_always_called", "_non_persistent_buffers_set",
                 "_backward_pre_hooks", "_state_dict_pre_hooks"):
        state.pop(name)
    fresh = nn.Linear.__new__(nn.Linear)
    fresh.__setstate__(state)
    fresh.register_forward_hook(lambda mod, args, out: out + 1, always_call=True)
    assert fresh(torch.zeros(1, 1)).shape == (1, 1)
    assert list(fresh.state_dict()) == ["weight", "bias"]


def test_lazy_linear_materialises_from_the_first_input():
    m = nn.LazyLinear(4, dtype=torch.float64)
    assert m.has_uninitialized_params() and isinstance(m.weight, nn.UninitializedParameter)
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
        m.weight.shape
    y = m(torch.ones(2, 3, 5, dtype=torch.float64))
    assert type(m) is nn.Linear and type(m.weight) is nn.Parameter
    assert m.weight.shape == (4, 5) and m.weight.dtype == torch.float64 and y.shape == (2, 3, 4)
    bound = 5 ** -0.5  # Linear's initialisation once the shape is known
    assert m.weight.abs().max().item() <= bound and m.bias.abs().max().item() <= bound
    assert m.weight.requires_grad and m.weight.is_leaf


def test_a_lazy_subclass_takes_a_few_lines():
    """The recipe of _lazy.py's docstring, on a layer of its own (what LazyConv2d will do)."""

    class Scale(nn.Module):
        def __init__(self, features):
            super().__init__()
            self.features = features
            self.gain = nn.Parameter(torch.ones(features))
            self.register_buffer("count", torch.zeros(features))

        def forward(self, x):
            return x * self.gain

    class LazyScale(nn.modules.LazyModuleMixin, Scale):
        cls_to_become = Scale

        def __init__(self):
            super().__init__(0)
            self.gain = nn.UninitializedParameter()
            self.count = nn.UninitializedBuffer()

        def initialize_parameters(self, x):
            self.features = x.shape[-1]
            self.gain.materialize((self.features,))
            self.count.materialize((self.features,))
            with torch.no_grad():
                self.gain.fill_(3.0)
                self.count.zero_()

    m = LazyScale()
    assert [repr(v) for v in m.state_dict().values()] == ["<UninitializedParameter>", "<UninitializedBuffer>"]
    assert m(torch.ones(2, 3)).tolist() == [[3.0] * 3] * 2
    assert type(m) is Scale and type(m.count) is torch.Tensor and m.count.tolist() == [0.0] * 3


def test_lazy_module_that_forgets_a_placeholder_is_refused():
    class Half(nn.modules.LazyModuleMixin, nn.Linear):
        def __init__(self):
            super().__init__(0, 0)
            self.weight = nn.UninitializedParameter()
            self.bias = nn.UninitializedParameter()

        def initialize_parameters(self, x):
            self.weight.materialize((1, x.shape[-1]))

    with pytest.raises(RuntimeError, match="module Half has not been fully initialized"):
        Half()(torch.ones(1, 2))


def test_module_list_folds_runs_of_identical_reprs():
    text = repr(nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh(), nn.ReLU()]))
    assert text == "ModuleList(\n  (0-1): 2 x ReLU()\n  (2): Tanh()\n  (3): ReLU()\n)"


def test_sequential_forward_is_the_composition():
    a, b = nn.Linear(3, 4), nn.Linear(4, 2)
    x = torch.randn(5, 3)
    assert torch.equal(nn.Sequential(a, nn.Tanh(), b)(x), b(a(x).tanh()))
    assert torch.equal((nn.Sequential(a) + nn.Sequential(nn.Tanh(), b))(x), b(a(x).tanh()))


def test_activation_modules_agree_with_their_formulas():
    x = torch.tensor([-2.0, -0.5, 0.5, 3.0], dtype=torch.float64)
    sig = [1 / (1 + math.exp(-v)) for v in x.tolist()]
    assert nn.SiLU()(x).tolist() == pytest.approx([v * s for v, s in zip(x.tolist(), sig)], rel=1e-12)
    assert nn.Softsign()(x).tolist() == pytest.approx([v / (1 + abs(v)) for v in x.tolist()], rel=1e-12)
    assert nn.LeakyReLU(0.2)(x).tolist() == pytest.approx([-0.4, -0.1, 0.5, 3.0], rel=1e-12)
    assert nn.Threshold(0.0, -7.0)(x).tolist() == [-7.0, -7.0, 0.5, 3.0]
    assert nn.Softmin(dim=0)(x).tolist() == pytest.approx(
        [math.exp(-v) / sum(math.exp(-u) for u in x.tolist()) for v in x.tolist()], rel=1e-12)
    assert nn.PReLU(init=0.5).double()(x).tolist() == [-1.0, -0.25, 0.5, 3.0]


def test_loss_modules_agree_with_their_formulas():
    a = torch.tensor([0.0, 2.0, -1.0], dtype=torch.float64)
    b = torch.tensor([1.0, 0.5, -1.0], dtype=torch.float64)
    assert nn.L1Loss()(a, b).item() == pytest.approx((1 + 1.5 + 0) / 3)
    assert nn.HuberLoss(delta=1.0)(a, b).item() == pytest.approx((0.5 + (1.5 - 0.5) + 0) / 3)
    assert nn.SmoothL1Loss(beta=2.0, reduction="sum")(a, b).item() == pytest.approx(0.5 * 1 / 2 + 0.5 * 1.5**2 / 2)
    assert nn.MarginRankingLoss(0.5)(a, b, torch.ones(3, dtype=torch.float64)).item() == pytest.approx(
        (1.5 + 0 + 0.5) / 3)
    logits = torch.tensor([[0.0, 0.0]], dtype=torch.float64)
    assert nn.CrossEntropyLoss()(logits, torch.tensor([1])).item() == pytest.approx(math.log(2))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        legacy = nn.MSELoss(size_average=False)
    assert legacy.reduction == "sum"


def test_embedding_padding_row_gets_no_gradient():
    e = nn.Embedding(4, 2, padding_idx=0)
    assert e.weight[0].tolist() == [0.0, 0.0]
    e(torch.tensor([0, 2, 0, 2])).sum().backward()
    assert e.weight.grad.tolist() == [[0.0, 0.0], [0.0, 0.0], [2.0, 2.0], [0.0, 0.0]]


def test_buffer_and_parameter_objects():
    b = nn.Buffer(torch.ones(2), persistent=False)
    m = nn.Module()
    m.b = b
    assert m._buffers["b"] is b and list(m.state_dict()) == []
    p = nn.Parameter(torch.ones(2))
    assert repr(p).startswith("Parameter containing:\ntensor([1., 1.], requires_grad=True)")
    assert repr(nn.Parameter()) == "Parameter containing:\ntensor([], requires_grad=True)"


def test_module_tree_of_swiftgrad_classes_prints_the_public_path():
    assert nn.Sequential.__module__ == "swiftgrad.nn.modules"
    assert pickle.loads(pickle.dumps(nn.Sequential(nn.ReLU()))).__class__ is nn.Sequential


def test_register_backward_hook_is_refused():
    with pytest.raises(NotImplementedError, match="register_full_backward_hook"):
        nn.Linear(1, 1).register_backward_hook(lambda *a: None)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))


def test_assigning_data_replaces_a_leafs_values():
    p = nn.Parameter(torch.ones(2))
    p.data = torch.zeros(3, dtype=torch.float64)
    assert p.tolist() == [0.0, 0.0, 0.0] and p.dtype == torch.float64 and p.requires_grad and p.is_leaf
    (p * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
    assert p.grad.tolist() == [1.0, 2.0, 3.0]
    w = nn.Parameter(torch.tensor([-6.0, 2.0, 7.0]))
    w.data *= w.data.abs() >= 5  # D2L's builders' guide: an in-place update through .data
    assert w.tolist() == [-6.0, 0.0, 7.0] and w.requires_grad
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got int"):
        w.data = 5


def test_d2l_builders_guide_parameter_management(tmp_path):
    """The parameter-access, tied-parameter, lazy-initialisation and file I/O steps of D2L's
    builders' guide (the values PyTorch prints for them are shapes, reprs and equalities)."""
    X = torch.rand(2, 4)
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    assert repr(net[0].weight) == "<UninitializedParameter>"
    assert net(X).shape == (2, 1)
    assert list(net[2].state_dict().keys()) == ["weight", "bias"]
    assert type(net[2].bias) is nn.Parameter and net[2].bias.data.shape == (1,)
    assert [(name, tuple(p.shape)) for name, p in net.named_parameters()] == [
        ("0.weight", (8, 4)), ("0.bias", (8,)), ("2.weight", (1, 8)), ("2.bias", (1,))]
    shared = nn.LazyLinear(8)
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.LazyLinear(1))
    net(X)
    net[2].weight.data[0, 0] = 100
    assert net[4].weight[0, 0].item() == 100 and len(list(net.parameters())) == 6

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.LazyLinear(256)
            self.output = nn.LazyLinear(10)

        def forward(self, x):
            return self.output(nn.functional.relu(self.hidden(x)))

    mlp = MLP()
    X = torch.randn(2, 20)
    Y = mlp(X)
    torch.save(mlp.state_dict(), tmp_path / "mlp.params")
    clone = MLP()
    clone.load_state_dict(torch.load(tmp_path / "mlp.params"))
    assert repr(clone.eval()) == ("MLP(\n  (hidden): LazyLinear(in_features=0, out_features=256, bias=True)\n"
                                  "  (output): LazyLinear(in_features=0, out_features=10, bias=True)\n)")
    assert bool((clone(X) == Y).all())
    assert type(clone.hidden) is nn.Linear and clone.hidden.in_features == 20



def test_backward_hooks_do_not_keep_graphs_alive():
    """Each call through a module with backward hooks registers callbacks with the library;
    they go when the call's graph goes (nothing the callbacks hold may keep the graph)."""
    from swiftgrad import _callbacks
    m = nn.Linear(2, 2)
    m.register_full_backward_hook(lambda *a: None)
    m.register_full_backward_pre_hook(lambda *a: None)
    x = torch.ones(3, 2, requires_grad=True)
    before = len(_callbacks._live)
    for _ in range(5):
        y = m(x)
        del y
    assert len(_callbacks._live) == before
    m(x).sum().backward()
    assert len(_callbacks._live) == before
