"""torch.nn.functional's pooling and resizing: max_pool, avg_pool, adaptive pools, max_unpool,
interpolate and its deprecated upsample aliases. Each expands PyTorch's int-or-tuple arguments
and calls the C functions of scripts/ops/93-pooling.toml; the math is the library's
(Sources/SwiftGrad/Ops/Pooling.swift, Resizing.swift)."""
import builtins
import math
import numbers
import warnings

from .. import _lib as L
from .._tensor import Tensor, _byref, _c_int64, _make, _require_tensor, _shape_array, _values_indices
from ._registry import export

_NF = "nn.functional"
_WORDS = {1: "one", 2: "two", 3: "three"}


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, builtins.bool)


def _expand(name, argument, value, n, *, omitted=False, be="must either be"):
    """An int or a sequence of 1 or n ints as n ints (PyTorch's `_pair`/`_triple` and its
    C++ checks). None or () is the empty list where `omitted` allows it (stride)."""
    if omitted and (value is None or (isinstance(value, (tuple, list)) and len(value) == 0)):
        return []
    if _is_int(value):
        return [int(value)] * n
    if isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
        if len(value) == 1:
            return [int(value[0])] * n
        if len(value) == n:
            return [int(v) for v in value]
    if n == 1:
        raise RuntimeError(f"{name}() {argument} must be an int, list of ints or tuple of ints of size 1 "
                           f"but got {value!r}")
    either = "must either be omitted, a single int," if omitted else f"{be} a single int,"
    raise RuntimeError(f"{name}: {argument} {either} or a tuple of {_WORDS[n]} ints")


def _array(values):
    return _shape_array(list(values))


def _tensor(name, argument, position, value):
    _require_tensor(name, argument, position, value)
    return value._handle


# ---- max pooling ------------------------------------------------------------------------------

def _max_pool(n, input, kernel_size, stride, padding, dilation, ceil_mode):  # noqa: A002 - torch's names
    name = f"max_pool{n}d"
    handle = _tensor(name, "input", 1, input)
    kernel = _expand(name, "kernel_size", kernel_size, n)
    strides = _expand(name, "stride", stride, n, omitted=True)
    pads = _expand(name, "padding", padding, n)
    dilations = _expand(name, "dilation", dilation, n, be="must be either")
    result = _values_indices(L.sg_max_pool_with_indices, "max_pool", handle, *_array(kernel), *_array(strides),
                             *_array(pads), *_array(dilations), builtins.bool(ceil_mode))
    return result[0], result[1]


def _max_pool_functions(n):
    def with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
                     return_indices=False):
        return _max_pool(n, input, kernel_size, stride, padding, dilation, ceil_mode)

    def pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
             return_indices=False):
        values, indices = _max_pool(n, input, kernel_size, stride, padding, dilation, ceil_mode)
        return (values, indices) if return_indices else values

    with_indices.__name__ = f"max_pool{n}d_with_indices"
    with_indices.__doc__ = f"{n}-d max pooling, returning (output, indices) (indices: each maximum's flat position in its plane)."
    pool.__name__ = f"max_pool{n}d"
    pool.__doc__ = f"{n}-d max pooling over the last {n} dimensions; (output, indices) with return_indices=True."
    export(pool.__name__, namespace=_NF)(pool)
    export(with_indices.__name__, namespace=_NF)(with_indices)
    return pool, with_indices


max_pool1d, max_pool1d_with_indices = _max_pool_functions(1)
max_pool2d, max_pool2d_with_indices = _max_pool_functions(2)
max_pool3d, max_pool3d_with_indices = _max_pool_functions(3)


@export("max_pool1d")
def _torch_max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """torch.max_pool1d: F.max_pool1d's values."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode)[0]


@export("max_pool2d")
def _torch_max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """torch.max_pool2d: F.max_pool2d's values."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode)[0]


@export("max_pool3d")
def _torch_max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """torch.max_pool3d: F.max_pool3d's values."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode)[0]


@export("max_pool1d_with_indices")
def _torch_max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """torch.max_pool1d_with_indices: (values, indices)."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode)


