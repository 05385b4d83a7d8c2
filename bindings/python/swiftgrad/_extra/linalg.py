"""torch.linalg (and torch's older linear-algebra functions) where the op table cannot say the
Python signature: named-tuple results, string options (passed to C as small codes), norms
whose ord decides the C function, int or tensor tolerances. Every function checks its
arguments and calls one C function (or a few, for the compositions torch itself writes in
Python: svd_lowrank, pca_lowrank)."""
import builtins
import numbers

from .. import _dtype
from .. import _lib as L
from .._creation import tensor, zeros
from .._random import randn
from .._tensor import Tensor, _byref, _c_double, _full_reduction, _make, _require_tensor, _shape_array, _sg_norm_r, _tensor_list
from .._types import return_type
from ._registry import export, method

def _indices(tensors, op):
    """Pivots and info codes, int32 as PyTorch's (the C library returns them so; this only
    checks)."""
    for t in tensors:
        if t.dtype != _dtype.int32:
            raise RuntimeError(f"{op}: expected int32 pivots / info codes from the library, got {t.dtype}")
    return tuple(tensors)


def _tolerance(value):
    """atol / rtol: None, a number or a tensor, as an optional tensor (keep it alive for the call)."""
    if value is None or isinstance(value, Tensor):
        return value
    return tensor(builtins.float(value), dtype=_dtype.float64)


def _handle(value):
    return None if value is None else value._handle


