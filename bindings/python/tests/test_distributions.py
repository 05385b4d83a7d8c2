"""torch.distributions on swiftgrad.

- Values: the cases of distributions_cases.py (log_prob, cdf, icdf, entropy, moments, KL
  divergences, gradients of log densities, shapes, reprs, PyTorch's validation messages) against
  PyTorch's results stored in data/distributions_reference.json (written by
  scripts/distributions_reference.py), and against a live PyTorch when TORCH_PYTHON is set.
- Sampling: moments of fixed-seed samples within five standard errors of the distribution's
  (the standard error of a sample mean is sqrt(var / n), of a sample variance
  sqrt((mu4 - var^2) / n), of a frequency sqrt(p (1 - p) / n)).
- Reparameterised gradients: rsample's gradients against float64 central differences of the
  same draws (the generator reseeded before each), and the implicit gradients of Gamma and Beta
  draws against -(dF/dalpha) / f with F's alpha derivative by central differences of the CDF.
- The samplers' ops (torch._standard_gamma, ...), their node names and refusals; validation
  switches; torch.Size arithmetic the distributions rely on.
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
from swiftgrad import distributions as D

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
_spec = importlib.util.spec_from_file_location("distributions_cases", HERE / "distributions_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE = json.loads((HERE / "data" / "distributions_reference.json").read_text())["cases"]

Z = 5  # standard errors allowed for a sampled statistic


# ---- values against PyTorch ----------------------------------------------------------------------


def _differences(got, want, path, out):
    """Appends to `out` where an encoded result differs from PyTorch's: tensors by shape, dtype
    and values (1e-9 relative in float64, 1e-5 in float32, NaN where PyTorch has NaN), everything
    else exactly."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            out.append(f"{path}: {got!r}, PyTorch gives a tensor")
        elif (got["shape"], got["dtype"]) != (want["shape"], want["dtype"]):
            out.append(f"{path}: {got['shape']} {got['dtype']}, PyTorch gives {want['shape']} {want['dtype']}")
        else:
            tolerance = 1e-5 if want["dtype"] in ("torch.float32", "torch.float16") else 1e-9
            for i, (g, w) in enumerate(zip(got["values"], want["values"])):
                if isinstance(w, float) and math.isnan(w):
                    if not (isinstance(g, float) and math.isnan(g)):
                        out.append(f"{path}[{i}]: {g}, PyTorch gives nan")
                elif g != w and not abs(g - w) <= tolerance * max(1.0, abs(w)):
                    out.append(f"{path}[{i}]: {g}, PyTorch gives {w}")
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            out.append(f"{path}: {got!r}, PyTorch gives {want!r}")
        else:
            for i, (g, w) in enumerate(zip(got, want)):
                _differences(g, w, f"{path}[{i}]", out)
    elif isinstance(want, float) and isinstance(got, float):
        if not (got == want or abs(got - want) <= 1e-12 * max(1.0, abs(want))):
            out.append(f"{path}: {got!r}, PyTorch gives {want!r}")
    elif got != want:
        out.append(f"{path}: {got!r}\n  PyTorch: {want!r}")


def _compare(name, reference):
    got = {key: cases.encode(value) for key, value in cases.CASES[name](torch).items()}
    assert sorted(got) == sorted(reference), f"{name}: results {sorted(got)} vs {sorted(reference)}"
    out = []
    for key in sorted(reference):
        _differences(got[key], reference[key], f"{name}.{key}", out)
    assert not out, "\n".join(out)


