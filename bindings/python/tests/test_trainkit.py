"""The training kit: nn.init, nn.utils (clipping, parameter vectors), the optimizers RMSprop,
Adagrad, Adadelta, Adamax, NAdam, RAdam and the learning-rate schedulers.

- Against PyTorch: the cases of trainkit_cases.py (30 scheduler steps, 8 float64 optimizer steps
  with every state tensor, clipping, the deterministic inits and the error messages) compared
  with PyTorch's results stored in data/trainkit_reference.json (scripts/trainkit_reference.py),
  and with a live PyTorch when TORCH_PYTHON is set. Optimizers agree to 1e-10, rates to 1e-13.
- Random inits: statistics of large draws within five standard errors of the distribution's
  (the standard error of a sample mean is sigma / sqrt(n); of a sample variance, sqrt((mu4 -
  sigma^4) / n)), bounds, and exact properties (orthogonality, sparsity per column).
- Clipping and vectors: values derived by hand in the comments.
- Optimizer steps derived by hand from the update rules for one scalar parameter.
"""
import importlib.util
import json
import math
import os
import pathlib
import subprocess
import warnings

import pytest

import swiftgrad as torch
from swiftgrad.nn import init

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
_spec = importlib.util.spec_from_file_location("trainkit_cases", HERE / "trainkit_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE = json.loads((HERE / "data" / "trainkit_reference.json").read_text())["cases"]

Z = 5  # standard errors allowed for a sampled statistic


# ---- against PyTorch ---------------------------------------------------------------------------------


def _close(ours, theirs, rel, path):
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and sorted(ours) == sorted(theirs), f"{path}: keys {sorted(ours)} != {sorted(theirs)}"
        for key in theirs:
            _close(ours[key], theirs[key], rel, f"{path}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), f"{path}: {ours!r} != {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _close(a, b, rel, f"{path}[{i}]")
    elif isinstance(theirs, float) and not isinstance(ours, bool) and isinstance(ours, (int, float)):
        if math.isnan(theirs):
            assert math.isnan(ours), f"{path}: {ours} != nan"
        else:
            assert ours == pytest.approx(theirs, rel=rel, abs=rel), f"{path}: {ours!r} != {theirs!r}"
    else:
        assert ours == theirs, f"{path}: {ours!r} != {theirs!r}"


def _compare(name, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = cases.run(torch, [name])[name]
    # The optimizers are compared at 1e-10 (float64 arithmetic in a different order); rates,
    # norms and inits are computed the same way as PyTorch, to rounding.
    _close(ours, expected, 1e-10 if name.startswith("optim_") else 1e-13, name)


def test_every_case_has_a_reference():
    assert sorted(cases.CASES) == sorted(REFERENCE)


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_matches_pytorch(name):
    _compare(name, REFERENCE[name])


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_matches_live_pytorch(tmp_path):
    output = tmp_path / "live.json"
    subprocess.run([os.environ["TORCH_PYTHON"], str(ROOT / "scripts" / "trainkit_reference.py"), str(output)],
                   check=True, cwd=ROOT)
    live = json.loads(output.read_text())["cases"]
    assert sorted(live) == sorted(cases.CASES)
    for name in sorted(live):
        _compare(name, live[name])


# ---- nn.init: random fills -----------------------------------------------------------------------------


def _stats(x):
    values = x.double().reshape(-1).tolist()
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return n, mean, var, min(values), max(values)


def _check_uniform(x, low, high):
    n, mean, var, lo, hi = _stats(x)
    width = high - low
    sigma2, mu4 = width**2 / 12, width**4 / 80
    assert abs(mean - (low + high) / 2) < Z * math.sqrt(sigma2 / n)
    assert abs(var - sigma2) < Z * math.sqrt((mu4 - sigma2**2) / n)
    assert low <= lo and hi <= high


def _check_normal(x, mean_, std):
    n, mean, var, _, _ = _stats(x)
    assert abs(mean - mean_) < Z * std / math.sqrt(n)
    assert abs(var - std**2) < Z * math.sqrt(2 * std**4 / n)


@pytest.fixture
def generator():
    return torch.Generator().manual_seed(1234)


def test_uniform_and_normal(generator):
    w = torch.empty(200, 100, requires_grad=True)
    assert init.uniform_(w, -2.0, 3.0, generator=generator) is w
    assert w.requires_grad and w.grad_fn is None  # filled with grad mode off
    _check_uniform(w, -2.0, 3.0)
    assert init.normal_(w, 1.5, 0.5, generator=generator) is w
    _check_normal(w, 1.5, 0.5)


def test_xavier(generator):
    # fan_in = 50 * 3 * 2 = 300, fan_out = 40 * 6 = 240: std = gain * sqrt(2 / 540).
    w = torch.empty(40, 50, 3, 2)
    std = 2.0 * math.sqrt(2 / 540)
    init.xavier_uniform_(w, gain=2.0, generator=generator)
    _check_uniform(w, -math.sqrt(3) * std, math.sqrt(3) * std)
    init.xavier_normal_(w, gain=2.0, generator=generator)
    _check_normal(w, 0.0, std)


def test_kaiming(generator):
    w = torch.empty(120, 80, 3, dtype=torch.float64)
    # leaky_relu with a = 0: gain sqrt(2); fan_in = 240.
    init.kaiming_uniform_(w, generator=generator)
    bound = math.sqrt(2) * math.sqrt(3 / 240)
    _check_uniform(w, -bound, bound)
    # relu, fan_out = 360.
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu", generator=generator)
    _check_normal(w, 0.0, math.sqrt(2 / 360))
    # leaky_relu slope 0.5: gain sqrt(2 / 1.25).
    init.kaiming_normal_(w, a=0.5, generator=generator)
    _check_normal(w, 0.0, math.sqrt(2 / 1.25) / math.sqrt(240))
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert init.kaiming_uniform_(torch.empty(0, 3)).shape == (0, 3)


def _truncated_normal_moments(mean, std, a, b):
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2  # noqa: E731
    z = cdf(beta) - cdf(alpha)
    m = mean + std * (pdf(alpha) - pdf(beta)) / z
    var = std**2 * (1 + (alpha * pdf(alpha) - beta * pdf(beta)) / z - ((pdf(alpha) - pdf(beta)) / z) ** 2)
    return m, var


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0),    # wide: normal draws redrawn
                                          (0.5, 2.0, 0.0, 1.0),     # narrow: uniform draws accepted
                                          (0.0, 1.0, 1.5, 3.0)])    # one tail
def test_trunc_normal(generator, mean, std, a, b):
    w = torch.empty(40000, dtype=torch.float64)
    init.trunc_normal_(w, mean, std, a, b, generator=generator)
    n, m, var, lo, hi = _stats(w)
    expected_mean, expected_var = _truncated_normal_moments(mean, std, a, b)
    assert a <= lo and hi <= b
    assert abs(m - expected_mean) < Z * math.sqrt(expected_var / n)
    # The variance's standard error, bounded by that of a uniform on [a, b] (a truncated
    # normal is less spread): sqrt((mu4 - var^2) / n) <= (b - a)^2 / sqrt(n).
    assert abs(var - expected_var) < Z * (b - a) ** 2 / math.sqrt(n) / 4


def test_trunc_normal_warns_when_mean_is_far():
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        init.trunc_normal_(torch.empty(10), mean=10.0, std=1.0, a=-1.0, b=1.0)


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (7, 3), (4, 2, 3)])
def test_orthogonal(generator, shape):
    w = torch.empty(*shape, dtype=torch.float64)
    assert init.orthogonal_(w, gain=2.0, generator=generator) is w
    rows, cols = shape[0], w.numel() // shape[0]
    m = w.reshape(rows, cols) / 2.0
    gram = m @ m.t() if rows <= cols else m.t() @ m
    assert torch.allclose(gram, torch.eye(min(rows, cols), dtype=torch.float64), atol=1e-12)
    # Not a fixed matrix: a second draw differs.
    assert not torch.equal(w, init.orthogonal_(w.clone(), gain=2.0, generator=generator))