def _optional_double(value, name):
    """A tolerance: None, a number, or a one-element tensor, as a `const double *`."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise NotImplementedError(f"{name} as a tensor of {value.numel()} elements is not supported by swiftgrad (a number or a one-element tensor is)")
        value = value.item()
    return _byref(_c_double(builtins.float(value)))


def _ord(value):
    """A numeric order as a float (inf and -inf included)."""
    if isinstance(value, builtins.bool) or not isinstance(value, (numbers.Real, Tensor)):
        raise TypeError(f"linalg: order must be a number, got {type(value).__name__}")
    return builtins.float(value)


def _cast(x, dtype):
    return x if dtype is None else x.to(dtype)


# ---- determinants, inverses, solvers --------------------------------------------------------

@export("slogdet", namespace="linalg")
def linalg_slogdet(A):
    """torch.linalg.slogdet(A): (sign, logabsdet)."""
    _require_tensor("linalg_slogdet", "A", 1, A)
    return return_type("linalg_slogdet", ("sign", "logabsdet"))(*_tensor_list(L.sg_linalg_slogdet, A._handle))


@export("slogdet")
@method("slogdet")
def slogdet(input):  # noqa: A002
    """torch.slogdet(input): (sign, logabsdet)."""
    _require_tensor("slogdet", "input", 1, input)
    return return_type("slogdet", ("sign", "logabsdet"))(*_tensor_list(L.sg_linalg_slogdet, input._handle))


@export("inv_ex", namespace="linalg")
def inv_ex(A, *, check_errors=False):
    """torch.linalg.inv_ex(A): (inverse, info)."""
    _require_tensor("linalg_inv_ex", "A", 1, A)
    inverse, info = _tensor_list(L.sg_linalg_inv_ex, A._handle, builtins.bool(check_errors))
    return return_type("linalg_inv_ex", ("inverse", "info"))(inverse, *_indices([info], "linalg.inv_ex"))


@export("solve_ex", namespace="linalg")
def solve_ex(A, B, *, left=True, check_errors=False):
    """torch.linalg.solve_ex(A, B): (result, info)."""
    _require_tensor("linalg_solve_ex", "A", 1, A)
    _require_tensor("linalg_solve_ex", "B", 2, B)
    result, info = _tensor_list(L.sg_linalg_solve_ex, A._handle, B._handle, builtins.bool(left), builtins.bool(check_errors))
    return return_type("linalg_solve_ex", ("result", "info"))(result, *_indices([info], "linalg.solve_ex"))


@export("solve_triangular", namespace="linalg")
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """torch.linalg.solve_triangular(A, B, *, upper, left=True, unitriangular=False)."""
    _require_tensor("linalg_solve_triangular", "A", 1, A)
    _require_tensor("linalg_solve_triangular", "B", 2, B)
    return _make(L.sg_linalg_solve_triangular, A._handle, B._handle, builtins.bool(upper), builtins.bool(left),
                 builtins.bool(unitriangular))


@export("triangular_solve")
@method("triangular_solve")
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):  # noqa: A002
    """torch.triangular_solve(b, A, upper=True, transpose=False, unitriangular=False)."""
    _require_tensor("triangular_solve", "input", 1, input)
    _require_tensor("triangular_solve", "A", 2, A)
    parts = _tensor_list(L.sg_triangular_solve, input._handle, A._handle, builtins.bool(upper),
                         builtins.bool(transpose), builtins.bool(unitriangular))
    return return_type("triangular_solve", ("solution", "cloned_coefficient"))(*parts)


@export("cholesky_ex", namespace="linalg")
def cholesky_ex(A, *, upper=False, check_errors=False):
    """torch.linalg.cholesky_ex(A): (L, info)."""
    _require_tensor("linalg_cholesky_ex", "A", 1, A)
    l, info = _tensor_list(L.sg_linalg_cholesky_ex, A._handle, builtins.bool(upper), builtins.bool(check_errors))
    return return_type("linalg_cholesky_ex", ("L", "info"))(l, *_indices([info], "linalg.cholesky_ex"))


# ---- decompositions -------------------------------------------------------------------------

_QR_MODES = {"reduced": 0, "complete": 1, "r": 2}


@export("qr", namespace="linalg")
def linalg_qr(A, mode="reduced"):
    """torch.linalg.qr(A, mode='reduced'): (Q, R)."""
    _require_tensor("linalg_qr", "A", 1, A)
    if mode not in _QR_MODES:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'")
    return return_type("linalg_qr", ("Q", "R"))(*_tensor_list(L.sg_linalg_qr, A._handle, _QR_MODES[mode]))


@export("qr")
@method("qr")
def qr(input, some=True):  # noqa: A002
    """torch.qr(input, some=True): (Q, R), reduced unless some is False."""
    _require_tensor("qr", "input", 1, input)
    return return_type("qr", ("Q", "R"))(*_tensor_list(L.sg_linalg_qr, input._handle, 0 if some else 1))


@export("svd", namespace="linalg")
def linalg_svd(A, full_matrices=True, *, driver=None):
    """torch.linalg.svd(A, full_matrices=True): (U, S, Vh)."""
    _require_tensor("linalg_svd", "A", 1, A)
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with cuSOLVER backend.")
    return return_type("linalg_svd", ("U", "S", "Vh"))(*_tensor_list(L.sg_linalg_svd, A._handle, builtins.bool(full_matrices)))


@export("svd")
@method("svd")
def svd(input, some=True, compute_uv=True):  # noqa: A002
    """torch.svd(input, some=True, compute_uv=True): (U, S, V), V not transposed."""
    _require_tensor("svd", "input", 1, input)
    u, s, vh = _tensor_list(L.sg_linalg_svd, input._handle, builtins.bool(not some))
    v = vh.mT
    if not compute_uv:
        m, n = input.shape[-2], input.shape[-1]
        u = zeros(*input.shape[:-2], m, m, dtype=input.dtype)
        v = zeros(*input.shape[:-2], n, n, dtype=input.dtype)
        s = s.detach()
    return return_type("svd", ("U", "S", "V"))(u, s, v)


def _uplo(UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO in ("U", "u")


@export("eigh", namespace="linalg")
def eigh(A, UPLO="L"):  # noqa: N803 - PyTorch's name
    """torch.linalg.eigh(A, UPLO='L'): (eigenvalues, eigenvectors)."""
    _require_tensor("linalg_eigh", "A", 1, A)
    return return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))(*_tensor_list(L.sg_linalg_eigh, A._handle, _uplo(UPLO)))


@export("eigvalsh", namespace="linalg")
def eigvalsh(A, UPLO="L"):  # noqa: N803
    """torch.linalg.eigvalsh(A, UPLO='L')."""
    _require_tensor("linalg_eigvalsh", "A", 1, A)
    return _make(L.sg_linalg_eigvalsh, A._handle, _uplo(UPLO))


@export("lu_factor_ex", namespace="linalg")
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """torch.linalg.lu_factor_ex(A): (LU, pivots, info), pivots and info int32."""
    _require_tensor("linalg_lu_factor_ex", "A", 1, A)
    lu, pivots, info = _tensor_list(L.sg_linalg_lu_factor_ex, A._handle, builtins.bool(pivot), builtins.bool(check_errors))
    return return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))(lu, *_indices([pivots, info], "linalg.lu_factor_ex"))


@export("lu_factor", namespace="linalg")
def lu_factor(A, *, pivot=True):
    """torch.linalg.lu_factor(A): (LU, pivots)."""
    _require_tensor("linalg_lu_factor", "A", 1, A)
    lu, pivots, _ = _tensor_list(L.sg_linalg_lu_factor_ex, A._handle, builtins.bool(pivot), True)
    return return_type("linalg_lu_factor", ("LU", "pivots"))(lu, *_indices([pivots], "linalg.lu_factor"))


@export("lu")
@method("lu")
def lu(A, pivot=True, get_infos=False):
    """torch.lu(A, pivot=True, get_infos=False): (LU, pivots[, infos])."""
    _require_tensor("lu", "A", 1, A)
    lu_, pivots, info = _tensor_list(L.sg_linalg_lu_factor_ex, A._handle, builtins.bool(pivot), False)
    if get_infos:
        return (lu_, *_indices([pivots, info], "torch.lu"))
    return (lu_, *_indices([pivots], "torch.lu"))


@export("lu", namespace="linalg")
def linalg_lu(A, *, pivot=True):
    """torch.linalg.lu(A): (P, L, U)."""
    _require_tensor("linalg_lu", "A", 1, A)
    return return_type("linalg_lu", ("P", "L", "U"))(*_tensor_list(L.sg_linalg_lu, A._handle, builtins.bool(pivot)))


def _pivots(pivots):
    """Pivots as the C library reads them (int32 as PyTorch's, or int64)."""
    return pivots


@export("lu_unpack")
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):  # noqa: N803
    """torch.lu_unpack(LU_data, LU_pivots): (P, L, U)."""
    _require_tensor("lu_unpack", "LU_data", 1, LU_data)
    _require_tensor("lu_unpack", "LU_pivots", 2, LU_pivots)
    parts = _tensor_list(L.sg_lu_unpack, LU_data._handle, _pivots(LU_pivots)._handle, builtins.bool(unpack_data),
                         builtins.bool(unpack_pivots))
    return return_type("lu_unpack", ("P", "L", "U"))(*parts)