class _ComposedLinalg:
    """torch.linalg.cholesky, cholesky_ex and solve_triangular (lower) composed of swiftgrad
    ops, for the MultivariateNormal cases while swiftgrad's torch.linalg lacks them (its
    linear algebra is being merged): the cases then test MultivariateNormal's own code (the
    batched Mahalanobis reshapes, the precision route, KL, validation) against PyTorch. With
    the library's own functions present, these are not used."""

    class _Ex(tuple):
        L = property(lambda self: self[0])
        info = property(lambda self: self[1])

    @staticmethod
    def cholesky_ex(a):
        # PyTorch reads a Hermitian input and gives it a Hermitian gradient: symmetrised first.
        a = (a + a.mT) / 2
        n = a.shape[-1]
        factor = [[None] * n for _ in range(n)]
        info = torch.zeros(a.shape[:-2], dtype=torch.int32)
        zero = torch.zeros_like(a[..., 0, 0])
        for j in range(n):
            pivot = a[..., j, j]
            for k in range(j):
                pivot = pivot - factor[j][k] * factor[j][k]
            failed = info.eq(0).logical_and(pivot.le(0).logical_or(pivot.isnan()))
            info = torch.where(failed, torch.full_like(info, j + 1), info)
            factor[j][j] = pivot.sqrt()
            for i in range(j + 1, n):
                entry = a[..., i, j]
                for k in range(j):
                    entry = entry - factor[i][k] * factor[j][k]
                factor[i][j] = entry / factor[j][j]
        rows = [torch.stack([factor[i][j] if j <= i else zero for j in range(n)], -1) for i in range(n)]
        return _ComposedLinalg._Ex((torch.stack(rows, -2), info))

    @staticmethod
    def cholesky(a):
        return _ComposedLinalg.cholesky_ex(a)[0]

    @staticmethod
    def solve_triangular(a, b, *, upper):
        assert not upper
        batch = torch.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = a.expand(batch + a.shape[-2:])
        b = b.expand(batch + b.shape[-2:])
        rows = []
        for i in range(a.shape[-1]):
            row = b[..., i, :]
            for k in range(i):
                row = row - a[..., i, k].unsqueeze(-1) * rows[k]
            rows.append(row / a[..., i, i].unsqueeze(-1))
        return torch.stack(rows, -2)


@pytest.fixture
def linalg(monkeypatch):
    """torch.linalg with what MultivariateNormal needs (composed here when missing)."""
    for name in ("cholesky", "cholesky_ex", "solve_triangular"):
        if not hasattr(torch.linalg, name):
            monkeypatch.setattr(torch.linalg, name, getattr(_ComposedLinalg, name), raising=False)
    return torch.linalg


def test_every_case_has_a_reference():
    assert sorted(cases.CASES) == sorted(REFERENCE)


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_matches_pytorch(name, linalg):
    _compare(name, REFERENCE[name])


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_matches_live_pytorch(tmp_path, linalg):
    """The same cases, against what the PyTorch at TORCH_PYTHON computes now."""
    output = tmp_path / "live.json"
    subprocess.run([os.environ["TORCH_PYTHON"], str(ROOT / "scripts" / "distributions_reference.py"), str(output)],
                   check=True, cwd=ROOT)
    live = json.loads(output.read_text())["cases"]
    assert sorted(live) == sorted(cases.CASES)
    for name in sorted(live):
        _compare(name, live[name])


# ---- sampling --------------------------------------------------------------------------------------


def _stats(x):
    values = x.double().reshape(-1).tolist()
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return n, mean, var


def _check_moments(x, mean, var, mu4, what):
    """The sample mean within Z standard errors sqrt(var / n) of `mean`, and the sample variance
    within Z standard errors sqrt((mu4 - var^2) / n) of `var` (mu4: the fourth central moment)."""
    n, m, v = _stats(x)
    assert abs(m - mean) <= Z * math.sqrt(var / n), f"{what}: mean {m}, expected {mean}"
    if mu4 is not None:
        assert abs(v - var) <= Z * math.sqrt((mu4 - var * var) / n), f"{what}: variance {v}, expected {var}"


def _check_frequency(hits, n, p, what):
    assert abs(hits / n - p) <= Z * math.sqrt(p * (1 - p) / n), f"{what}: frequency {hits / n}, expected {p}"


