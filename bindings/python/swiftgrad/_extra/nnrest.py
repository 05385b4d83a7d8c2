"""The last pieces of torch.nn.functional: dropout1d, the in-place activations (relu_, elu_,
celu_, selu_, leaky_relu_, hardtanh_, threshold_, rrelu_), gumbel_softmax, conv_tbc and
fractional max pooling (2-d and 3-d, with indices). Each is PyTorch's front end (argument
checks, warnings and messages of torch/nn/functional.py and ATen) composed from swiftgrad ops,
so values and gradients come from the library's kernels: no math is done here elementwise."""
import builtins
import warnings

from .. import _lib as L
from .._creation import arange, empty_like, tensor, zeros_like
from .._dtype import int64
from .._functions import cat, where
from .._random import rand
from .._tensor import _make, _require_tensor
from . import nn_functional as _nnf
from ._registry import export
from .conv import conv1d

_NF = "nn.functional"


# ---- dropout1d ---------------------------------------------------------------------------

@export("dropout1d", namespace=_NF)
def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002 - PyTorch's names
    """Zeroes whole channels (1-D feature maps) of (N, C, L) or (C, L) input with probability p
    in training, scaling the kept ones by 1 / (1 - p)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    _require_tensor("dropout1d", "input", 1, input)
    ndim = input.dim()
    if ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {ndim}D input. "
                           "Note that dropout1d exists to provide channel-wise dropout on inputs with 1 "
                           "spatial dimension, a channel dimension, and an optional batch dimension "
                           "(i.e. 2D or 3D inputs).")
    batched = ndim == 3
    source = input if batched else input.unsqueeze(0)
    if inplace and input.requires_grad:
        source = source.clone()
    out = _make(L.sg_feature_dropout, source._handle, builtins.float(p), builtins.bool(training), False)
    if not batched:
        out = out.squeeze(0)
    return input.copy_(out) if inplace else out


# ---- in-place activations ----------------------------------------------------------------
# PyTorch's F.relu_ and friends are the ATen in-place ops: no inplace= keyword, positional
# parameters as below, the input returned.

@export("relu_", namespace=_NF)
def relu_(input):  # noqa: A002
    """In-place relu."""
    _require_tensor("relu_", "input", 1, input)
    return input.relu_()


@export("elu_", namespace=_NF)
def elu_(input, alpha=1.0):  # noqa: A002
    """In-place elu."""
    return _nnf.elu(input, alpha, inplace=True)


@export("celu_", namespace=_NF)
def celu_(input, alpha=1.0):  # noqa: A002
    """In-place celu."""
    return _nnf.celu(input, alpha, inplace=True)


@export("selu_", namespace=_NF)
def selu_(input):  # noqa: A002
    """In-place selu."""
    return _nnf.selu(input, inplace=True)


@export("leaky_relu_", namespace=_NF)
def leaky_relu_(input, negative_slope=0.01):  # noqa: A002
    """In-place leaky_relu."""
    return _nnf.leaky_relu(input, negative_slope, inplace=True)


@export("hardtanh_", namespace=_NF)
def hardtanh_(input, min_val=-1.0, max_val=1.0):  # noqa: A002
    """In-place hardtanh. Unlike F.hardtanh, PyTorch's hardtanh_ accepts min_val > max_val: it
    clamps to min_val, then to max_val, so every number becomes max_val (gradient 0); NaN stays."""
    if min_val > max_val:
        _require_tensor("hardtanh_", "input", 1, input)
        source = input.clone() if input.requires_grad else input
        out = where(source.isnan(), source, zeros_like(source) + max_val)
        return input.copy_(out)
    return _nnf.hardtanh(input, min_val, max_val, inplace=True)


@export("threshold_", namespace=_NF)
def threshold_(input, threshold, value):  # noqa: A002
    """In-place threshold."""
    return _nnf.threshold(input, threshold, value, inplace=True)


@export("rrelu_", namespace=_NF)
def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):  # noqa: A002
    """In-place rrelu."""
    return _nnf.rrelu(input, lower, upper, training, inplace=True)


export("relu_")(relu_)
export("selu_")(selu_)
export("celu_")(celu_)
export("rrelu_")(rrelu_)
export("threshold_")(threshold_)


# ---- gumbel_softmax ----------------------------------------------------------------------

@export("gumbel_softmax", namespace=_NF)
def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A sample of the Gumbel-softmax distribution over `dim` at temperature `tau`: softmax((logits
    + g) / tau) with g ~ Gumbel(0, 1) (-log of Exponential(1) draws from swiftgrad's generator).
    hard=True returns the one-hot of its argmax, whose gradient is the soft sample's
    (straight-through)."""
    _require_tensor("gumbel_softmax", "logits", 1, logits)
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