@export("lu_solve", namespace="linalg")
def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False):  # noqa: N803
    """torch.linalg.lu_solve(LU, pivots, B, *, left=True, adjoint=False)."""
    _require_tensor("linalg_lu_solve", "LU", 1, LU)
    _require_tensor("linalg_lu_solve", "pivots", 2, pivots)
    _require_tensor("linalg_lu_solve", "B", 3, B)
    return _make(L.sg_linalg_lu_solve, LU._handle, _pivots(pivots)._handle, B._handle, builtins.bool(left), builtins.bool(adjoint))


@export("lu_solve")
@method("lu_solve")
def lu_solve(b, LU_data, LU_pivots):  # noqa: N803
    """torch.lu_solve(b, LU_data, LU_pivots)."""
    return linalg_lu_solve(LU_data, LU_pivots, b)


@export("geqrf")
@method("geqrf")
def geqrf(input):  # noqa: A002
    """torch.geqrf(input): (a, tau)."""
    _require_tensor("geqrf", "input", 1, input)
    return return_type("geqrf", ("a", "tau"))(*_tensor_list(L.sg_geqrf, input._handle))


# ---- norms ----------------------------------------------------------------------------------

def _dim_list(dim):
    if dim is None:
        return ()
    if isinstance(dim, numbers.Integral):
        return (int(dim),)
    return tuple(int(d) for d in dim)


