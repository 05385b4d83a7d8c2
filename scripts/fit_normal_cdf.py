"""Coefficients of VectorMath.normalCDF (Sources/SwiftGradVector/VectorMath.swift), which
evaluates the standard normal distribution function Phi in float64 lanes for the float32 gelu.

For a = |x| >= 0, Phi(-a) = e^(-a^2/2) Q(a) with Q(a) = erfc(a / sqrt 2) / 2 * e^(a^2/2) (a
scaled Mills ratio: smooth, positive, from 1/2 at 0 down to about 1/(a sqrt(2 pi))). The kernel
computes

    w = (C1 a - C0) / (a + K),        (w = (a - K)/(a + K) - M, with M the middle of its range)
    Q(a) ~ q[0] + q[1] w + ... + q[DEG] w^DEG   (Horner, from q[DEG] down)

for a in [0, A_MAX], one polynomial over the whole range: the substitution maps [0, A_MAX]
onto an interval of w on which Q is very smooth (degree 16 reaches 3e-14, where pieces in a and
1/a needed three polynomials of degree 12 or 13 for 1e-12). Beyond A_MAX the kernel returns
Phi(-a) = 0 and e^(-a^2/2) = 0: there |g Phi(-a)| and |g a phi(a)| are below
3.4e38 * 20 phi(20) = 4e-49, far below the least float32 subnormal, so zero gives the correctly
rounded float32 gelu and gradient for every finite gradient g.

The polynomial's value at a = 0 is pinned to Q0, just below Q(0) = 1/2 (the script checks that
the kernel's Horner, fused or not, stays below 1/2 - 2^-53 there): Phi(-a) is below 1/2 for
small a > 0, and so then is the kernel's, which decides the rounding of x Phi(x) = x/2 + ... for
|x| below 2^-125, where x/2 can be exactly between two floats.

It also fits e^r on |r| <= ln2/2 (plus a margin for the rounding of n = round(t / ln2)) as
1 + r + r^2 (e[0] + e[1] r + ... ), for the kernel's float64 exp.

Both fits are minimax in relative error (Lawson's iteratively reweighted least squares on
Chebyshev nodes, in a Chebyshev basis, converted to monomials at the end). The reference is
exact to far more than float64: Q from Kummer's series erf(z) e^(z^2) = 2z/sqrt(pi)
sum (2z^2)^n / (2n+1)!! in 130-digit decimal arithmetic (cross-checked against math.erfc), e^r
from decimal's exp. The script prints the coefficients, highest degree first as the kernel
uses them, as Swift literals, with the maximum relative error of the float64 Horner evaluation
of the rounded coefficients at float32 values of a through [0, A_MAX] (what the kernel
computes, apart from the rounding of w itself).

    build/venv/bin/python scripts/fit_normal_cdf.py      (needs numpy; a few seconds)
"""
import math
from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
from numpy.polynomial import chebyshev as cheb

K = 5.0          # w's pole: a = -K
A_MAX = 20.0     # Q is fitted on [0, A_MAX]
DEG = 16         # degree of Q's polynomial in w
EXP_DEG = 10     # degree of e^r's polynomial (1 + r + r^2 * degree EXP_DEG - 2)
NODES = 1500     # Chebyshev nodes of each fit
Q0 = 0.5 - 2.0 ** -49   # the polynomial's value at a = 0 (Q(0) = 1/2), just below 1/2: see fit_q

getcontext().prec = 130


def _pi():
    """pi to the context's precision (Machin's formula)."""
    getcontext().prec += 10

    def arctan_inverse(n):
        x, total, sign, k = Decimal(1) / n, Decimal(0), 1, 1
        n2, eps = Decimal(n) * n, Decimal(10) ** -(getcontext().prec + 2)
        while x / k > eps:
            total += sign * x / k
            x, sign, k = x / n2, -sign, k + 2
        return total

    p = 16 * arctan_inverse(5) - 4 * arctan_inverse(239)
    getcontext().prec -= 10
    return +p