def test_sparse(generator):
    w = torch.empty(10, 300, dtype=torch.float64)
    init.sparse_(w, 0.25, std=0.5, generator=generator)
    # ceil(0.25 * 10) = 3 zeros per column (a normal draw is never exactly 0).
    assert ((w == 0).sum(0) == 3).all()
    nonzero = w[w != 0]
    _check_normal(nonzero, 0.0, 0.5)


def test_generator_makes_draws_repeatable():
    a = init.kaiming_uniform_(torch.empty(4, 5), generator=torch.Generator().manual_seed(7))
    b = init.kaiming_uniform_(torch.empty(4, 5), generator=torch.Generator().manual_seed(7))
    assert torch.equal(a, b)


def test_deprecated_spellings():
    with pytest.warns(FutureWarning, match="`nn.init.normal` is now deprecated in favor of `nn.init.normal_`"):
        init.normal(torch.empty(3))


# ---- nn.utils by hand --------------------------------------------------------------------------------


def _param(values, grad):
    p = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(grad, dtype=torch.float64)
    return p


def test_clip_grad_norm_by_hand():
    # Gradients (3, 4) and (12): 2-norm sqrt(9 + 16 + 144) = 13; scale 6.5 / (13 + 1e-6).
    a, b = _param([0.0, 0.0], [3.0, 4.0]), _param([0.0], [12.0])
    total = torch.nn.utils.clip_grad_norm_([a, b], 6.5)
    assert total.item() == pytest.approx(13.0, rel=1e-15)
    scale = 6.5 / (13 + 1e-6)
    assert a.grad.tolist() == pytest.approx([3 * scale, 4 * scale], rel=1e-15)
    assert b.grad.tolist() == pytest.approx([12 * scale], rel=1e-15)
    # inf-norm: the largest magnitude, 12; 1-norm: 19.
    a, b = _param([0.0, 0.0], [3.0, -4.0]), _param([0.0], [-12.0])
    assert torch.nn.utils.clip_grad_norm_([a, b], 100.0, norm_type="inf").item() == 12.0
    assert a.grad.tolist() == [3.0, -4.0]  # under the limit: unchanged
    assert torch.nn.utils.clip_grad_norm_((p for p in [a, b]), 100.0, norm_type=1).item() == 19.0
    # A single tensor, and parameters without gradients: norm 0.
    assert torch.nn.utils.clip_grad_norm_(torch.zeros(2, requires_grad=True), 1.0).item() == 0.0
    with pytest.warns(UserWarning, match="`parameters` is an empty generator"):
        torch.nn.utils.clip_grad_norm_((p for p in []), 1.0)