N = 20000


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_continuous_sample_moments(dtype):
    torch.manual_seed(1)

    def t(v):
        return torch.tensor(v, dtype=dtype)

    cases_ = [
        ("Normal", D.Normal(t(1.5), t(2.0)), 1.5, 4.0, 3 * 16.0),
        ("Uniform", D.Uniform(t(-1.0), t(3.0)), 1.0, 16 / 12, 4.0**4 / 80),
        ("Exponential", D.Exponential(t(2.0)), 0.5, 0.25, 9 / 16),
        ("Laplace", D.Laplace(t(-1.0), t(0.5)), -1.0, 0.5, 24 * 0.5**4),
        ("Gamma(0.5, 2)", D.Gamma(t(0.5), t(2.0)), 0.25, 0.125, 0.125**2 * (3 + 6 / 0.5)),
        ("Gamma(3, 1)", D.Gamma(t(3.0), t(1.0)), 3.0, 3.0, 9.0 * (3 + 6 / 3)),
        ("Chi2(4)", D.Chi2(t(4.0)), 4.0, 8.0, 64 * (3 + 6 / 2)),
        ("StudentT(10)", D.StudentT(t(10.0), t(1.0), t(1.0)), 1.0, 1.25, 3 * 100 / (8 * 6)),
        ("LogNormal(0, 0.25)", D.LogNormal(t(0.0), t(0.25)), math.exp(0.03125), math.expm1(0.0625) * math.exp(0.0625),
         None),
    ]
    for what, d, mean, var, mu4 in cases_:
        x = d.sample((N,))
        assert x.shape == (N,) and x.dtype == dtype, what
        assert x.grad_fn is None
        _check_moments(x, mean, var, mu4, what)
        # rsample draws from the same distribution.
        if d.has_rsample:
            _check_moments(d.rsample((N,)).detach(), mean, var, mu4, what + " rsample")


def test_beta_and_dirichlet_sample_moments():
    torch.manual_seed(2)
    a, b = 2.0, 5.0
    total = a + b
    mean, var = a / total, a * b / (total**2 * (total + 1))
    mu4 = 3 * a * b * (a * b * (total - 6) + 2 * total**2) / (total**4 * (total + 1) * (total + 2) * (total + 3))
    x = D.Beta(torch.tensor(a), torch.tensor(b)).sample((N,))
    _check_moments(x, mean, var, mu4, "Beta")
    assert 0 < x.min().item() and x.max().item() < 1
    alpha = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64)
    draws = D.Dirichlet(alpha).sample((N,))
    assert draws.shape == (N, 3)
    assert (draws.sum(-1) - 1).abs().max().item() < 1e-12
    for i, ai in enumerate([1.0, 2.0, 4.0]):
        b_ = 7.0 - ai
        mean = ai / 7
        var = ai * b_ / (49 * 8)
        mu4 = 3 * ai * b_ * (ai * b_ * (7 - 6) + 2 * 49) / (7**4 * 8 * 9 * 10)
        _check_moments(draws[:, i], mean, var, mu4, f"Dirichlet component {i}")


def test_discrete_sample_moments():
    torch.manual_seed(3)
    p = 0.3
    x = D.Bernoulli(torch.tensor(p)).sample((N,))
    assert x.dtype == torch.float32 and x.eq(0).logical_or(x.eq(1)).sum().item() == N
    _check_moments(x, p, p * (1 - p), p * (1 - p) * (1 - 3 * p * (1 - p)), "Bernoulli")
    n, q = 12.0, 0.4
    npq = n * q * (1 - q)
    _check_moments(D.Binomial(n, torch.tensor(q)).sample((N,)), n * q, npq, npq * (1 + 3 * (n - 2) * q * (1 - q)),
                   "Binomial")
    for rate in (2.5, 40.0):
        _check_moments(D.Poisson(torch.tensor(rate)).sample((N,)), rate, rate, rate * (1 + 3 * rate),
                       f"Poisson({rate})")
    g = 0.25
    var = (1 - g) / g**2
    _check_moments(D.Geometric(torch.tensor(g)).sample((N,)), (1 - g) / g, var, var**2 * (9 + g * g / (1 - g)),
                   "Geometric")


def test_categorical_frequencies():
    torch.manual_seed(4)
    probs = [0.1, 0.2, 0.3, 0.4]
    x = D.Categorical(torch.tensor(probs)).sample((N,))
    assert x.dtype == torch.int64 and x.shape == (N,)
    for k, p in enumerate(probs):
        _check_frequency(x.eq(k).sum().item(), N, p, f"Categorical class {k}")
    one_hot = D.OneHotCategorical(torch.tensor(probs)).sample((N,))
    assert one_hot.shape == (N, 4) and one_hot.sum(-1).eq(1).sum().item() == N
    for k, p in enumerate(probs):
        _check_frequency(one_hot[:, k].sum().item(), N, p, f"OneHotCategorical class {k}")
    batched = D.Categorical(torch.tensor([[0.9, 0.1], [0.2, 0.8]])).sample((N,))
    assert batched.shape == (N, 2)
    _check_frequency(batched[:, 0].eq(0).sum().item(), N, 0.9, "batched row 0")
    _check_frequency(batched[:, 1].eq(0).sum().item(), N, 0.2, "batched row 1")


