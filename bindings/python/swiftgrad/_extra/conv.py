"""torch.nn.functional's convolutions (conv1d/2d/3d, conv_transpose1d/2d/3d) and patch
rearrangements (unfold, fold), also torch.conv*d / torch.conv_transpose*d: their arguments take
an int or a tuple per spatial dimension, and conv's padding also the strings 'same' and 'valid',
which the op table cannot say. Each checks its arguments and calls the C functions; the math is
the library's (Sources/SwiftGrad/Ops/Convolution.swift)."""
import builtins
import numbers
import warnings

from .. import _lib as L
from .._tensor import _make, _require_tensor, _shape_array
from ._registry import export

_NF = "nn.functional"


def _ints(function, argument, value, n):
    """An int (repeated n times) or a sequence of ints, as PyTorch's SymInt[n] arguments."""
    if isinstance(value, numbers.Integral) and not isinstance(value, builtins.bool):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) or type(value).__name__ == "Size":
        values = tuple(value)
        for v in values:
            if not isinstance(v, numbers.Integral) or isinstance(v, builtins.bool):
                raise TypeError(f"{function}(): argument '{argument}' must be tuple of ints, but found element of type {type(v).__name__} at pos 0")
        return tuple(int(v) for v in values)
    raise TypeError(f"{function}(): argument '{argument}' must be tuple of ints, not {type(value).__name__}")


def _array(values):
    return _shape_array(values)


def _bias(function, bias):
    if bias is None:
        return None
    _require_tensor(function, "bias", 3, bias)
    return bias._handle


def _group_count(function, groups):
    if not isinstance(groups, numbers.Integral) or isinstance(groups, builtins.bool):
        raise TypeError(f"{function}(): argument 'groups' must be int, not {type(groups).__name__}")
    return int(groups)


def _conv(n):
    name = f"conv{n}d"

    def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002 - PyTorch's names
        _require_tensor(name, "input", 1, input)
        _require_tensor(name, "weight", 2, weight)
        stride_array, nstride = _array(_ints(name, "stride", stride, n))
        dilation_array, ndilation = _array(_ints(name, "dilation", dilation, n))
        handle = _bias(name, bias)
        if isinstance(padding, str):
            if padding == "same" and weight.dim() >= 3:
                dilations = _ints(name, "dilation", dilation, n)
                if len(dilations) == weight.dim() - 2 and any(
                        d % 2 == 1 and k % 2 == 0 for d, k in zip(dilations, weight.shape[2:])):
                    warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a "
                                  "zero-padded copy of the input be created", UserWarning, stacklevel=2)
            return _make(L.sg_conv_padding, input._handle, weight._handle, handle, stride_array, nstride,
                         padding.encode(), dilation_array, ndilation, _group_count(name, groups))
        padding_array, npadding = _array(_ints(name, "padding", padding, n))
        return _make(L.sg_conv, input._handle, weight._handle, handle, stride_array, nstride, padding_array, npadding,
                     dilation_array, ndilation, _group_count(name, groups))

    conv.__name__ = conv.__qualname__ = name
    conv.__doc__ = (f"{n}-d convolution of (N, C, *spatial) or unbatched (C, *spatial) input by weight "
                    f"(out_channels, in_channels/groups, *kernel); padding an int, a tuple, 'valid' or 'same'.")
    export(name, namespace=_NF)(conv)
    export(name)(conv)
    return conv


def _conv_transpose(n):
    name = f"conv_transpose{n}d"

    def conv_transpose(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):  # noqa: A002
        _require_tensor(name, "input", 1, input)
        _require_tensor(name, "weight", 2, weight)
        stride_array, nstride = _array(_ints(name, "stride", stride, n))
        padding_array, npadding = _array(_ints(name, "padding", padding, n))
        output_padding_array, noutput_padding = _array(_ints(name, "output_padding", output_padding, n))
        dilation_array, ndilation = _array(_ints(name, "dilation", dilation, n))
        return _make(L.sg_conv_transpose, input._handle, weight._handle, _bias(name, bias), stride_array, nstride,
                     padding_array, npadding, output_padding_array, noutput_padding, _group_count(name, groups),
                     dilation_array, ndilation)

    conv_transpose.__name__ = conv_transpose.__qualname__ = name
    conv_transpose.__doc__ = (f"{n}-d transposed convolution of (N, C, *spatial) or unbatched input by weight "
                              f"(in_channels, out_channels/groups, *kernel).")
    export(name, namespace=_NF)(conv_transpose)
    export(name)(conv_transpose)
    return conv_transpose


conv1d, conv2d, conv3d = _conv(1), _conv(2), _conv(3)
conv_transpose1d, conv_transpose2d, conv_transpose3d = _conv_transpose(1), _conv_transpose(2), _conv_transpose(3)


def _pair(function, argument, value):
    """F.unfold / F.fold's _pair: an int twice, a sequence as given (its length checked by the library)."""
    return _ints(function, argument, value, 2)


@export("unfold", namespace=_NF)
def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """The sliding blocks of (N, C, H, W) or (C, H, W) input as (N, C*kh*kw, L) (im2col)."""
    _require_tensor("unfold", "input", 1, input)
    arrays = [_array(_pair("unfold", a, v)) for a, v in
              (("kernel_size", kernel_size), ("dilation", dilation), ("padding", padding), ("stride", stride))]
    return _make(L.sg_im2col, input._handle, *(x for pair in arrays for x in pair))


@export("fold", namespace=_NF)
def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """Sums sliding blocks (N, C*kh*kw, L) or (C*kh*kw, L) into (N, C, *output_size) (col2im)."""
    _require_tensor("fold", "input", 1, input)
    arrays = [_array(_pair("fold", a, v)) for a, v in
              (("output_size", output_size), ("kernel_size", kernel_size), ("dilation", dilation),
               ("padding", padding), ("stride", stride))]
    return _make(L.sg_col2im, input._handle, *(x for pair in arrays for x in pair))