SQRT_PI = _pi().sqrt()


def q_exact(a):
    """Q(a) = erfc(a/sqrt2)/2 e^(a^2/2) for a float a >= 0, as a float (correctly rounded in
    practice): e^(z^2) erfc(z) = e^(z^2) - 2z/sqrt(pi) sum_n (2z^2)^n / (2n+1)!!, z = a/sqrt2,
    at 130 digits (the two terms cancel to about z^2 / ln 10 digits: 87 at a = 20)."""
    a = Decimal(a)
    z2 = a * a / 2
    total, term, n, eps = Decimal(0), Decimal(1), 0, Decimal(10) ** -125
    while True:
        total += term
        n += 1
        term = term * 2 * z2 / (2 * n + 1)
        if n > z2 and term < eps * total:
            break
    return float((z2.exp() - 2 * z2.sqrt() / SQRT_PI * total) / 2)


def exp_exact(r):
    return float(Decimal(r).exp())


def minimax(u, f, scale, deg, pin=None, iterations=300):
    """Chebyshev coefficients c of degree deg minimising max |scale (T(u) c - f)| over the
    points u in [-1, 1] (Lawson's iteration), with the value at u = -1 fixed to `pin` if given;
    returns c and that maximum."""
    v = cheb.chebvander(u, deg)
    b = f
    if pin is not None:
        # T(u) c = pin + sum_k c_k (T_k(u) - T_k(-1)), k >= 1.
        v = v[:, 1:] - (-1.0) ** np.arange(1, deg + 1)
        b = f - pin
    v, b = v * scale[:, None], b * scale
    weights = np.full(len(u), 1.0 / len(u))
    best = (np.inf, None)
    for _ in range(iterations):
        sw = np.sqrt(weights)
        c, *_ = np.linalg.lstsq(v * sw[:, None], b * sw, rcond=None)
        err = np.abs(v @ c - b)
        if err.max() < best[0]:
            best = (err.max(), c)
        weights = weights * err
        weights /= weights.sum()
    c = best[1]
    if pin is not None:
        c = np.concatenate([[pin - c @ (-1.0) ** np.arange(1, deg + 1)], c])
    return c, best[0]


def swift_literal(x):
    """x as a Swift float64 literal with its digits grouped by three (round-trips exactly)."""
    text = repr(float(x))
    mantissa, _, exponent = text.partition("e")
    sign = "-" if mantissa.startswith("-") else ""
    whole, _, fraction = mantissa.lstrip("-").partition(".")
    fraction = "_".join(fraction[i:i + 3] for i in range(0, len(fraction), 3)) if fraction else "0"
    out = f"{sign}{whole}.{fraction}"
    if exponent:
        out += f"e{int(exponent)}"
    assert float(out.replace("_", "")) == float(x), (out, x)
    return out


def monomials(c, lo, hi):
    """The coefficients, lowest first, in t of the Chebyshev series c in (2t - lo - hi)/(hi - lo)."""
    return np.polynomial.Polynomial(cheb.cheb2poly(c), domain=[lo, hi]).convert().coef


def horner_exact(coefficients, t, fused):
    """Horner at one float64 t as the kernel computes it: each step rounded once (fused
    multiply-add) or twice (product and sum), from exact rational arithmetic."""
    p = float(coefficients[-1])
    for c in coefficients[-2::-1]:
        if fused:
            p = float(Fraction(p) * Fraction(t) + Fraction(float(c)))
        else:
            p = float(Fraction(float(p * t)) + Fraction(float(c)))
    return p


def horner(coefficients, t):
    p = np.full_like(t, coefficients[-1])
    for c in coefficients[-2::-1]:
        p = p * t + c
    return p