def test_d2l_probability_section():
    """D2L's probability section: die rolls with Multinomial."""
    torch.manual_seed(5)
    fair_probs = torch.ones([6]) / 6
    one = D.Multinomial(1, fair_probs).sample()
    assert one.shape == (6,) and one.sum().item() == 1 and one.dtype == torch.float32
    three = D.Multinomial(1, fair_probs).sample((3,))
    assert three.shape == (3, 6) and three.sum(-1).tolist() == [1.0, 1.0, 1.0]
    ten = D.Multinomial(10, fair_probs).sample()
    assert ten.sum().item() == 10 and ten.min().item() >= 0
    counts = D.Multinomial(N, fair_probs).sample()
    assert counts.sum().item() == N
    for c in counts.tolist():
        _check_frequency(c, N, 1 / 6, "die face")
    experiments = D.Multinomial(10, fair_probs).sample((500,))
    cum_counts = experiments.sum(0)
    assert cum_counts.sum().item() == 5000
    # Counts per face are Binomial(n, p): mean n p, variance n p (1 - p).
    many = D.Multinomial(20, torch.tensor([0.5, 0.3, 0.2])).sample((N,))
    for k, p in enumerate([0.5, 0.3, 0.2]):
        npq = 20 * p * (1 - p)
        _check_moments(many[:, k], 20 * p, npq, npq * (1 + 3 * 18 * p * (1 - p)), f"Multinomial count {k}")


def test_sample_shapes_and_generators():
    d = D.Normal(torch.zeros(2, 3), 1.0)
    assert d.sample().shape == (2, 3)
    assert d.sample((4,)).shape == (4, 2, 3)
    assert d.rsample((4, 5)).shape == (4, 5, 2, 3)
    assert D.Dirichlet(torch.ones(2, 3)).sample((4,)).shape == (4, 2, 3)
    assert D.Multinomial(5, torch.ones(2, 3)).sample((4,)).shape == (4, 2, 3)
    g1, g2 = torch.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    gamma = D.Gamma(torch.tensor([0.5, 2.0]), torch.tensor(1.0))
    assert gamma.sample((8,), generator=g1).tolist() == gamma.sample((8,), generator=g2).tolist()
    torch.manual_seed(11)
    a = D.Poisson(torch.tensor([3.0, 30.0])).sample((5,))
    torch.manual_seed(11)
    assert D.Poisson(torch.tensor([3.0, 30.0])).sample((5,)).tolist() == a.tolist()


# ---- reparameterised gradients ---------------------------------------------------------------------


def _fixed_noise_check(make, params, seed=7, n=6, h=1e-6):
    """d/dparams of sum(w * rsample) by autograd, against central differences of the same draws
    (the default generator reseeded before each): the draws are a fixed function of the
    parameters."""
    weights = torch.linspace(0.5, 1.5, n, dtype=torch.float64)

    def f(values):
        torch.manual_seed(seed)
        x = make(*values).rsample((n,))
        return (x * weights.reshape((n,) + (1,) * (x.dim() - 1))).sum()

    leaves = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    grads = torch.autograd.grad(f(leaves), leaves)
    for i, p in enumerate(params):
        flat = torch.tensor(p, dtype=torch.float64).reshape(-1).tolist()
        for j in range(len(flat)):
            def shifted(delta):
                values = [torch.tensor(q, dtype=torch.float64) for q in params]
                moved = list(flat)
                moved[j] += delta
                values[i] = torch.tensor(moved, dtype=torch.float64).reshape(values[i].shape)
                return f(values).item()
            numeric = (shifted(h) - shifted(-h)) / (2 * h)
            analytic = grads[i].reshape(-1).tolist()[j]
            assert abs(analytic - numeric) <= 1e-6 * max(1.0, abs(numeric)), (i, j, analytic, numeric)