# ---- conv_tbc ----------------------------------------------------------------------------

def conv_tbc(input, weight, bias, pad=0):  # noqa: A002
    """1-d convolution over (time, batch, channels) input with a (kernel width, in_channels,
    out_channels) filter, `pad` time steps of zeros on each side (a negative pad crops): conv1d
    over the permuted operands."""
    _require_tensor("conv_tbc", "input", 1, input)
    _require_tensor("conv_tbc", "weight", 2, weight)
    _require_tensor("conv_tbc", "bias", 3, bias)
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.size(2) != weight.size(1):
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.size(2) != bias.size(0):
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    pad = int(pad)
    time, batch = input.size(0), input.size(1)
    out_time = time + 2 * pad - weight.size(0) + 1
    if out_time < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {out_time}: "
                           f"[{out_time}, {batch}, {weight.size(2)}]")
    if pad < 0:
        input = input[-pad:time + pad]
        pad = 0
    if out_time == 0:
        return (input.sum() * 0 + weight.sum() * 0 + bias.sum() * 0).expand(0, batch, weight.size(2)).contiguous()
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)


export("conv_tbc", namespace=_NF)(conv_tbc)
export("conv_tbc")(conv_tbc)


# ---- fractional max pooling --------------------------------------------------------------

def _tuple(name, value, n, what):
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            word = "tuple of Ints" if n == 2 else "tuple of three Ints"
            raise RuntimeError(f"{name}: {what} must either be a single Int or {word}")
        return tuple(int(v) for v in value)
    return (int(value),) * n


def _intervals(samples, in_size, out_size, pool):
    """PyTorch's window starts (ATen's fractional_max_pool*_generate_intervals) for every plane:
    samples (N, C) in [0, 1) in the input's dtype; start i < out - 1 is
    int((i + u) * alpha) - int(u * alpha), alpha = (in - pool) / (out - 1) in that dtype, and the
    last start is in - pool. Returns int64 (N, C, out_size)."""
    n, c = samples.shape
    last = tensor(in_size - pool, dtype=int64).expand(n, c, 1)
    if out_size <= 1:
        return last[..., :out_size].contiguous()
    dtype = samples.dtype
    alpha = tensor(float(in_size - pool), dtype=dtype) / tensor(float(out_size - 1), dtype=dtype)
    steps = arange(out_size - 1, dtype=dtype)
    u = samples.unsqueeze(-1)
    starts = ((steps + u) * alpha).trunc() - (u * alpha).trunc()
    return cat([starts.to(int64), last], dim=-1)