def _max_pool_with_indices_backward(n, grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,  # noqa: A002
                                   indices):
    """aten.max_pool{2,3}d_with_indices_backward: grad_output added at indices in zeros like input."""
    name = f"max_pool{n}d_with_indices_backward"
    kernel = _expand(name, "kernel_size", kernel_size, n)
    strides = _expand(name, "stride", stride, n, omitted=True)
    pads = _expand(name, "padding", padding, n)
    dilations = _expand(name, "dilation", dilation, n, be="must be either")
    return _make(L.sg_max_pool_with_indices_backward, _tensor(name, "grad_output", 1, grad_output),
                 _tensor(name, "self", 2, input), *_array(kernel), *_array(strides), *_array(pads),
                 *_array(dilations), builtins.bool(ceil_mode), _tensor(name, "indices", 8, indices))


@export("max_pool2d_with_indices_backward", namespace="ops.aten")
def max_pool2d_with_indices_backward(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,  # noqa: A002
                                     indices):
    """torch.ops.aten.max_pool2d_with_indices_backward.default."""
    return _max_pool_with_indices_backward(2, grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,
                                           indices)


@export("max_pool3d_with_indices_backward", namespace="ops.aten")
def max_pool3d_with_indices_backward(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,  # noqa: A002
                                     indices):
    """torch.ops.aten.max_pool3d_with_indices_backward.default."""
    return _max_pool_with_indices_backward(3, grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,
                                           indices)


# ---- average pooling --------------------------------------------------------------------------

def _avg_pool(n, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):  # noqa: A002
    name = f"avg_pool{n}d"
    handle = _tensor(name, "input", 1, input)
    kernel = _expand(name, "kernel_size", kernel_size, n)
    strides = _expand(name, "stride", stride, n, omitted=True)
    pads = _expand(name, "padding", padding, n)
    divisor = None
    if divisor_override is not None:
        if not _is_int(divisor_override):
            raise TypeError(f"{name}(): argument 'divisor_override' must be int, not {type(divisor_override).__name__}")
        divisor = _byref(_c_int64(int(divisor_override)))
    return _make(L.sg_avg_pool, handle, *_array(kernel), *_array(strides), *_array(pads), builtins.bool(ceil_mode),
                 builtins.bool(count_include_pad), divisor)


@export("avg_pool1d", namespace=_NF)
@export("avg_pool1d")
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):  # noqa: A002
    """1-d average pooling over the last dimension."""
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


@export("avg_pool2d", namespace=_NF)
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    """2-d average pooling over the last two dimensions."""
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


@export("avg_pool3d", namespace=_NF)
def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    """3-d average pooling over the last three dimensions."""
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def _lp_pool(n, input, norm_type, kernel_size, stride, ceil_mode):  # noqa: A002
    """PyTorch's lp_pool: (sign(a) relu(|a|) * window size)^(1/p), a the average of x^p (its
    own composition of ops, as in torch.nn.functional); p = +-inf is max pooling of |x|."""
    max_pool = (max_pool1d, max_pool2d, max_pool3d)[n - 1]
    avg_pool = (avg_pool1d, avg_pool2d, avg_pool3d)[n - 1]
    kernel = _expand(f"lp_pool{n}d", "kernel_size", kernel_size, n)
    if isinstance(norm_type, (int, float)):
        if norm_type == 0:
            raise ValueError(f"norm_type must be a non-zero value, but got {norm_type}")
        if norm_type == float("inf"):
            return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(math.prod(kernel)).pow(1.0 / norm_type)


@export("lp_pool1d", namespace=_NF)
def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """1-d power-average pooling."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


@export("lp_pool2d", namespace=_NF)
def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """2-d power-average pooling."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