@pytest.mark.parametrize("make, params", [
    (lambda loc, scale: D.Normal(loc, scale), ([0.5, -1.0], [1.5, 0.3])),
    (lambda low, high: D.Uniform(low, high), ([0.0, -2.0], [1.0, 3.0])),
    (lambda rate: D.Exponential(rate), ([0.7, 2.0],)),
    (lambda loc, scale: D.Laplace(loc, scale), ([0.0, 1.0], [2.0, 0.5])),
    (lambda loc, scale: D.Cauchy(loc, scale), ([0.0, 1.0], [2.0, 0.5])),
    (lambda loc, scale: D.LogNormal(loc, scale), ([0.0, 0.5], [0.5, 0.25])),
    (lambda loc, scale: D.Independent(D.Normal(loc, scale), 1), ([0.0, 0.5], [0.5, 0.25])),
    (lambda loc, scale: D.TransformedDistribution(
        D.Normal(loc, scale), [D.transforms.AffineTransform(1.0, -2.0), D.transforms.SigmoidTransform()]),
     ([0.0, 0.5], [0.5, 0.25])),
    (lambda loc, scale: D.StudentT(torch.tensor([3.0, 8.0], dtype=torch.float64), loc, scale),
     ([0.0, 0.5], [0.5, 2.0])),
    (lambda rate: D.Gamma(torch.tensor([0.5, 4.0], dtype=torch.float64), rate), ([1.5, 0.5],)),
], ids=["Normal", "Uniform", "Exponential", "Laplace", "Cauchy", "LogNormal", "Independent",
        "Transformed", "StudentT-loc-scale", "Gamma-rate"])
def test_rsample_gradients_match_finite_differences(make, params):
    _fixed_noise_check(make, params)


def _gamma_density(x, a):
    return math.exp((a - 1) * math.log(x) - x - math.lgamma(a))


def test_gamma_rsample_implicit_gradient():
    """d x / d alpha of Gamma(alpha, 1) draws equals -(dF/dalpha) / f (F the regularised lower
    incomplete gamma function, torch.special.gammainc in float64, differentiated in alpha by
    central differences); PyTorch's approximations hold it to a few parts in 10^4."""
    torch.manual_seed(12)
    for a in (0.3, 1.0, 2.5, 7.0, 20.0):
        alpha = torch.full((40,), a, dtype=torch.float64, requires_grad=True)
        x = D.Gamma(alpha, 1.0).rsample()
        (grad,) = torch.autograd.grad(x.sum(), [alpha])
        step = 1e-5
        xs = x.detach()
        upper = torch.special.gammainc(torch.full_like(xs, a + step), xs)
        lower = torch.special.gammainc(torch.full_like(xs, a - step), xs)
        dF = ((upper - lower) / (2 * step)).tolist()
        for xi, g, d in zip(xs.tolist(), grad.tolist(), dF):
            want = -d / _gamma_density(xi, a)
            assert abs(g - want) <= 2e-3 * abs(want) + 1e-12, (a, xi, g, want)
    # A rate divides the standard draw: d x / d alpha scales by 1 / rate.
    torch.manual_seed(13)
    alpha = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    (g1,) = torch.autograd.grad(D.Gamma(alpha, 1.0).rsample(), [alpha])
    torch.manual_seed(13)
    (g4,) = torch.autograd.grad(D.Gamma(alpha, 4.0).rsample(), [alpha])
    assert abs(g4.item() - g1.item() / 4) <= 1e-12


def _beta_cdf(x, a, b, intervals=4000):
    """The regularised incomplete beta function I_x(a, b) for a, b >= 1, by Simpson's rule."""
    h = x / intervals
    total = 0.0
    for i in range(intervals + 1):
        t = i * h
        f = (t ** (a - 1) if t > 0 else (1.0 if a == 1 else 0.0)) * (1 - t) ** (b - 1)
        total += f * (1 if i in (0, intervals) else 4 if i % 2 else 2)
    return total * h / 3 * math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b))


