"""torch.linalg's Python layer: named-tuple results, string options, LinAlgError, the norm
dispatch, tolerances given as numbers or tensors, int32 pivots and info codes. (Values and gradients are checked against PyTorch by the op_db harness, and by
hand in Tests/C/test_linalg.c and LinalgTests.swift.)"""
import math
import re

import pytest

import swiftgrad as torch


def raises(exception, message):
    return pytest.raises(exception, match="^" + re.escape(message) + "$")


def values(t):
    return [round(v, 5) for v in t.flatten().tolist()]


def test_named_tuples():
    a = torch.tensor([[4.0, 1.0], [2.0, 3.0]])
    s = torch.linalg.slogdet(a)
    assert s.sign.item() == 1 and math.isclose(s.logabsdet.item(), math.log(10), rel_tol=1e-6)
    assert s[1] is s.logabsdet
    q, r = torch.linalg.qr(a)
    assert values(q @ r) == values(a)
    assert torch.linalg.qr(a, mode="r").Q.shape == (0,)
    u, sv, vh = torch.linalg.svd(a, full_matrices=False)
    assert torch.svd(a).V.shape == (2, 2)
    e = torch.linalg.eigh(torch.tensor([[2.0, 1.0], [1.0, 2.0]]), UPLO="U")
    assert values(e.eigenvalues) == [1.0, 3.0]
    assert repr(s).startswith("torch.return_types.linalg_slogdet(")


def test_options_are_checked():
    a = torch.eye(2)
    with raises(RuntimeError, "qr received unrecognized mode 'full' but expected one of 'reduced' (default), 'r', or 'complete'"):
        torch.linalg.qr(a, mode="full")
    with raises(RuntimeError, "Expected UPLO argument to be 'L' or 'U', but got X"):
        torch.linalg.eigh(a, UPLO="X")
    with raises(RuntimeError, "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"):
        torch.linalg.lstsq(a, a, driver="gesv")


def test_linalg_error_is_a_runtime_error_with_torchs_message():
    singular = torch.tensor([[1.0, 2.0], [2.0, 4.0]])
    message = "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular."
    for call in (torch.linalg.inv, torch.inverse, torch.Tensor.inverse):
        with raises(torch.linalg.LinAlgError, message):
            call(singular)
    with raises(RuntimeError, "torch.linalg.solve: The solver failed because the input matrix is singular."):
        torch.linalg.solve(singular, torch.ones(2))
    assert issubclass(torch.linalg.LinAlgError, RuntimeError)
    # A shape error is not a LinAlgError.
    with pytest.raises(RuntimeError) as info:
        torch.linalg.inv(torch.ones(2, 3))
    assert not isinstance(info.value, torch.linalg.LinAlgError)


def test_norm_dispatch():
    m = torch.tensor([[3.0, 0.0], [0.0, -4.0]])
    assert torch.linalg.norm(m).item() == 5.0                 # Frobenius
    assert torch.linalg.norm(m, 2).item() == 4.0              # a matrix 2-norm for a 2-d input
    assert torch.linalg.norm(m, "nuc").item() == 7.0
    assert values(torch.linalg.norm(m, 1, dim=1)) == [3.0, 4.0]  # a vector norm along one dim
    assert torch.linalg.vector_norm(m, float("inf")).item() == 4.0
    assert torch.linalg.matrix_norm(m, -2).item() == 3.0
    assert torch.norm(m, "nuc").item() == 7.0 and m.norm(p="nuc").item() == 7.0
    assert values(torch.norm(m, "fro", dim=(0,))) == [3.0, 4.0]
    assert torch.norm(m).item() == 5.0                        # other p: Tensor.norm as before
    assert torch.linalg.vector_norm(torch.tensor([1, 2]).to(torch.float64), dtype=torch.float32).dtype == torch.float32


def test_tolerances_as_numbers_or_tensors():
    d = torch.tensor([[3.0, 0.0], [0.0, 1e-3]])
    assert torch.linalg.matrix_rank(d).item() == 2
    assert torch.linalg.matrix_rank(d, atol=0.01).item() == 1
    assert torch.linalg.matrix_rank(d, rtol=torch.tensor(0.01)).item() == 1
    assert torch.linalg.matrix_rank(d, hermitian=True, atol=torch.tensor(0.01)).item() == 1
    assert values(torch.linalg.pinv(d, atol=0.01)) == [round(1 / 3, 5), 0.0, 0.0, 0.0]
    assert torch.pinverse(d).shape == (2, 2)


def test_pivots_and_info_are_int32():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    lu, pivots = torch.linalg.lu_factor(a)
    assert pivots.dtype == torch.int32 and pivots.tolist() == [2, 2]
    assert torch.linalg.inv_ex(a).info.dtype == torch.int32
    assert torch.linalg.cholesky_ex(torch.eye(2)).info.dtype == torch.int32
    assert torch.linalg.ldl_factor(torch.eye(2)).pivots.dtype == torch.int32
    x = torch.linalg.lu_solve(lu, pivots, torch.tensor([[5.0], [11.0]]))
    assert values(x) == [1.0, 2.0]
    x = torch.linalg.lu_solve(lu, pivots.to(torch.int64), torch.tensor([[5.0], [11.0]]))  # int64 pivots too
    assert values(x) == [1.0, 2.0]
    p, l, u = torch.lu_unpack(lu, pivots)
    assert values(p @ l @ u) == values(a)
