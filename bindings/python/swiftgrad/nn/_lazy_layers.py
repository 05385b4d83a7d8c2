"""The lazy convolution and normalisation layers (torch.nn.LazyConv1d ... LazyInstanceNorm3d):
their in_channels / num_features come from the first input, as PyTorch's (D2L builds its CNNs
with them). Each is the layer class with LazyModuleMixin (see _lazy.py) and becomes that
layer once materialised."""
from __future__ import annotations

from .._grad_mode import no_grad
from .._creation import tensor
from .._dtype import int64
from ._conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ._lazy import LazyModuleMixin
from ._normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .parameter import UninitializedBuffer, UninitializedParameter

__all__ = ["LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
           "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d",
           "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


class _LazyConvMixin(LazyModuleMixin):
    """in_channels from the first input: its dimension 1 (batched) or 0 (unbatched)."""

    def _placeholders(self, out_channels, bias, device, dtype):
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def _get_in_channels(self, input):  # noqa: A002 - PyTorch's names
        unbatched = self._dims + 1
        if input.dim() not in (unbatched, unbatched + 1):
            raise RuntimeError(f"Expected {unbatched}D (unbatched) or {unbatched + 1}D (batched) input to "
                               f"{self.__class__.__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == unbatched + 1 else input.shape[0]

    def initialize_parameters(self, input, *args, **kwargs):  # noqa: A002
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            with no_grad():
                if self.transposed:
                    self.weight.materialize((self.in_channels, self.out_channels // self.groups, *self.kernel_size))
                else:
                    self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()


def _lazy_conv(base, doc):
    class LazyConv(_LazyConvMixin, base):
        cls_to_become = base

        def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                     padding_mode="zeros", device=None, dtype=None):
            # in_channels = out_channels = 0: no real tensors; the placeholders replace them.
            super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode,
                             device=device, dtype=dtype)
            self._placeholders(out_channels, bias, device, dtype)

    LazyConv.__name__ = LazyConv.__qualname__ = f"Lazy{base.__name__}"
    LazyConv.__doc__ = doc
    return LazyConv


def _lazy_conv_transpose(base, doc):
    class LazyConvTranspose(_LazyConvMixin, base):
        cls_to_become = base

        def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True,
                     dilation=1, padding_mode="zeros", device=None, dtype=None):
            super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation,
                             padding_mode, device=device, dtype=dtype)
            self._placeholders(out_channels, bias, device, dtype)

    LazyConvTranspose.__name__ = LazyConvTranspose.__qualname__ = f"Lazy{base.__name__}"
    LazyConvTranspose.__doc__ = doc
    return LazyConvTranspose


LazyConv1d = _lazy_conv(Conv1d, "A Conv1d whose in_channels is the first input's channel count.")
LazyConv2d = _lazy_conv(Conv2d, "A Conv2d whose in_channels is the first input's channel count.")
LazyConv3d = _lazy_conv(Conv3d, "A Conv3d whose in_channels is the first input's channel count.")
LazyConvTranspose1d = _lazy_conv_transpose(ConvTranspose1d, "A ConvTranspose1d whose in_channels comes from the first input.")
LazyConvTranspose2d = _lazy_conv_transpose(ConvTranspose2d, "A ConvTranspose2d whose in_channels comes from the first input.")
LazyConvTranspose3d = _lazy_conv_transpose(ConvTranspose3d, "A ConvTranspose3d whose in_channels comes from the first input.")


class _LazyNormMixin(LazyModuleMixin):
    """num_features from the first input's dimension 1; the running statistics are placeholders
    (UninitializedBuffer) until then, as PyTorch's _LazyNormBase."""

    def _placeholders(self, affine, track_running_stats, device, dtype):
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=int64)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):  # noqa: A002
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            with no_grad():
                if self.affine:
                    self.weight.materialize((self.num_features,))
                    self.bias.materialize((self.num_features,))
                if self.track_running_stats:
                    self.running_mean.materialize((self.num_features,))
                    self.running_var.materialize((self.num_features,))
                self.reset_parameters()


def _lazy_norm(base, affine, track_running_stats, doc):
    class LazyNorm(_LazyNormMixin, base):
        cls_to_become = base

        def __init__(self, eps=1e-5, momentum=0.1, affine=affine, track_running_stats=track_running_stats,
                     device=None, dtype=None):
            super().__init__(0, eps, momentum, False, False, device=device, dtype=dtype)
            self._placeholders(affine, track_running_stats, device, dtype)

    LazyNorm.__name__ = LazyNorm.__qualname__ = f"Lazy{base.__name__}"
    LazyNorm.__doc__ = doc
    return LazyNorm


# PyTorch's lazy instance norms default to affine=True, track_running_stats=True (its
# _LazyNormBase's defaults), unlike InstanceNorm*d's False, False.
LazyBatchNorm1d = _lazy_norm(BatchNorm1d, True, True, "A BatchNorm1d whose num_features is the first input's dimension 1.")
LazyBatchNorm2d = _lazy_norm(BatchNorm2d, True, True, "A BatchNorm2d whose num_features is the first input's dimension 1.")
LazyBatchNorm3d = _lazy_norm(BatchNorm3d, True, True, "A BatchNorm3d whose num_features is the first input's dimension 1.")
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d, True, True, "An InstanceNorm1d whose num_features comes from the first input.")
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d, True, True, "An InstanceNorm2d whose num_features comes from the first input.")
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d, True, True, "An InstanceNorm3d whose num_features comes from the first input.")