def test_beta_rsample_implicit_gradient():
    """d x / d a for Beta(a, b) draws (through Dirichlet's _dirichlet_grad) equals
    -(dI_x(a, b)/da) / f(x), and d x / d b likewise."""
    torch.manual_seed(14)
    a, b = 2.0, 3.0
    c1 = torch.full((6,), a, dtype=torch.float64, requires_grad=True)
    c0 = torch.full((6,), b, dtype=torch.float64, requires_grad=True)
    x = D.Beta(c1, c0).rsample()
    grad_a, grad_b = torch.autograd.grad(x.sum(), [c1, c0])
    step = 1e-4
    for xi, ga, gb in zip(x.tolist(), grad_a.tolist(), grad_b.tolist()):
        density = math.exp((a - 1) * math.log(xi) + (b - 1) * math.log(1 - xi)
                           + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b))
        want_a = -(_beta_cdf(xi, a + step, b) - _beta_cdf(xi, a - step, b)) / (2 * step) / density
        want_b = -(_beta_cdf(xi, a, b + step) - _beta_cdf(xi, a, b - step)) / (2 * step) / density
        assert abs(ga - want_a) <= 2e-3 * abs(want_a) + 1e-9, (xi, ga, want_a)
        assert abs(gb - want_b) <= 2e-3 * abs(want_b) + 1e-9, (xi, gb, want_b)


def test_straight_through_gradient():
    """OneHotCategoricalStraightThrough.rsample: the sample's value, the probabilities'
    gradient: d/dp of sum(w * rsample) for probs = p / sum(p) is (w - w . probs) / sum(p)."""
    torch.manual_seed(15)
    raw = torch.tensor([1.0, 2.0, 5.0], dtype=torch.float64, requires_grad=True)
    d = D.OneHotCategoricalStraightThrough(raw)
    sample = d.rsample()
    assert sample.detach().sum().item() == 1 and set(sample.detach().tolist()) == {0.0, 1.0}
    w = [0.5, -1.0, 2.0]
    (grad,) = torch.autograd.grad((sample * torch.tensor(w, dtype=torch.float64)).sum(), [raw])
    probs = [1 / 8, 2 / 8, 5 / 8]
    wp = sum(wi * pi for wi, pi in zip(w, probs))
    for g, wi in zip(grad.tolist(), w):
        assert abs(g - (wi - wp) / 8) <= 1e-12


def test_sample_is_not_differentiable_and_rsample_is():
    loc = torch.tensor([0.0, 1.0], requires_grad=True)
    assert D.Normal(loc, 1.0).sample().requires_grad is False
    assert D.Normal(loc, 1.0).rsample().requires_grad is True
    assert D.Categorical(torch.tensor([0.5, 0.5])).has_rsample is False
    with pytest.raises(NotImplementedError):
        D.Categorical(torch.tensor([0.5, 0.5])).rsample()


# ---- the samplers' ops -----------------------------------------------------------------------------


def test_sampler_ops_nodes_and_refusals():
    alpha = torch.tensor([0.5, 2.0], dtype=torch.float64, requires_grad=True)
    x = torch._standard_gamma(alpha)
    assert type(x.grad_fn).__name__ == "StandardGammaBackward0"
    (grad,) = torch.autograd.grad(x.sum(), [alpha], create_graph=True)
    expected = torch._standard_gamma_grad(alpha.detach(), x.detach())
    assert grad.tolist() == expected.tolist()
    with pytest.raises(RuntimeError, match=r"the derivative for '_standard_gamma_grad' is not implemented\."):
        torch.autograd.grad(grad.sum(), [alpha])
    rate = torch.tensor([3.0], requires_grad=True)
    y = torch.poisson(rate)
    assert type(y.grad_fn).__name__ == "PoissonBackward0"
    (zero,) = torch.autograd.grad(y.sum(), [rate])
    assert zero.tolist() == [0.0]
    b = torch.binomial(torch.tensor([5.0]), torch.tensor([0.5], requires_grad=True))
    assert type(b.grad_fn).__name__ == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::binomial is not implemented"):
        b.sum().backward()
    with pytest.raises(ValueError, match="binomial only supports floating-point dtypes for count, got: Long"):
        torch.binomial(torch.tensor([3]), torch.tensor([0.5]))
    with pytest.raises(RuntimeError, match="Found dtype Double but expected Float"):
        torch.binomial(torch.tensor([3.0]), torch.tensor([0.5], dtype=torch.float64))
    with pytest.raises(NotImplementedError, match="\"gamma_cpu\" not implemented for 'Long'"):
        torch._standard_gamma(torch.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match="\"dirichlet\" not implemented for 'Half'"):
        torch._sample_dirichlet(torch.tensor([1.0, 2.0]).half())
    with pytest.raises(RuntimeError, match="invalid Poisson rate, expected rate to be non-negative"):
        torch.poisson(torch.tensor([-1.0]))
    assert torch.poisson(torch.tensor([3.0]).half()).dtype == torch.float16
    with pytest.raises(TypeError, match=r"_standard_gamma\(\): argument 'input' \(position 1\) must be Tensor"):
        torch._standard_gamma([1.0])
    # Values fixed by the arguments.
    assert torch._standard_gamma(torch.zeros(2, dtype=torch.float64)).tolist() == [2.0**-1022] * 2
    assert torch._sample_dirichlet(torch.zeros(2)).tolist() == [0.5, 0.5]
    assert torch.binomial(torch.tensor([0.0, 5.0, 5.0]), torch.tensor([0.5, 0.0, 1.0])).tolist() == [0.0, 0.0, 5.0]
    # _dirichlet_grad: -(dI_x(a, b)/da at fixed b) / f(x) / (1 - x), b = total - a.
    x, a, b, step = 0.3, 2.0, 3.0, 1e-4
    density = math.exp((a - 1) * math.log(x) + (b - 1) * math.log(1 - x)
                       + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b))
    want = -(_beta_cdf(x, a + step, b) - _beta_cdf(x, a - step, b)) / (2 * step) / density / (1 - x)
    got = torch._dirichlet_grad(*(torch.tensor([v], dtype=torch.float64) for v in (x, a, a + b))).item()
    assert abs(got - want) <= 1e-3 * abs(want)