@export("lp_pool3d", namespace=_NF)
def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    """3-d power-average pooling."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


# ---- adaptive pooling -------------------------------------------------------------------------

def _output_size(name, n, input, output_size):  # noqa: A002
    """PyTorch's output_size: an int for every dimension, None entries taking the input's size."""
    if _is_int(output_size):
        return [int(output_size)] * n
    if not isinstance(output_size, (tuple, list)):
        raise TypeError(f"{name}(): argument 'output_size' must be tuple of ints, not {type(output_size).__name__}")
    sizes = list(output_size)
    if any(s is None for s in sizes):
        if input.dim() <= len(sizes):
            raise ValueError(f"Input dimension should be at least {len(sizes) + 1}")
        defaults = list(input.shape)[-len(sizes):]
        sizes = [d if s is None else s for s, d in zip(sizes, defaults)]
    if len(sizes) == 1 and n > 1:
        sizes = sizes * n
    if len(sizes) != n:
        if n == 1:
            raise RuntimeError(f"{name}(): argument 'output_size' should contain one int (got {len(sizes)})")
        raise RuntimeError(f"{name}: output_size must be {n}")
    return [int(s) for s in sizes]


def _adaptive_avg(n):
    name = f"adaptive_avg_pool{n}d"

    def pool(input, output_size):  # noqa: A002
        handle = _tensor(name, "input", 1, input)
        return _make(L.sg_adaptive_avg_pool, handle, *_array(_output_size(name, n, input, output_size)))

    pool.__name__ = name
    pool.__doc__ = f"Adaptive {n}-d average pooling of the last {n} dimensions to output_size."
    export(name, namespace=_NF)(pool)
    return pool


adaptive_avg_pool1d = _adaptive_avg(1)
adaptive_avg_pool2d = _adaptive_avg(2)
adaptive_avg_pool3d = _adaptive_avg(3)
export("adaptive_avg_pool1d")(adaptive_avg_pool1d)


def _adaptive_max(n):
    name = f"adaptive_max_pool{n}d"

    def with_indices(input, output_size, return_indices=False):  # noqa: A002
        handle = _tensor(name, "input", 1, input)
        result = _values_indices(L.sg_adaptive_max_pool, name, handle, *_array(_output_size(name, n, input, output_size)))
        return result[0], result[1]

    def pool(input, output_size, return_indices=False):  # noqa: A002
        values, indices = with_indices(input, output_size)
        return (values, indices) if return_indices else values

    pool.__name__ = name
    pool.__doc__ = f"Adaptive {n}-d max pooling of the last {n} dimensions; (output, indices) with return_indices=True."
    with_indices.__name__ = name + "_with_indices"
    with_indices.__doc__ = f"Adaptive {n}-d max pooling, returning (output, indices)."
    export(name, namespace=_NF)(pool)
    export(with_indices.__name__, namespace=_NF)(with_indices)
    return pool, with_indices


adaptive_max_pool1d, adaptive_max_pool1d_with_indices = _adaptive_max(1)
adaptive_max_pool2d, adaptive_max_pool2d_with_indices = _adaptive_max(2)
adaptive_max_pool3d, adaptive_max_pool3d_with_indices = _adaptive_max(3)


@export("adaptive_max_pool1d")
def _torch_adaptive_max_pool1d(input, output_size):  # noqa: A002
    """torch.adaptive_max_pool1d: (values, indices)."""
    return adaptive_max_pool1d_with_indices(input, output_size)


# ---- max unpooling ----------------------------------------------------------------------------

def _unpool_output_size(input, kernel_size, stride, padding, output_size):  # noqa: A002
    """PyTorch's _unpool_output_size: the default size, or output_size checked against it."""
    k = len(kernel_size)
    default = [(input.shape[-k + d] - 1) * stride[d] + kernel_size[d] - 2 * padding[d] for d in range(k)]
    if output_size is None:
        return default
    output_size = list(output_size)
    if len(output_size) == k + 2:
        output_size = output_size[2:]
    if len(output_size) != k:
        raise ValueError(f"output_size should be a sequence containing {k} or {k + 2} elements, "
                         f"but it has a length of '{len(output_size)}'")
    for d in range(k):
        low, high = default[d] - stride[d], default[d] + stride[d]
        if not low < output_size[d] < high:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
    return [int(s) for s in output_size]