def _fractional(name, dims, input, kernel_size, output_size, output_ratio, _random_samples):  # noqa: A002
    """Output and int64 indices (flat within each plane) of fractional max pooling over the last
    `dims` dimensions of `input`, as ATen's CPU kernels: each window's first maximum in row-major
    order; the gradient flows through a gather at the chosen indices (a scatter-add)."""
    _require_tensor(name, "input", 1, input)
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    spatial = [input.size(d) for d in range(-dims, 0)]
    channels = input.size(-dims - 1)
    if output_size is None:
        if dims == 2 and len(output_ratio) > 2:
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple of Ints.")
        ratio = tuple(output_ratio) if isinstance(output_ratio, (list, tuple)) else (output_ratio,) * dims
        if len(ratio) == 1:
            ratio = ratio * dims
        output_size = [int(s * r) for s, r in zip(spatial, ratio)]
    kernel = _tuple(name, kernel_size, dims, "kernel_size")
    outs = _tuple(name, output_size, dims, "output_size")
    batched = input.dim() == dims + 2
    if input.dim() not in (dims + 1, dims + 2):
        label = f"{name}()" if dims == 2 else f"{name}_out()"
        raise RuntimeError(f"{label}: Expected {dims + 1}D or {dims + 2}D tensor, but got: {list(input.shape)}")
    batch = input.size(0) if batched else 1
    if _random_samples is None:
        _random_samples = rand(batch, channels, dims, dtype=input.dtype)
    else:
        samples = _random_samples
        _require_tensor(name, "_random_samples", 6, samples)
        if samples.dtype != input.dtype:
            raise RuntimeError("Expect _random_samples to have the same dtype as input")
        if samples.dim() != 3:
            raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.dim()}")
        if samples.size(0) < batch:
            raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
        if samples.size(1) != channels:
            raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
        if samples.size(2) != dims:
            raise RuntimeError(f"Expect _random_samples.size(2) equals to {dims}; got {samples.size(2)}.")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{name}(): kernel size should be greater than zero, but got "
                           + "x".join(str(k) for k in kernel))
    words = ("height", "width") if dims == 2 else ("time", "height", "width")
    label = f"{name}()" if dims == 2 else f"{name}_out()"
    for word, o, k, s in zip(words, outs, kernel, spatial):
        if o + k - 1 > s:
            raise RuntimeError(f"{label}: pool {word} {k} too large relative to input {word} {s}")
    x = input if batched else input.unsqueeze(0)
    samples = _random_samples.detach()[:batch]
    # ATen reads the samples as (W, H) for 2-d pooling and (T, H, W) for 3-d.
    order = (1, 0) if dims == 2 else (0, 1, 2)
    # Flat index of every element of every window: (N, C, *outs, *kernel).
    flat = None
    stride = 1
    for axis in reversed(range(dims)):
        starts = _intervals(samples[:, :, order[axis]], spatial[axis], outs[axis], kernel[axis])
        pos = (starts.unsqueeze(-1) + arange(kernel[axis], dtype=int64)) * stride  # (N, C, out, k)
        pos = _place(pos, dims, axis, batch, channels, outs[axis], kernel[axis])
        flat = pos if flat is None else flat + pos
        stride *= spatial[axis]
    window = 1
    for k in kernel:
        window *= k
    count = 1
    for o in outs:
        count *= o
    flat = flat.expand([batch, channels] + list(outs) + list(kernel)).reshape(batch, channels, count, window)
    planes = x.reshape(batch, channels, stride)
    if count == 0 or batch == 0 or channels == 0:
        indices = flat[..., 0] if window else flat.sum(-1)
    else:
        values = planes.detach().gather(2, flat.reshape(batch, channels, count * window)).reshape(
            batch, channels, count, window)
        choice = values.argmax(-1, keepdim=True)
        nans = values.isnan()
        if bool(nans.any()):
            # ATen's scan (`val > maxVal || isnan(val)`) ends on a window's last NaN.
            last_nan = (window - 1) - nans.flip(-1).to(int64).argmax(-1, keepdim=True)
            choice = where(nans.any(-1, keepdim=True), last_nan, choice)
        indices = flat.gather(3, choice).squeeze(-1)
    out = planes.gather(2, indices)
    out = out.reshape([batch, channels] + list(outs))
    indices = indices.reshape([batch, channels] + list(outs))
    if not batched:
        out, indices = out.squeeze(0), indices.squeeze(0)
    return out, indices


def _place(pos, dims, axis, batch, channels, out, k):
    """(N, C, out, k) window positions along `axis` reshaped to broadcast over
    (N, C, out_0.., k_0..)."""
    view = [batch, channels] + [1] * (2 * dims)
    view[2 + axis] = out
    view[2 + dims + axis] = k
    # A reshape suffices: out precedes k in both, and the dimensions between them are 1.
    return pos.reshape(view)


@export("fractional_max_pool2d_with_indices", namespace=_NF)
def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,  # noqa: A002
                                       return_indices=False, _random_samples=None):
    """Fractional max pooling (Graham) over (N, C, H, W) or (C, H, W): output and indices."""
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size, output_ratio, _random_samples)


@export("fractional_max_pool3d_with_indices", namespace=_NF)
def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,  # noqa: A002
                                       return_indices=False, _random_samples=None):
    """Fractional max pooling over (N, C, T, H, W) or (C, T, H, W): output and indices."""
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size, output_ratio, _random_samples)


@export("fractional_max_pool2d", namespace=_NF)
def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,  # noqa: A002
                          return_indices=False, _random_samples=None):
    """Fractional max pooling over (N, C, H, W) or (C, H, W); with return_indices, (output, indices)."""
    result = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio, return_indices,
                                                _random_samples)
    return result if return_indices else result[0]


@export("fractional_max_pool3d", namespace=_NF)
def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,  # noqa: A002
                          return_indices=False, _random_samples=None):
    """Fractional max pooling over (N, C, T, H, W) or (C, T, H, W); with return_indices, (output, indices)."""
    result = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio, return_indices,
                                                _random_samples)
    return result if return_indices else result[0]