def test_clip_grad_norm_nonfinite():
    a = _param([0.0, 0.0], [math.inf, 1.0])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is non-finite"):
        torch.nn.utils.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)
    # Without the check, the gradients are scaled by 1 / inf.
    assert math.isinf(torch.nn.utils.clip_grad_norm_([a], 1.0).item())


def test_clip_grad_value_by_hand():
    a = _param([0.0, 0.0, 0.0], [-3.0, 0.5, 2.0])
    torch.nn.utils.clip_grad_value_(a, 1.0)
    assert a.grad.tolist() == [-1.0, 0.5, 1.0]


def test_parameter_vector_by_hand():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = torch.tensor([5.0], requires_grad=True)
    v = torch.nn.utils.parameters_to_vector([a, b])
    assert v.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0] and v.grad_fn is not None
    torch.nn.utils.vector_to_parameters(torch.arange(10.0, 15.0), [a, b])
    assert a.tolist() == [[10.0, 11.0], [12.0, 13.0]] and b.tolist() == [14.0]
    assert a.requires_grad and a.is_leaf
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        torch.nn.utils.vector_to_parameters([1.0], [a])


# ---- schedulers ------------------------------------------------------------------------------------------


def test_scheduler_checks_its_optimizer():
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        torch.optim.lr_scheduler.StepLR([], 1)