def _max_unpool(n):
    name = f"max_unpool{n}d"

    def unpool(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
        handle = _tensor(name, "input", 1, input)
        index_handle = _tensor(name, "indices", 2, indices)
        kernel = _expand(name, "kernel_size", kernel_size, n)
        strides = _expand(name, "stride", stride, n, omitted=True) or kernel
        pads = _expand(name, "padding", padding, n)
        size = _unpool_output_size(input, kernel, strides, pads, output_size)
        return _make(L.sg_max_unpool, handle, index_handle, *_array(size))

    unpool.__name__ = name
    unpool.__doc__ = f"The partial inverse of max_pool{n}d: values written at their indices in zeros."
    export(name, namespace=_NF)(unpool)
    return unpool


max_unpool1d = _max_unpool(1)
max_unpool2d = _max_unpool(2)
max_unpool3d = _max_unpool(3)


# ---- interpolate ------------------------------------------------------------------------------

_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"


@export("interpolate", namespace=_NF)
def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """Resizes the spatial dimensions of [N, C, ...] by size or scale_factor (PyTorch's modes)."""
    _require_tensor("interpolate", "input", 1, input)
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError("Input and output must have the same number of spatial dimensions, but got "
                                 f"input with spatial dimensions of {list(input.shape[2:])} and output size of {size}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "output size in (o1, o2, ...,oK) format.")
            if not all(_is_int(x) for x in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or "
                                f"Tuple[int, int, int], but got size with types {[type(x) for x in size]}")
            output_size = [int(x) for x in size]
        else:
            output_size = [int(size)] * max(dim, 0)
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError("Input and scale_factor must have the same number of spatial dimensions, but "
                                 f"got input with spatial dimensions of {list(input.shape[2:])} and "
                                 f"scale_factor of shape {scale_factor}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = [float(s) for s in scale_factor]
        else:
            scale_factors = [float(scale_factor)] * max(dim, 0)
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor:
        output_size = [math.floor(input.shape[i + 2] * scale_factors[i]) for i in range(dim)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    if output_size is None:
        # PyTorch's compute_output_size: floor(input size * scale) in double precision.
        output_size = [int(input.shape[i + 2] * scale_factors[i]) for i in range(dim)]
    scales = list(scale_factors or []) + [0.0] * (3 - len(scale_factors or []))
    if mode in ("nearest", "nearest-exact") and input.dim() in (3, 4, 5):
        return _make(L.sg_upsample_nearest, input._handle, *_array(output_size), *scales[:3], mode == "nearest-exact")
    if mode == "area" and input.dim() in (3, 4, 5):
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[dim - 1](input, output_size)
    if antialias and mode in ("bilinear", "bicubic"):
        return _make(L.sg_upsample_aa2d, input._handle, *_array(output_size), builtins.bool(align_corners), *scales[:2],
                     mode == "bicubic")
    if antialias:
        raise NotImplementedError(f"swiftgrad: interpolate(mode={mode!r}, antialias=True) is not implemented")
    if (mode, input.dim()) in (("linear", 3), ("bilinear", 4), ("trilinear", 5)):
        return _make(L.sg_upsample_linear, input._handle, *_array(output_size), builtins.bool(align_corners), *scales[:3])
    if mode == "bicubic" and input.dim() == 4:
        return _make(L.sg_upsample_bicubic2d, input._handle, *_array(output_size), builtins.bool(align_corners),
                     *scales[:2])
    for d, wrong, needs in ((3, "bilinear", 4), (3, "trilinear", 5), (4, "linear", 3), (4, "trilinear", 5),
                            (5, "linear", 3), (5, "bilinear", 4)):
        if input.dim() == d and mode == wrong:
            raise NotImplementedError(f"Got {d}D input, but {wrong} mode needs {needs}D input")
    raise NotImplementedError("Input Error: Only 3D, 4D and 5D input Tensors supported"
                              f" (got {input.dim()}D) for the modes: {_MODES} (got {mode})")


def _upsample_aa(name, cubic):
    def upsample(input, output_size, align_corners, scale_factors=None, scales_h=None, scales_w=None):  # noqa: A002
        handle = _tensor(name, "input", 1, input)
        if output_size is None:
            if scale_factors is None:
                raise RuntimeError("Must specify exactly one of output_size and scale_factors")
            output_size = [int(input.shape[i + 2] * scale_factors[i]) for i in range(2)]
            scales = [float(f) for f in scale_factors]
        else:
            scales = [0.0 if scales_h is None else float(scales_h), 0.0 if scales_w is None else float(scales_w)]
        return _make(L.sg_upsample_aa2d, handle, *_array(list(output_size)), builtins.bool(align_corners), *scales, cubic)

    upsample.__name__ = name
    upsample.__doc__ = (f"torch.ops.aten.{name}.default (and .vec's arguments): antialiased "
                        f"{'bicubic' if cubic else 'bilinear'} resizing (interpolate's antialias=True).")
    export(name, namespace="ops.aten")(upsample)
    return upsample


_upsample_bilinear2d_aa = _upsample_aa("_upsample_bilinear2d_aa", False)
_upsample_bicubic2d_aa = _upsample_aa("_upsample_bicubic2d_aa", True)


@export("upsample", namespace=_NF)
def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):  # noqa: A002
    """Deprecated: interpolate."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


@export("upsample_nearest", namespace=_NF)
def upsample_nearest(input, size=None, scale_factor=None):  # noqa: A002
    """Deprecated: interpolate(mode="nearest")."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


@export("upsample_bilinear", namespace=_NF)
def upsample_bilinear(input, size=None, scale_factor=None):  # noqa: A002
    """Deprecated: interpolate(mode="bilinear", align_corners=True)."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)

