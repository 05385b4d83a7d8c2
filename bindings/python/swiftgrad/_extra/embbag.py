"""torch.nn.functional.embedding_bag: PyTorch's Python front end (the argument checks and
messages of torch/nn/functional.py, max_norm's renormalisation) over the C function
sg_embedding_bag, whose math is Sources/SwiftGrad/Ops/EmbeddingBag.swift."""
import builtins
import warnings

from .. import _lib as L
from .._dtype import int64
from .._tensor import Tensor, _byref, _c_int64, _make, _require_tensor
from ._registry import export

_MODES = {"sum": 0, "mean": 1, "max": 2}


@export("embedding_bag", namespace="nn.functional")
def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,  # noqa: A002
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sums, means or maxima of bags of rows of `weight`, without forming the rows."""
    _require_tensor("embedding_bag", "input", 1, input)
    _require_tensor("embedding_bag", "weight", 2, weight)
    # Used to be embedding_bag(weight, input, ...); now embedding_bag(input, weight, ...).
    if weight.dtype == int64 and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. "
                      "Usage `embedding_bag(weight, input, ...)` is deprecated, "
                      "and should now be `embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, "
                         f"then it must have the same shape as the input ({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            type_str = "<class 'torch.Tensor'>" if isinstance(offsets, Tensor) else str(type(offsets))
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type_str}")
        include_last_offset = False
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    if max_norm is not None:
        from .._grad_mode import no_grad
        indices = input if input.dtype == int64 else input.long()
        with no_grad():
            L.check(L.sg_embedding_renorm_(weight._handle, indices._handle, builtins.float(max_norm),
                                           builtins.float(norm_type)))
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. "
                                  "per_sample_weights is only supported for mode='sum' "
                                  f"(got mode='{mode}'). Please open a feature request on GitHub.")
    if sparse:
        raise NotImplementedError("swiftgrad has no sparse tensors: embedding_bag(sparse=True) is not supported")
    if offsets is not None:
        _require_tensor("embedding_bag", "offsets", 3, offsets)
    if per_sample_weights is not None:
        _require_tensor("embedding_bag", "per_sample_weights", 9, per_sample_weights)
    padding = None if padding_idx is None else _byref(_c_int64(int(padding_idx)))
    return _make(L.sg_embedding_bag, weight._handle, input._handle,
                 None if offsets is None else offsets._handle, _MODES[mode],
                 None if per_sample_weights is None else per_sample_weights._handle,
                 builtins.bool(include_last_offset), padding, builtins.bool(scale_grad_by_freq))