def test_onecycle_by_hand():
    # max_lr 1, div 25: starts at 0.04; 10 steps, pct 0.3: up over steps 0..2 (end_step 2),
    # cosine: step 1 is half way, (0.04 + 1) / 2.
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    s = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    assert s.get_last_lr() == [pytest.approx(0.04)] and opt.param_groups[0]["momentum"] == 0.95
    opt.step()
    s.step()
    assert s.get_last_lr()[0] == pytest.approx(0.52) and opt.param_groups[0]["momentum"] == pytest.approx(0.9)
    for _ in range(8):
        opt.step()
        s.step()
    # The last step reaches min_lr = 0.04 / 1e4.
    assert s.get_last_lr()[0] == pytest.approx(4e-6)


def test_plateau_by_hand():
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    for metric, lr in [(5, 1.0), (5, 1.0), (5, 0.5), (4, 0.5), (4, 0.5), (4, 0.25)]:
        s.step(metric)
        assert opt.param_groups[0]["lr"] == lr


def test_scheduler_state_dict_round_trip_through_save(tmp_path):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    s = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)
    for _ in range(4):
        opt.step()
        s.step()
    torch.save(s.state_dict(), tmp_path / "s.pt")
    opt2 = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    s2 = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt2, T_0=3, T_mult=2)
    s2.load_state_dict(torch.load(tmp_path / "s.pt"))
    assert (s2.T_cur, s2.T_i, s2.last_epoch) == (1, 6, 4)
    s.step()
    s2.step()
    assert s2.get_last_lr() == s.get_last_lr()


# ---- optimizers: checkpoints -----------------------------------------------------------------------------

NEW_OPTIMIZERS = [("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)), ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
                  ("Adadelta", dict(weight_decay=0.1)), ("Adamax", dict(lr=0.01)),
                  ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)), ("RAdam", dict(lr=0.01))]


def _problem():
    p = torch.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=torch.float64, requires_grad=True)
    return p, lambda: ((p - 1) ** 3).sum()


def _steps(opt, loss, n):
    for _ in range(n):
        opt.zero_grad()
        loss().backward()
        opt.step()


@pytest.mark.parametrize("name,options", NEW_OPTIMIZERS)
def test_optimizer_state_dict_round_trip(tmp_path, name, options):
    p, loss = _problem()
    opt = getattr(torch.optim, name)([p], **options)
    _steps(opt, loss, 3)
    torch.save(opt.state_dict(), tmp_path / "opt.pt")
    q, loss_q = _problem()
    with torch.no_grad():
        q.copy_(p)
    restored = getattr(torch.optim, name)([q], **options)
    restored.load_state_dict(torch.load(tmp_path / "opt.pt"))
    assert restored.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    saved, loaded = opt.state_dict()["state"][0], restored.state_dict()["state"][0]
    assert sorted(saved) == sorted(loaded)
    for key in saved:
        assert torch.equal(saved[key].double(), loaded[key].double())
    _steps(opt, loss, 2)
    _steps(restored, loss_q, 2)
    if name == "NAdam":
        # As in PyTorch, loading converts mu_product from float32 to the parameter's dtype:
        # the restored optimizer goes on with a float64 product, the original in float32.
        assert loaded["mu_product"].dtype == torch.float64 and saved["mu_product"].dtype == torch.float32
        assert torch.allclose(p, q, rtol=1e-9, atol=0) and not torch.equal(p, q)
    else:
        assert torch.equal(p, q)


def test_adagrad_state_exists_before_a_step():
    p = torch.zeros(2, requires_grad=True)
    q = torch.zeros(1, requires_grad=True)
    opt = torch.optim.Adagrad([{"params": [p]}, {"params": [q], "initial_accumulator_value": 2.0}],
                              initial_accumulator_value=0.5)
    state = opt.state_dict()["state"]
    assert sorted(state) == [0, 1]
    assert state[0]["step"].item() == 0.0 and state[0]["step"].dtype == torch.float32
    assert state[0]["sum"].tolist() == [0.5, 0.5] and state[1]["sum"].tolist() == [2.0]