@export("vector_norm", namespace="linalg")
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None)."""
    _require_tensor("linalg_vector_norm", "x", 1, x)
    x = _cast(x, dtype)
    array, n = _shape_array(_dim_list(dim))
    return _make(L.sg_linalg_vector_norm, x._handle, _ord(ord), array, n, builtins.bool(keepdim))


_MATRIX_ORDS = {"fro": 0, "nuc": 1}


@export("matrix_norm", namespace="linalg")
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: A002
    """torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False, *, dtype=None)."""
    _require_tensor("linalg_matrix_norm", "A", 1, A)
    A = _cast(A, dtype)
    array, n = _shape_array(_dim_list(dim))
    if isinstance(ord, str):
        if ord not in _MATRIX_ORDS:
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
        return _make(L.sg_linalg_matrix_norm_str, A._handle, _MATRIX_ORDS[ord], array, n, builtins.bool(keepdim))
    return _make(L.sg_linalg_matrix_norm, A._handle, _ord(ord), array, n, builtins.bool(keepdim))


@export("norm", namespace="linalg")
def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """torch.linalg.norm: a matrix norm when ord is a string, dim has two entries, or (dim None)
    ord is given for a 2-d input; otherwise a vector norm (of the flattened input when both
    are None)."""
    _require_tensor("linalg_norm", "A", 1, A)
    if dim is not None and not isinstance(dim, numbers.Integral):
        dim = tuple(int(d) for d in dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    elif isinstance(dim, numbers.Integral):
        dim = (int(dim),)
    if ord is not None:
        if dim is None and A.dim() not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.dim()}D.")
        is_matrix = isinstance(ord, str) or (dim is not None and len(dim) == 2) or (dim is None and A.dim() == 2)
        if is_matrix:
            return matrix_norm(A, ord, dim if dim is not None else (-2, -1), keepdim, dtype=dtype)
        return vector_norm(A, ord, dim, keepdim, dtype=dtype)
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, "fro", dim, keepdim, dtype=dtype)
    return vector_norm(A, 2, dim, keepdim, dtype=dtype)


_TENSOR_NORM = Tensor.norm


@export("norm")
@method("norm")
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):  # noqa: A002
    """torch.norm / Tensor.norm: 'nuc' (the nuclear norm over two dims) and 'fro' over given dims
    here; every other p as Tensor.norm already does."""
    if p == "fro" and dim is None and type(input) is Tensor and not keepdim and out is None and dtype is None:
        return _full_reduction(input, _sg_norm_r)  # the common case (W1's loop), as Tensor.norm's first line
    if out is not None:
        raise NotImplementedError("torch.norm: out= is not supported by swiftgrad")
    if p == "nuc":
        _require_tensor("norm", "input", 1, input)
        return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if p == "fro" and dim is not None:
        _require_tensor("norm", "input", 1, input)
        dims = _dim_list(dim)
        if len(dims) > 2:
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dims)}")
        return vector_norm(input, 2, dims, keepdim, dtype=dtype)
    if dtype is not None:
        input = input.to(dtype)
    return _TENSOR_NORM(input, p, dim, keepdim)


@export("cond", namespace="linalg")
def cond(A, p=None):
    """torch.linalg.cond(A, p=None)."""
    _require_tensor("linalg_cond", "A", 1, A)
    if isinstance(p, str):
        if p not in _MATRIX_ORDS:
            raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
        return _make(L.sg_linalg_cond_str, A._handle, _MATRIX_ORDS[p])
    return _make(L.sg_linalg_cond, A._handle, None if p is None else _byref(_c_double(_ord(p))))


# ---- pseudo-inverse, rank, least squares ----------------------------------------------------

@export("pinv", namespace="linalg")
def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None):
    """torch.linalg.pinv(A, *, atol=None, rtol=None, hermitian=False) (and the older rcond=)."""
    _require_tensor("linalg_pinv", "A", 1, A)
    if rcond is not None:
        if rtol is not None:
            raise RuntimeError("linalg.pinv: rcond and rtol cannot both be given")
        rtol = rcond
    atol, rtol = _tolerance(atol), _tolerance(rtol)
    return _make(L.sg_linalg_pinv, A._handle, _handle(atol), _handle(rtol), builtins.bool(hermitian))


@export("pinverse")
@method("pinverse")
def pinverse(input, rcond=1e-15):  # noqa: A002
    """torch.pinverse(input, rcond=1e-15)."""
    _require_tensor("pinverse", "input", 1, input)
    rcond = _tolerance(rcond)
    return _make(L.sg_linalg_pinv, input._handle, None, _handle(rcond), False)


@export("matrix_rank", namespace="linalg")
def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None):
    """torch.linalg.matrix_rank(A, *, atol=None, rtol=None, hermitian=False) (and the older tol=)."""
    _require_tensor("linalg_matrix_rank", "A", 1, A)
    if tol is not None:
        atol, rtol = tol, 0.0
    atol, rtol = _tolerance(atol), _tolerance(rtol)
    return _make(L.sg_linalg_matrix_rank, A._handle, _handle(atol), _handle(rtol), builtins.bool(hermitian))


_DRIVERS = {None: 0, "gelsy": 0, "gels": 1, "gelsd": 2, "gelss": 3}


@export("lstsq", namespace="linalg")
def lstsq(A, B, rcond=None, *, driver=None):
    """torch.linalg.lstsq(A, B, rcond=None, *, driver=None): (solution, residuals, rank,
    singular_values)."""
    _require_tensor("linalg_lstsq", "A", 1, A)
    _require_tensor("linalg_lstsq", "B", 2, B)
    if driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    parts = _tensor_list(L.sg_linalg_lstsq, A._handle, B._handle, _optional_double(rcond, "rcond"), _DRIVERS[driver])
    return return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))(*parts)


@export("tensorsolve", namespace="linalg")
def tensorsolve(A, B, dims=None):
    """torch.linalg.tensorsolve(A, B, dims=None)."""
    _require_tensor("linalg_tensorsolve", "A", 1, A)
    _require_tensor("linalg_tensorsolve", "B", 2, B)
    array, n = _shape_array(_dim_list(dims))
    return _make(L.sg_linalg_tensorsolve, A._handle, B._handle, array, n)


@export("matmul", namespace="linalg")
def linalg_matmul(input, other):  # noqa: A002
    """torch.linalg.matmul: torch.matmul."""
    _require_tensor("linalg_matmul", "input", 1, input)
    return input.matmul(other)


# ---- distances ------------------------------------------------------------------------------

_COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")


@export("cdist")
def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """torch.cdist(x1, x2, p=2.0, compute_mode=...): distances computed directly in every mode."""
    _require_tensor("cdist", "x1", 1, x1)
    _require_tensor("cdist", "x2", 2, x2)
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    return _make(L.sg_cdist, x1._handle, x2._handle, builtins.float(p))


# ---- randomized low-rank factorizations (torch writes these in Python too: torch/_lowrank.py)

def _approximate_basis(A, q, niter, M):
    R = randn(A.shape[-1], q, dtype=A.dtype)
    X = A.matmul(R) if M is None else A.matmul(R) - M.matmul(R)
    Q = linalg_qr(X).Q
    for _ in range(niter):
        X = A.mT.matmul(Q) if M is None else A.mT.matmul(Q) - M.mT.matmul(Q)
        Q = linalg_qr(X).Q
        X = A.matmul(Q) if M is None else A.matmul(Q) - M.matmul(Q)
        Q = linalg_qr(X).Q
    return Q


@export("svd_lowrank")
def svd_lowrank(A, q=6, niter=2, M=None):  # noqa: N803
    """torch.svd_lowrank(A, q=6, niter=2, M=None): (U, S, V) of rank q, by randomized range finding
    (Halko et al.), as torch's own Python implementation."""
    _require_tensor("svd_lowrank", "A", 1, A)
    q = 6 if q is None else int(q)
    m, n = A.shape[-2], A.shape[-1]
    if M is not None:
        M = M.broadcast_to(A.shape) if hasattr(M, "broadcast_to") else M
    if m < n:
        At = A.mT
        Mt = None if M is None else M.mT
        Q = _approximate_basis(At, q, niter, Mt)
        B = Q.mT.matmul(A.mT if M is None else (A - M).mT).mT
        U, S, Vh = linalg_svd(B, full_matrices=False)
        V = Q.matmul(Vh.mT)
    else:
        Q = _approximate_basis(A, q, niter, M)
        B = Q.mT.matmul(A if M is None else A - M)
        U, S, Vh = linalg_svd(B, full_matrices=False)
        U = Q.matmul(U)
        V = Vh.mT
    return U, S, V