# ---- validation and the API's details --------------------------------------------------------------


def test_validation_switches():
    assert D.Distribution._validate_args is True
    assert repr(D.Normal(0.0, -1.0, validate_args=False)) == "Normal(loc: 0.0, scale: -1.0)"
    D.Distribution.set_default_validate_args(False)
    try:
        d = D.Normal(0.0, -1.0)
        assert d._validate_args is False
        assert math.isnan(d.log_prob(torch.tensor(0.0)).item())
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args("yes")
    with pytest.raises(ValueError, match="Expected parameter scale"):
        D.Normal(0.0, -1.0)
    # expand() keeps the validation setting and does not validate again.
    e = D.Normal(torch.zeros(2), 1.0, validate_args=False).expand([3, 2])
    assert e._validate_args is False and e.batch_shape == torch.Size([3, 2])


def test_kl_registry():
    class MyNormal(D.Normal):
        pass

    # A subclass finds its base's function; registering a more specific one takes over.
    p, q = MyNormal(0.0, 1.0), D.Normal(1.0, 2.0)
    assert abs(D.kl_divergence(p, q).item() - D.kl_divergence(D.Normal(0.0, 1.0), q).item()) < 1e-7

    @D.register_kl(MyNormal, D.Normal)
    def _mine(p, q):
        return torch.tensor(42.0)

    try:
        assert D.kl_divergence(p, q).item() == 42.0
    finally:
        del D.kl._KL_REGISTRY[MyNormal, D.Normal]
        D.kl._KL_MEMOIZE.clear()
    assert "Normal` and :class:`~torch.distributions.Normal" in D.kl_divergence.__doc__


def test_ambiguous_kl_warns():
    class P(D.Normal):
        pass

    class Q(D.Normal):
        pass

    D.register_kl(P, D.Normal)(lambda p, q: torch.tensor(1.0))
    D.register_kl(D.Normal, Q)(lambda p, q: torch.tensor(2.0))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            D.kl_divergence(P(0.0, 1.0), Q(0.0, 1.0))
        assert any("Ambiguous kl_divergence(P, Q)" in str(w.message) for w in caught)
    finally:
        del D.kl._KL_REGISTRY[P, D.Normal]
        del D.kl._KL_REGISTRY[D.Normal, Q]
        D.kl._KL_MEMOIZE.clear()