def test_optimizer_messages_and_groups():
    p = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match=r"^Invalid rho value: 1.5$"):
        torch.optim.Adadelta([p], rho=1.5)
    with pytest.raises(ValueError, match=r"^Invalid beta parameter at index 1: 1$"):
        torch.optim.RAdam([p], betas=(0.9, 1))
    opt = torch.optim.NAdam([p])
    assert opt.param_groups[0]["momentum_decay"] == 4e-3 and opt.param_groups[0]["betas"] == (0.9, 0.999)
    # A group option changed between steps reaches the library (as schedulers do).
    opt.param_groups[0]["lr"] = 0.5
    p.grad = torch.ones(2)
    opt.step()
    # NAdam's first step with g = 1: m = (1 - beta1) g = 0.1, v = (1 - beta2) g^2, so
    # sqrt(v / (1 - beta2)) + eps = 1 + eps, and each entry moves by
    # -lr * ((1 - mu1) / (1 - mu1) * g + mu2 / (1 - mu1 mu2) * m) / (1 + eps), mu1 rounded to float32.
    mu1 = 0.9 * (1 - 0.5 * 0.96 ** 4e-3)
    mu2 = 0.9 * (1 - 0.5 * 0.96 ** 8e-3)
    product = float(torch.tensor(mu1, dtype=torch.float32))
    expected = -0.5 * (1 + mu2 / (1 - product * mu2) * 0.1) / (1 + 1e-8)
    assert p.tolist() == pytest.approx([expected, expected], rel=1e-6)


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
@pytest.mark.parametrize("name,options", NEW_OPTIMIZERS)
def test_pytorch_continues_from_a_saved_state(tmp_path, name, options):
    """PyTorch loads the optimizer state swiftgrad saved, and its next two steps match ours."""
    p, loss = _problem()
    opt = getattr(torch.optim, name)([p], **options)
    _steps(opt, loss, 3)
    torch.save({"param": p.detach(), "optimizer": opt.state_dict()}, tmp_path / "ckpt.pt")
    # Both sides continue from the file (loading converts NAdam's mu_product to the parameter's
    # dtype, in PyTorch as here).
    ckpt = torch.load(tmp_path / "ckpt.pt")
    p, loss = _problem()
    with torch.no_grad():
        p.copy_(ckpt["param"])
    opt = getattr(torch.optim, name)([p], **options)
    opt.load_state_dict(ckpt["optimizer"])
    _steps(opt, loss, 2)
    program = f"""
import json, sys, torch
ckpt = torch.load(sys.argv[1])
p = ckpt["param"].clone().requires_grad_(True)
opt = torch.optim.{name}([p], **{options!r})
opt.load_state_dict(ckpt["optimizer"])
for _ in range(2):
    opt.zero_grad()
    ((p - 1) ** 3).sum().backward()
    opt.step()
state = opt.state[p]
print(json.dumps({{"p": p.detach().reshape(-1).tolist(), "keys": sorted(state),
                  "step": float(state["step"]), "dtypes": sorted({{str(v.dtype) for v in state.values()}})}}))
"""
    result = subprocess.run([os.environ["TORCH_PYTHON"], "-c", program, str(tmp_path / "ckpt.pt")],
                            capture_output=True, text=True, timeout=300, check=True)
    theirs = json.loads(result.stdout)
    assert p.detach().reshape(-1).tolist() == pytest.approx(theirs["p"], rel=1e-12, abs=1e-15)
    ours = opt.state[p]
    assert sorted(ours) == theirs["keys"] and ours["step"].item() == theirs["step"] == 5.0
    assert sorted({str(v.dtype) for v in ours.values()}) == theirs["dtypes"]