@export("pca_lowrank")
def pca_lowrank(A, q=None, center=True, niter=2):  # noqa: N803
    """torch.pca_lowrank(A, q=None, center=True, niter=2): (U, S, V) of the centred data."""
    _require_tensor("pca_lowrank", "A", 1, A)
    m, n = A.shape[-2], A.shape[-1]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}")
    if niter < 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter=niter, M=None)
    C = A.mean(dim=-2, keepdim=True)
    return svd_lowrank(A - C, q, niter=niter, M=None)




@export("polar", namespace="linalg")
def polar(A):
    """torch.linalg.polar(A): (U, H)."""
    _require_tensor("linalg_polar", "A", 1, A)
    return return_type("linalg_polar", ("U", "H"))(*_tensor_list(L.sg_linalg_polar, A._handle))


@export("ldl_factor_ex", namespace="linalg")
def ldl_factor_ex(A, *, hermitian=False, check_errors=False):
    """torch.linalg.ldl_factor_ex(A): (LD, pivots, info)."""
    _require_tensor("linalg_ldl_factor_ex", "A", 1, A)
    ld, pivots, info = _tensor_list(L.sg_linalg_ldl_factor_ex, A._handle, builtins.bool(hermitian), builtins.bool(check_errors))
    return return_type("linalg_ldl_factor_ex", ("LD", "pivots", "info"))(ld, *_indices([pivots, info], "linalg.ldl_factor_ex"))