def test_lazy_properties_and_shapes():
    d = D.Categorical(logits=torch.tensor([[0.0, 1.0], [2.0, 0.0], [1.0, 1.0]]))
    assert "probs" not in d.__dict__
    p = d.probs
    assert d.__dict__["probs"] is p
    assert d.batch_shape == torch.Size([3]) and repr(d.batch_shape) == "torch.Size([3])"
    assert repr(d.param_shape) == "torch.Size([3, 2])"
    assert isinstance(D.Categorical.probs, D.utils.lazy_property)
    m = D.Multinomial(3, torch.ones(2, 4))
    assert repr(m.event_shape) == "torch.Size([4])" and repr(m._extended_shape((5,))) == "torch.Size([5, 2, 4])"
    # _new is Tensor.new of the parameter: sizes give an uninitialised tensor, data a tensor of it.
    c = D.Categorical(torch.tensor([0.2, 0.8], dtype=torch.float64))
    assert c._new(3).shape == (3,) and c._new(2, 3).dtype == torch.float64
    assert c._new(torch.Size([2, 3])).shape == (2, 3)
    assert c._new([1, 2]).tolist() == [1.0, 2.0] and c._new((2, 3)).tolist() == [2.0, 3.0]


def test_gamma_rsample_is_clamped_to_the_smallest_normal():
    """Gamma.rsample is the standard draw divided by the rate, kept at least finfo.tiny (a draw
    divided by a huge rate underflows), the clamp unrecorded."""
    concentration = torch.tensor([2.0, 2.0], requires_grad=True)
    rate = torch.tensor([1e38, 1.0])
    torch.manual_seed(17)
    x = D.Gamma(concentration, rate).rsample((100,))
    assert type(x.grad_fn).__name__ == "DivBackward0"
    torch.manual_seed(17)
    unclamped = (torch._standard_gamma(concentration.detach().expand(100, 2)) / rate).tolist()
    tiny = 2.0**-126
    expected = [[max(v, tiny) for v in row] for row in unclamped]
    assert x.detach().tolist() == expected
    assert sum(v < tiny for row in unclamped for v in row) > 10  # the clamp was exercised


def test_size_slices_and_concatenations_stay_sizes():
    s = torch.Size([2, 3, 4])
    assert repr(s[1:]) == "torch.Size([3, 4])" and s[0] == 2
    assert repr(s + (5,)) == "torch.Size([2, 3, 4, 5])"
    assert repr((1,) + s) == "torch.Size([1, 2, 3, 4])"
    assert repr(s * 2) == "torch.Size([2, 3, 4, 2, 3, 4])" and repr(2 * s[:1]) == "torch.Size([2, 2])"
    with pytest.raises(TypeError, match=r"can only concatenate tuple \(not list\) to torch.Size"):
        s + [5]
    assert repr(torch.zeros(2, 3).shape[:-1]) == "torch.Size([2])"


def test_multivariate_normal_says_what_it_needs():
    """MultivariateNormal needs torch.linalg.cholesky and solve_triangular; until swiftgrad has
    them, what needs them says so, and what does not works."""
    scale_tril = torch.tensor([[1.0, 0.0], [0.5, 2.0]], dtype=torch.float64)
    d = D.MultivariateNormal(torch.tensor([0.0, 1.0], dtype=torch.float64), scale_tril=scale_tril)
    assert d.batch_shape == torch.Size([]) and d.event_shape == torch.Size([2])
    assert d.variance.tolist() == [1.0, 4.25]
    # Entropy: n/2 (1 + log 2 pi) + log det L.
    assert abs(d.entropy().item() - (1 + math.log(2 * math.pi) + math.log(2.0))) < 1e-12
    cov = d.covariance_matrix.tolist()
    assert cov == [[1.0, 0.5], [0.5, 4.25]]
    torch.manual_seed(16)
    x = d.sample((N,))
    _check_moments(x[:, 1], 1.0, 4.25, 3 * 4.25**2, "MultivariateNormal component 1")
    if hasattr(torch.linalg, "solve_triangular"):
        pytest.skip("torch.linalg.solve_triangular exists: the log_prob cases belong in distributions_cases.py")
    with pytest.raises(NotImplementedError, match="torch.linalg.solve_triangular"):
        d.log_prob(torch.zeros(2, dtype=torch.float64))
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix or precision_matrix or scale_tril"):
        D.MultivariateNormal(torch.zeros(2))
    with pytest.raises(ValueError, match="to satisfy the constraint LowerCholesky"):
        D.MultivariateNormal(torch.zeros(2), scale_tril=torch.tensor([[1.0, 1.0], [0.0, 1.0]]))