def fit_q():
    y_lo, y_hi = -1.0, (A_MAX - K) / (A_MAX + K)
    m = (y_lo + y_hi) / 2
    c1, c0 = 1 - m, (1 + m) * K          # w = (c1 a - c0) / (a + K), in float64 as the kernel
    w_lo, w_hi = -c0 / K, (c1 * A_MAX - c0) / (A_MAX + K)
    mid, half = (w_lo + w_hi) / 2, (w_hi - w_lo) / 2
    k = np.arange(NODES)
    u = np.cos(np.pi * (k + 0.5) / NODES)
    w = mid + half * u
    a = (c0 + K * w) / (c1 - w)
    f = np.array([q_exact(float(x)) for x in a])
    c, fit_error = minimax(u, f, 1 / f, DEG, pin=Q0)
    q = monomials(c, w_lo, w_hi)
    # At a = 0 (w = w_lo exactly, and for every a below about 1e-16 too, where e^(-a^2/2) is 1)
    # Horner, fused or not, gives at most 1/2 - 2^-53: then Phi(x) = 1 - Q is above 1/2 for
    # x > 0 and Q below it for x < 0, as the exact values are, and x Phi(x) for x below 2^-125
    # with an odd last bit (x/2 exactly between two floats) rounds the way the exact value does.
    for fused in (False, True):
        value = horner_exact(q, w_lo, fused)
        assert value <= 0.5 - 2.0 ** -53, (fused, value.hex())
    # Check: every float32 a at a stride through [0, A_MAX], w and the polynomial in float64.
    lo, hi = np.float32(0).view(np.uint32), np.float32(A_MAX).view(np.uint32)
    check = np.arange(lo, hi + 1, 12_011, dtype=np.uint32).view(np.float32).astype(np.float64)
    check = np.concatenate([check, np.linspace(0, A_MAX, 4001)])
    ref = np.array([q_exact(float(x)) for x in check])
    got = horner(q, (c1 * check - c0) / (check + K))
    return (c1, c0), q, fit_error, np.abs(got / ref - 1).max(), len(check)


def fit_exp():
    bound = math.log(2) / 2 * (1 + 1e-6)
    k = np.arange(NODES)
    u = np.cos(np.pi * (k + 0.5) / NODES)
    r = bound * u
    f = np.array([exp_exact(float(x)) for x in r])
    # e^r = 1 + r + r^2 P(r): P approximates g = (e^r - 1 - r) / r^2, an error in P costing
    # r^2 / e^r of it in e^r's relative error.
    g = (f - 1 - r) / (r * r)
    c, fit_error = minimax(u, g, r * r / f, EXP_DEG - 2)
    p = monomials(c, -bound, bound)
    check = np.linspace(-bound, bound, 20001)
    ref = np.array([exp_exact(float(x)) for x in check])
    got = horner(p, check) * check * check + check + 1
    return p, np.abs(got / ref - 1).max()


def main():
    probe = [0.0, 0.3, 1.0, 2.5, 5.0, 8.0, 12.0]
    cross = max(abs(q_exact(x) / (0.5 * math.erfc(x / math.sqrt(2)) * math.exp(x * x / 2)) - 1) for x in probe)
    print(f"// Q against math.erfc and math.exp at {probe}: at most {cross:.1e} apart (their own errors)")
    (c1, c0), q, fit_error, check_error, n = fit_q()
    print(f"// Q: degree {DEG} in w = ({c1!r} a - {c0!r}) / (a + {K!r}) on a in [0, {A_MAX}]:")
    print(f"//   minimax relative error {fit_error:.2e}; float64 Horner of the rounded coefficients"
          f" at {n} points: {check_error:.2e}")
    for c in q[::-1]:
        print(f"    {swift_literal(c)},")
    p, exp_error = fit_exp()
    print(f"// e^r = 1 + r + r^2 P(r), P of degree {EXP_DEG - 2}, |r| <= ln2/2: relative error {exp_error:.2e}")
    for c in p[::-1]:
        print(f"    {swift_literal(c)},")


if __name__ == "__main__":
    main()