@export("ldl_factor", namespace="linalg")
def ldl_factor(A, *, hermitian=False):
    """torch.linalg.ldl_factor(A): (LD, pivots)."""
    _require_tensor("linalg_ldl_factor", "A", 1, A)
    ld, pivots, _ = _tensor_list(L.sg_linalg_ldl_factor_ex, A._handle, builtins.bool(hermitian), True)
    return return_type("linalg_ldl_factor", ("LD", "pivots"))(ld, *_indices([pivots], "linalg.ldl_factor"))


@export("ldl_solve", namespace="linalg")
def ldl_solve(LD, pivots, B, *, hermitian=False):  # noqa: N803
    """torch.linalg.ldl_solve(LD, pivots, B, *, hermitian=False)."""
    _require_tensor("linalg_ldl_solve", "LD", 1, LD)
    _require_tensor("linalg_ldl_solve", "pivots", 2, pivots)
    _require_tensor("linalg_ldl_solve", "B", 3, B)
    return _make(L.sg_linalg_ldl_solve, LD._handle, _pivots(pivots)._handle, B._handle, builtins.bool(hermitian))


# ---- torch.linalg.LinAlgError ---------------------------------------------------------------

class LinAlgError(L.SwiftGradError):
    """torch.linalg.LinAlgError: a matrix the operation cannot handle (singular, not
    positive-definite, no convergence); a RuntimeError, as in PyTorch."""


LinAlgError.__module__ = "torch.linalg"
export("LinAlgError", namespace="linalg")(LinAlgError)

# The messages of the failures PyTorch raises as LinAlgError (from LAPACK's info codes).
_LINALG_MESSAGES = ("is singular", "not positive-definite", "failed to converge", "does not have full rank",
                    "is not invertible")


def _raising_linalg_errors(function):
    """`function`, raising LinAlgError for the failures PyTorch reports with it."""
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except L.SwiftGradError as e:
            if type(e) is L.SwiftGradError and any(m in str(e) for m in _LINALG_MESSAGES):
                raise LinAlgError(str(e), e.status) from None
            raise
    wrapper.__name__ = function.__name__
    wrapper.__qualname__ = function.__qualname__
    wrapper.__doc__ = function.__doc__
    return wrapper


def _wrap_linalg_errors():
    from .._ops import NAMESPACES  # noqa: PLC0415 - generated functions, wrapped once at import
    from ._registry import EXPORTS  # noqa: PLC0415
    generated = NAMESPACES.get("linalg", {})
    for name in ("inv", "solve", "cholesky", "eigvalsh", "svdvals", "matrix_power", "tensorinv", "tensorsolve", "cond"):
        function = EXPORTS.get("linalg", {}).get(name) or generated.get(name)
        if function is not None:
            EXPORTS.setdefault("linalg", {})[name] = _raising_linalg_errors(function)
    for name in ("inv_ex", "solve_ex", "cholesky_ex", "eigh", "svd", "lstsq", "lu_factor", "ldl_factor", "pinv",
                 "matrix_rank", "polar", "matrix_sqrth"):
        function = EXPORTS.get("linalg", {}).get(name) or generated.get(name)
        if function is not None:
            EXPORTS["linalg"][name] = _raising_linalg_errors(function)
    Tensor.inverse = _raising_linalg_errors(Tensor.inverse)
    from .. import _ops  # noqa: PLC0415
    for name in ("inverse", "cholesky_solve", "cholesky_inverse", "svd", "qr", "matrix_power", "logdet"):
        function = EXPORTS.get("", {}).get(name) or getattr(_ops, name, None)
        if function is not None:
            EXPORTS.setdefault("", {})[name] = _raising_linalg_errors(function)


_wrap_linalg_errors()
