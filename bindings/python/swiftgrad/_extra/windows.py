"""torch.signal.windows: creation functions of a window length M with PyTorch's keyword
arguments (sym, dtype, layout, device, requires_grad), which the op table cannot express. The
checks PyTorch makes in Python raise its ValueErrors here; the values come from one C call."""
import numbers

from .. import _device, _dtype
from .. import _lib as L
from .._memory_format import strided
from .._creation import tensor as _tensor_from_data
from .._tensor import _byref, _c_double, _dtype_code, _make
from ._registry import export

_NAMESPACE = "signal.windows"


def _length(name, M):
    if isinstance(M, bool) or not isinstance(M, numbers.Integral):
        raise TypeError(f"{name}(): argument 'M' must be int, not {type(M).__name__}")
    return int(M)


def _checked(name, M, dtype, layout, device):
    """PyTorch's _window_function_checks (and the device swiftgrad has): the dtype to use."""
    M = _length(name, M)
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype is None:
        dtype = _dtype.float32
    if dtype not in (_dtype.float32, _dtype.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")
    _device.check(device)
    return M, dtype


def _finish(window, requires_grad):
    if requires_grad:
        window.requires_grad_(True)
    return window


def _plain(name, function, check_name=None):
    """A window with no parameter of its own."""
    def window(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
        M, dtype = _checked(check_name or name, M, dtype, layout, device)
        return _finish(_make(function, M, bool(sym), _dtype_code(dtype)), requires_grad)
    window.__name__ = window.__qualname__ = name
    window.__doc__ = f"torch.signal.windows.{name}(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False)"
    return export(name, namespace=_NAMESPACE)(window)


bartlett = _plain("bartlett", L.sg_window_bartlett)
blackman = _plain("blackman", L.sg_window_blackman)
cosine = _plain("cosine", L.sg_window_cosine)
hamming = _plain("hamming", L.sg_window_hamming, "general_cosine")
hann = _plain("hann", L.sg_window_hann, "general_cosine")
nuttall = _plain("nuttall", L.sg_window_nuttall, "general_cosine")


@export("exponential", namespace=_NAMESPACE)
def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """torch.signal.windows.exponential: exp(-|n - center| / tau)."""
    M, dtype = _checked("exponential", M, dtype, layout, device)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    where = None if center is None else _byref(_c_double(float(center)))
    return _finish(_make(L.sg_window_exponential, M, where, float(tau), bool(sym), _dtype_code(dtype)), requires_grad)


@export("gaussian", namespace=_NAMESPACE)
def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """torch.signal.windows.gaussian: a Gaussian of standard deviation std."""
    M, dtype = _checked("gaussian", M, dtype, layout, device)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    return _finish(_make(L.sg_window_gaussian, M, float(std), bool(sym), _dtype_code(dtype)), requires_grad)


@export("kaiser", namespace=_NAMESPACE)
def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """torch.signal.windows.kaiser: I0(beta sqrt(1 - (2n/N - 1)^2)) / I0(beta)."""
    M, dtype = _checked("kaiser", M, dtype, layout, device)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    return _finish(_make(L.sg_window_kaiser, M, float(beta), bool(sym), _dtype_code(dtype)), requires_grad)


@export("general_hamming", namespace=_NAMESPACE)
def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """torch.signal.windows.general_hamming: alpha - (1 - alpha) cos(2 pi n / N)."""
    M, dtype = _checked("general_cosine", M, dtype, layout, device)
    return _finish(_make(L.sg_window_general_hamming, M, float(alpha), bool(sym), _dtype_code(dtype)), requires_grad)


@export("general_cosine", namespace=_NAMESPACE)
def general_cosine(M, *, a, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """torch.signal.windows.general_cosine: sum over i of (-1)^i a[i] cos(2 pi i n / N)."""
    M, dtype = _checked("general_cosine", M, dtype, layout, device)
    if M > 1:
        if isinstance(a, (str, bytes)) or not hasattr(a, "__iter__"):
            raise TypeError("Coefficients must be a list/tuple")
        a = [float(w) for w in a]
        if not a:
            raise ValueError("Coefficients cannot be empty")
    else:
        a = []
    coefficients = _tensor_from_data(a, dtype=_dtype.float64)
    return _finish(_make(L.sg_window_general_cosine, M, coefficients._handle, bool(sym), _dtype_code(dtype)),
                   requires_grad)
