"""Coefficients of VectorMath.erf (Sources/SwiftGradVector/VectorMath.swift), the float32 error
function in float32 lanes.

For a = |x| (erf is odd; the kernel puts x's sign back):

    a <  SPLIT:  erf(a) = a + a P(a^2),          P of degree SMALL_DEG in z = a^2
    a >= SPLIT:  erf(a) = 1 - e^(-a^2) R(a),     R of degree LARGE_DEG in w = (a - K) / (a + K)

with a clamped to A_MAX in the second form (erfc(A_MAX) is below 2^-25, so 1 - e^(-a^2) R
rounds to 1 there, as erf(a) does for every float32 a >= 3.92). R(a) = erfc(a) e^(a^2) is
smooth and between 0.14 and 0.5, and smoother still in w (degree 7 in w reaches 4e-10 where
degree 13 in a reached 2e-9); an error of d in its relative value moves erf by at most
erfc(SPLIT) d, which is erf(SPLIT)'s ulp times a fraction, so that form keeps the float32
accuracy without the care erfc would need. Both fits are minimax in relative error (Lawson's
iteration on Chebyshev nodes, fit_normal_cdf.py's), against math.erf and math.erfc (float64,
far more accurate than float32 needs), and the coefficients are rounded to float32.

The script then evaluates the kernel in float32 as the kernel does (Horner; fused multiply-adds
as the AVX2 build, or products and sums rounded apart as the baseline), with e^(-a^2) rounded
from float64 (the kernel's exp adds up to about 1 ulp of e^(-a^2), which moves erf by at most
erfc(SPLIT)/erf(SPLIT) of an ulp, about a quarter), at every float32 in [0, 4] through a stride
of bit patterns, and prints the largest error in ulp of erf against math.erf rounded to
float32. VectorMathTests checks the kernel itself.

    build/venv/bin/python scripts/fit_erf.py      (needs numpy; a few seconds)
"""
import math
import os
import sys

import numpy as np
from numpy.polynomial import chebyshev as cheb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fit_normal_cdf import minimax, monomials  # noqa: E402

SPLIT = 0.921875     # a below: a P(a^2); above: 1 - e^(-a^2) R(a)
A_MAX = 4.0          # the second form's a is clamped here
SMALL_DEG = 6
LARGE_DEG = 7
K = 2.0              # R's variable is w = (a - K) / (a + K)
NODES = 1500

f32 = np.float32
f64 = np.float64


def nodes(lo, hi):
    k = np.arange(NODES)
    u = np.cos(np.pi * (k + 0.5) / NODES)
    return u, (lo + hi) / 2 + (hi - lo) / 2 * u


def fit_small():
    u, z = nodes(0.0, SPLIT * SPLIT * (1 + 1e-6))
    a = np.sqrt(z)
    f = np.array([math.erf(x) / x if x > 0 else 2 / math.sqrt(math.pi) for x in a])
    c, err = minimax(u, f, 1 / f, SMALL_DEG)
    # erf(a) = a + a (erf(a)/a - 1): P(0) = 2/sqrt(pi) - 1 carries the rounding of the leading
    # coefficient at an eighth of its weight (a times 2/sqrt(pi) in float32 was 0.4 ulp off for
    # about half the small floats).
    p = monomials(c, 0.0, SPLIT * SPLIT * (1 + 1e-6))
    p[0] -= 1
    return p.astype(f32), err


def fit_large():
    lo, hi = (SPLIT * (1 - 1e-6) - K) / (SPLIT * (1 - 1e-6) + K), (A_MAX - K) / (A_MAX + K)
    u, w = nodes(lo, hi)
    a = K * (1 + w) / (1 - w)
    f = np.array([math.erfc(x) * math.exp(x * x) for x in a])
    c, err = minimax(u, f, 1 / f, LARGE_DEG)
    return monomials(c, lo, hi).astype(f32), err


def horner32(coefficients, t, fused):
    p = np.full_like(t, coefficients[-1])
    for c in coefficients[-2::-1]:
        if fused:
            p = (p.astype(f64) * t.astype(f64) + f64(c)).astype(f32)
        else:
            p = (p * t).astype(f32) + c
    return p


def kernel(x, small, large, fused):
    """The kernel's erf of float32 x >= 0, in float32 as it computes it."""
    a = x
    z = (a * a).astype(f32)
    p = horner32(small, z, fused)
    y_small = (a.astype(f64) * p + a).astype(f32) if fused else ((a * p).astype(f32) + a).astype(f32)
    b = np.minimum(a, f32(A_MAX))
    w = ((b - f32(K)).astype(f32) / (b + f32(K)).astype(f32)).astype(f32)
    r = horner32(large, w, fused)
    e = np.exp(-(b * b).astype(f32).astype(f64)).astype(f32)
    y_large = (f32(1) - (e * r).astype(f32)).astype(f32)
    return np.where(a < f32(SPLIT), y_small, y_large)


def ulp_error(got, want):
    g = got.view(np.int32).astype(np.int64)
    w = want.view(np.int32).astype(np.int64)
    return np.abs(g - w)


def swift_float(c):
    return np.format_float_scientific(f32(c), unique=True, trim="-").replace("e+", "e")


def main():
    small, small_err = fit_small()
    large, large_err = fit_large()
    print(f"// a + a P(a^2), a < {SPLIT}: P of degree {SMALL_DEG}, minimax relative error {small_err:.2e}")
    for c in small[::-1]:
        print(f"    {swift_float(c)},")
    print(f"// 1 - e^(-a^2) R(a), a in [{SPLIT}, {A_MAX}]: R of degree {LARGE_DEG} in (a - {K}) / (a + {K}),"
          f" minimax relative error {large_err:.2e}")
    for c in large[::-1]:
        print(f"    {swift_float(c)},")
    lo, hi = f32(1e-30).view(np.uint32), f32(A_MAX + 0.5).view(np.uint32)
    xs = np.arange(lo, hi, 97, dtype=np.uint32).view(f32)
    want = np.array([math.erf(float(x)) for x in xs], dtype=f64).astype(f32)
    for fused in (True, False):
        e = ulp_error(kernel(xs, small, large, fused), want)
        worst = int(e.argmax())
        print(f"// {'fused' if fused else 'unfused'}: at most {e.max()} ulp over {len(xs)} floats"
              f" (at {xs[worst]!r}); {np.mean(e > 0):.3f} of them not correctly rounded")


if __name__ == "__main__":
    main()
