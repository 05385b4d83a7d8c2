"""torch.special and torch.signal.windows through the binding: the signatures the op table cannot
express (polygamma's order first, a Python number on either side of xlog1py, zeta and the
polynomials), torch.special's other names, the windows' keyword arguments and PyTorch's
errors. Values are closed forms; the op_db harness compares the rest with PyTorch."""
import math

import pytest

import swiftgrad as torch

S = torch.special
W = torch.signal.windows


def values(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def close(got, want, tol=1e-6):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert (math.isnan(g) and math.isnan(w)) or abs(g - w) <= tol * max(1.0, abs(w)), (got, want)


def test_polygamma_takes_the_order_first():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    close(values(torch.polygamma(1, x)), [math.pi ** 2 / 6, math.pi ** 2 / 6 - 1], 1e-9)
    assert torch.polygamma(2, x).grad_fn.name() == "PolygammaBackward0"
    close(values(S.polygamma(0, input=x)), values(torch.digamma(x)), 0)
    close(values(x.polygamma(1)), values(torch.polygamma(1, x)), 0)
    close(values(torch.polygamma(torch.tensor(1), x)), values(torch.polygamma(1, x)), 0)
    with pytest.raises(TypeError, match="argument 'n' \\(position 1\\) must be int, not float"):
        torch.polygamma(1.5, x)
    with pytest.raises(RuntimeError, match="does not support negative n"):
        torch.polygamma(-1, x)


def test_numbers_on_either_side():
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    y = S.xlog1py(2.0, x)
    close(values(y), [2 * math.log1p(0.5), 2 * math.log1p(1.5)])
    assert y.grad_fn.name() == "SpecialXlog1PyBackward1"
    assert S.xlog1py(x, 2).grad_fn.name() == "SpecialXlog1PyBackward2"
    assert S.xlog1py(input=x, other=x).grad_fn.name() == "SpecialXlog1PyBackward0"
    close(values(S.zeta(2, torch.tensor([1.0]))), [math.pi ** 2 / 6])
    assert S.zeta(2.0, x).grad_fn.name() == "SpecialZetaBackward1"
    close(values(S.chebyshev_polynomial_t(x, 3)), [4 * v ** 3 - 3 * v for v in (0.5, 1.5)])
    close(values(S.legendre_polynomial_p(0.5, torch.tensor([2, 3]))), [-0.125, -0.4375])
    close(values(S.hermite_polynomial_he(x=x, n=2)), [v * v - 1 for v in (0.5, 1.5)])
    assert S.chebyshev_polynomial_t(x, 3).grad_fn is None
    assert S.zeta(torch.tensor([2]), 1).dtype == torch.float32
    with pytest.raises(TypeError, match="invalid combination of arguments"):
        S.xlog1py(2.0, 3.0)
    with pytest.raises(TypeError, match="invalid combination of arguments"):
        S.zeta("a", x)
    with pytest.raises(TypeError, match="invalid combination of arguments"):
        S.chebyshev_polynomial_t(input=x, n=2)


def test_torch_special_names_of_torch_functions():
    x = torch.tensor([0.25, 1.5])
    for alias, function in (("expit", torch.sigmoid), ("psi", torch.digamma), ("digamma", torch.digamma),
                            ("gammaln", torch.lgamma), ("i0", torch.i0), ("erf", torch.erf), ("erfc", torch.erfc),
                            ("exp2", torch.exp2), ("expm1", torch.expm1), ("log1p", torch.log1p), ("round", torch.round),
                            ("sinc", torch.sinc), ("logit", torch.logit), ("erfinv", torch.erfinv)):
        close(values(getattr(S, alias)(x * 0.5)), values(function(x * 0.5)), 0)
    close(values(S.xlogy(x, 2.0)), values(torch.xlogy(x, 2.0)), 0)
    # torch.special.round is always round's decimals form.
    y = torch.tensor([0.25, 1.55], requires_grad=True)
    assert S.round(y).grad_fn.name() == "RoundBackward1"
    close(values(S.round(y, decimals=1)), [0.2, 1.6])
    close(values(S.multigammaln(x + 2, 2)), values(torch.mvlgamma(x + 2, 2)), 0)
    close(values(S.gammainc(x, x)), values(torch.igamma(x, x)), 0)
    close(values(S.gammaincc(x, x)), values(x.igammac(x)), 0)
    close(values(S.softmax(x, 0)), values(torch.softmax(x, 0)), 0)
    close(values(S.log_softmax(x, dim=0)), values(torch.log_softmax(x, 0)), 0)
    close(values(S.logsumexp(x, 0)), [math.log(math.exp(0.25) + math.exp(1.5))])
    # P(1, x) = 1 - e^-x.
    close(values(torch.igamma(torch.tensor([1.0]), torch.tensor([2.0]))), [1 - math.exp(-2)])


def test_derivatives_pytorch_does_not_define():
    a = torch.tensor([2.5], requires_grad=True)
    x = torch.tensor([1.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="the derivative for 'igamma: input' is not implemented."):
        torch.igamma(a, x).backward()
    (g,) = torch.autograd.grad(torch.igammac(a.detach(), x), [x])
    close(values(g), [-math.exp(1.5 * math.log(1.5) - 1.5 - math.lgamma(2.5))])
    with pytest.raises(RuntimeError, match="the derivative for 'zeta' is not implemented."):
        S.zeta(a, x).backward()
    with pytest.raises(RuntimeError, match="igamma_cpu\" not implemented for 'Long'"):
        torch.igamma(torch.tensor([1, 2]), torch.tensor([1, 2]))
    assert S.airy_ai(x).requires_grad is False


def test_windows():
    close(values(W.hann(5)), [0, 0.5, 1, 0.5, 0])
    close(values(W.hann(4, sym=False)), [0, 0.5, 1, 0.5])
    close(values(W.gaussian(3, std=1.0, dtype=torch.float64)), [math.exp(-0.5), 1, math.exp(-0.5)], 1e-15)
    close(values(W.exponential(3, center=0.0, sym=False)), [1, math.exp(-1), math.exp(-2)])
    close(values(W.general_cosine(3, a=(0.5, 0.5))), [0, 1, 0])
    close(values(W.general_hamming(3, alpha=0.5)), [0, 1, 0])
    close(values(W.kaiser(3, beta=0.0)), [1, 1, 1])
    assert W.hann(3).dtype == torch.float32
    assert W.blackman(3, dtype=torch.float64).dtype == torch.float64
    assert W.cosine(4, device="cpu", requires_grad=True).requires_grad
    assert values(W.bartlett(0)) == [] and values(W.nuttall(1)) == [1.0]
    assert values(W.general_cosine(1, a=[])) == [1.0]  # PyTorch returns before looking at a


@pytest.mark.parametrize("call, error, message", [
    (lambda: W.hann(-1), ValueError, "general_cosine requires non-negative window length, got M=-1"),
    (lambda: W.bartlett(-3), ValueError, "bartlett requires non-negative window length, got M=-3"),
    (lambda: W.kaiser(3, dtype=torch.int64), ValueError, "kaiser expects float32 or float64 dtypes, got: torch.int64"),
    (lambda: W.exponential(3, tau=0), ValueError, "Tau must be positive, got: 0 instead."),
    (lambda: W.exponential(3, center=1.0), ValueError, "Center must be None for symmetric windows"),
    (lambda: W.gaussian(3, std=-1.0), ValueError, "Standard deviation must be positive, got: -1.0 instead."),
    (lambda: W.kaiser(3, beta=-1.0), ValueError, "beta must be non-negative, got: -1.0 instead."),
    (lambda: W.general_cosine(3, a=[]), ValueError, "Coefficients cannot be empty"),
    (lambda: W.general_cosine(3, a=2.0), TypeError, "Coefficients must be a list/tuple"),
    (lambda: W.hamming(2.5), TypeError, "argument 'M' must be int"),
    (lambda: W.hann(3, device="cuda"), AssertionError, "Torch not compiled with CUDA enabled"),
    (lambda: W.hann(3, layout="sparse"), ValueError, "general_cosine is implemented for strided tensors only, got: sparse"),
])
def test_window_errors(call, error, message):
    with pytest.raises(error, match=message.replace("(", "\\(").replace(")", "\\)").replace(".", "\\.")):
        call()
