"""torch.nn.functional's activations, losses, distances, padding, dropout and embeddings whose
Python signatures the op table cannot express (inplace=, string options, legacy size_average and
reduce, optional tensors, dim=None). Each checks its arguments and calls the C functions; the
math is the library's (Sources/SwiftGrad/Ops/Activation.swift, Loss+More.swift, ...)."""
import builtins
import numbers
import warnings

from .. import _lib as L
from .._tensor import Tensor, _byref, _c_int64, _make, _require_tensor
from ._registry import export

_NF = "nn.functional"


def _in_place(input, result, inplace):  # noqa: A002 - PyTorch's parameter names throughout
    """The result, written into `input` when inplace=True (PyTorch's `F.elu_` and friends)."""
    return input.copy_(result) if inplace else result


def _source(name, input, inplace):  # noqa: A002
    """The tensor an activation reads: `input`, or, in place on a tensor that requires grad, a
    copy of it. The op's backward needs the values it read (elu, silu, hardtanh, ...) and the
    result then overwrites `input`: reading a copy keeps them, and the gradient flows through
    copy_ and the op to the old values, as PyTorch's in-place ops save the original."""
    _require_tensor(name, "input", 1, input)
    return input.clone() if inplace and input.requires_grad else input


def _float(name, argument, value):
    if isinstance(value, builtins.bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}(): argument '{argument}' must be Number, not {type(value).__name__}")
    return builtins.float(value)


def _tensor(name, argument, position, value):
    _require_tensor(name, argument, position, value)
    return value._handle


# ---- activations ----------------------------------------------------------------------------

@export("elu", namespace=_NF)
def elu(input, alpha=1.0, inplace=False):
    """scale * (x > 0 ? x : alpha * (exp(x) - 1)), elementwise."""
    source = _source("elu", input, inplace)
    out = _make(L.sg_elu, source._handle, _float("elu", "alpha", alpha), 1.0, 1.0)
    return _in_place(input, out, inplace)


@export("selu", namespace=_NF)
def selu(input, inplace=False):
    """elu with alpha = 1.6733 and scale = 1.0507."""
    source = _source("selu", input, inplace)
    return _in_place(input, _make(L.sg_selu, source._handle), inplace)


@export("celu", namespace=_NF)
def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    source = _source("celu", input, inplace)
    out = _make(L.sg_celu, source._handle, _float("celu", "alpha", alpha))
    return _in_place(input, out, inplace)


@export("gelu", namespace=_NF)
def gelu(input, approximate="none"):
    """x * Phi(x); approximate='tanh' for the tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _make(L.sg_gelu, _tensor("gelu", "input", 1, input), approximate == "tanh")


def _simple(name, function):
    def activation(input, inplace=False):
        source = _source(name, input, inplace)
        return _in_place(input, _make(function, source._handle), inplace)
    activation.__name__ = name
    activation.__doc__ = f"torch.nn.functional.{name}, elementwise."
    export(name, namespace=_NF)(activation)
    return activation


silu = _simple("silu", L.sg_silu)
mish = _simple("mish", L.sg_mish)
relu6 = _simple("relu6", L.sg_relu6)
hardswish = _simple("hardswish", L.sg_hardswish)
hardsigmoid = _simple("hardsigmoid", L.sg_hardsigmoid)


@export("hardtanh", namespace=_NF)
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """input clamped into [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    source = _source("hardtanh", input, inplace)
    out = _make(L.sg_hardtanh, source._handle, _float("hardtanh", "min_val", min_val),
                _float("hardtanh", "max_val", max_val))
    return _in_place(input, out, inplace)


@export("leaky_relu", namespace=_NF)
def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x > 0 ? x : negative_slope * x."""
    source = _source("leaky_relu", input, inplace)
    out = _make(L.sg_leaky_relu, source._handle,
                _float("leaky_relu", "negative_slope", negative_slope))
    return _in_place(input, out, inplace)


@export("rrelu", namespace=_NF)
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky relu: random slopes in [lower, upper] in training, their mean otherwise."""
    source = _source("rrelu", input, inplace)
    out = _make(L.sg_rrelu, source._handle, _float("rrelu", "lower", lower),
                _float("rrelu", "upper", upper), builtins.bool(training))
    return _in_place(input, out, inplace)


@export("threshold", namespace=_NF)
def threshold(input, threshold, value, inplace=False):  # noqa: A002
    """input > threshold ? input : value."""
    source = _source("threshold", input, inplace)
    out = _make(L.sg_threshold, source._handle, _float("threshold", "threshold", threshold),
                _float("threshold", "value", value))
    return _in_place(input, out, inplace)


def _softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
                  stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


@export("softmax", namespace=_NF)
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(input) normalised to sum to 1 along `dim`, after a cast to `dtype` if given."""
    _require_tensor("softmax", "input", 1, input)
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return input.softmax(dim, dtype=dtype)


@export("log_softmax", namespace=_NF)
def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(input, dim)), computed stably, after a cast to `dtype` if given."""
    _require_tensor("log_softmax", "input", 1, input)
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return input.log_softmax(dim, dtype=dtype)


@export("softmin", namespace=_NF)
def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-input, dim), after a cast to `dtype` if given."""
    _require_tensor("softmin", "input", 1, input)
    if dim is None:
        dim = _softmax_dim("softmin", input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return _make(L.sg_softmin, input._handle, int(dim))


# ---- losses ---------------------------------------------------------------------------------

def _legacy(size_average, reduce, reduction):
    """The reduction named by torch's deprecated size_average / reduce arguments, when given."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "mean" if size_average and reduce else ("sum" if reduce else "none")
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{result}' instead.",
                  stacklevel=3)
    return result


def _code(reduction):
    from .._tensor import _reduction
    return _reduction(reduction)


def _optional(name, argument, position, value):
    return None if value is None else _tensor(name, argument, position, value)


def _same_size_warning(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. "
                      "Please ensure they have the same size.", stacklevel=3)


def _weighted(name, input, loss, weight, reduction):
    """PyTorch's weighted l1/huber: the unreduced loss times weight, then reduced."""
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    weighted = loss * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    if reduction == "mean":
        return weighted.sum() / weight.sum() if name == "l1_loss" else weighted.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


@export("l1_loss", namespace=_NF)
def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean (or summed, or elementwise) absolute error."""
    handles = _tensor("l1_loss", "input", 1, input), _tensor("l1_loss", "target", 2, target)
    _same_size_warning(input, target)
    reduction = _legacy(size_average, reduce, reduction)
    if weight is not None:
        return _weighted("l1_loss", input, _make(L.sg_l1_loss, *handles, _code("none")), weight, reduction)
    return _make(L.sg_l1_loss, *handles, _code(reduction))


@export("smooth_l1_loss", namespace=_NF)
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Squared error below beta, absolute error above it."""
    handles = _tensor("smooth_l1_loss", "input", 1, input), _tensor("smooth_l1_loss", "target", 2, target)
    _same_size_warning(input, target)
    reduction = _legacy(size_average, reduce, reduction)
    return _make(L.sg_smooth_l1_loss, *handles, _code(reduction), _float("smooth_l1_loss", "beta", beta))


@export("huber_loss", namespace=_NF)
def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Squared error below delta, delta-scaled absolute error above it."""
    handles = _tensor("huber_loss", "input", 1, input), _tensor("huber_loss", "target", 2, target)
    _same_size_warning(input, target)
    delta = _float("huber_loss", "delta", delta)
    if weight is not None:
        return _weighted("huber_loss", input, _make(L.sg_huber_loss, *handles, _code("none"), delta), weight, reduction)
    return _make(L.sg_huber_loss, *handles, _code(reduction), delta)


@export("soft_margin_loss", namespace=_NF)
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)), reduced."""
    handles = _tensor("soft_margin_loss", "input", 1, input), _tensor("soft_margin_loss", "target", 2, target)
    return _make(L.sg_soft_margin_loss, *handles, _code(_legacy(size_average, reduce, reduction)))


@export("binary_cross_entropy", namespace=_NF)
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross-entropy of probabilities `input` against targets in [0, 1]."""
    handles = _tensor("binary_cross_entropy", "input", 1, input), _tensor("binary_cross_entropy", "target", 2, target)
    reduction = _legacy(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}) is deprecated. "
                         "Please ensure they have the same size.")
    return _make(L.sg_binary_cross_entropy_weighted, *handles, _optional("binary_cross_entropy", "weight", 3, weight),
                 _code(reduction))


@export("binary_cross_entropy_with_logits", namespace=_NF)
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """Binary cross-entropy of logits, stable for any logit."""
    name = "binary_cross_entropy_with_logits"
    handles = _tensor(name, "input", 1, input), _tensor(name, "target", 2, target)
    reduction = _legacy(size_average, reduce, reduction)
    return _make(L.sg_binary_cross_entropy_with_logits, *handles, _optional(name, "weight", 3, weight),
                 _optional(name, "pos_weight", 7, pos_weight), _code(reduction))


@export("nll_loss", namespace=_NF)
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of class indices `target` under log-probabilities `input`."""
    handles = _tensor("nll_loss", "input", 1, input), _tensor("nll_loss", "target", 2, target)
    reduction = _legacy(size_average, reduce, reduction)
    return _make(L.sg_nll_loss_nd, *handles, _optional("nll_loss", "weight", 3, weight), int(ignore_index),
                 _code(reduction))


@export("cross_entropy", namespace=_NF)
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """Cross-entropy of logits against class indices or class probabilities."""
    handles = _tensor("cross_entropy", "input", 1, input), _tensor("cross_entropy", "target", 2, target)
    reduction = _legacy(size_average, reduce, reduction)
    return _make(L.sg_cross_entropy_loss, *handles, _optional("cross_entropy", "weight", 3, weight), int(ignore_index),
                 _code(reduction), _float("cross_entropy", "label_smoothing", label_smoothing))


@export("kl_div", namespace=_NF)
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """The Kullback-Leibler divergence of `target` from `input` (log-probabilities)."""
    handles = _tensor("kl_div", "input", 1, input), _tensor("kl_div", "target", 2, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.", stacklevel=2)
    out = _make(L.sg_kl_div, *handles, _code("sum" if reduction == "batchmean" else reduction), builtins.bool(log_target))
    if reduction == "batchmean" and input.dim() != 0:
        out = out / input.size(0)
    return out


@export("margin_ranking_loss", namespace=_NF)
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, -target * (input1 - input2) + margin), reduced."""
    name = "margin_ranking_loss"
    handles = _tensor(name, "input1", 1, input1), _tensor(name, "input2", 2, input2), _tensor(name, "target", 3, target)
    return _make(L.sg_margin_ranking_loss, *handles, _float(name, "margin", margin),
                 _code(_legacy(size_average, reduce, reduction)))


@export("hinge_embedding_loss", namespace=_NF)
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """input where target is 1, max(0, margin - input) where it is -1, reduced."""
    name = "hinge_embedding_loss"
    handles = _tensor(name, "input", 1, input), _tensor(name, "target", 2, target)
    return _make(L.sg_hinge_embedding_loss, *handles, _float(name, "margin", margin),
                 _code(_legacy(size_average, reduce, reduction)))


@export("cosine_embedding_loss", namespace=_NF)
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 - cos where target is 1, max(0, cos - margin) where it is -1, reduced."""
    name = "cosine_embedding_loss"
    handles = _tensor(name, "input1", 1, input1), _tensor(name, "input2", 2, input2), _tensor(name, "target", 3, target)
    return _make(L.sg_cosine_embedding_loss, *handles, _float(name, "margin", margin),
                 _code(_legacy(size_average, reduce, reduction)))


@export("poisson_nll_loss", namespace=_NF)
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """The Poisson negative log-likelihood, reduced."""
    name = "poisson_nll_loss"
    handles = _tensor(name, "input", 1, input), _tensor(name, "target", 2, target)
    reduction = _legacy(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not a valid value for reduction")
    return _make(L.sg_poisson_nll_loss, *handles, builtins.bool(log_input), builtins.bool(full), _float(name, "eps", eps),
                 _code(reduction))


@export("gaussian_nll_loss", namespace=_NF)
def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """The Gaussian negative log-likelihood, reduced."""
    name = "gaussian_nll_loss"
    handles = _tensor(name, "input", 1, input), _tensor(name, "target", 2, target)
    if isinstance(var, numbers.Real) and not isinstance(var, Tensor):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        from .._functions import full_like
        var = full_like(input, builtins.float(var))
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    try:
        return _make(L.sg_gaussian_nll_loss, *handles, _tensor(name, "var", 3, var), builtins.bool(full),
                     _float(name, "eps", eps), _code(reduction))
    except RuntimeError as e:  # PyTorch raises these from Python, as ValueError
        if "var " in str(e):
            raise ValueError(str(e).splitlines()[0]) from None
        raise


@export("pairwise_distance", namespace=_NF)
@export("pairwise_distance")
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dimension."""
    name = "pairwise_distance"
    return _make(L.sg_pairwise_distance, _tensor(name, "x1", 1, x1), _tensor(name, "x2", 2, x2), _float(name, "p", p),
                 _float(name, "eps", eps), builtins.bool(keepdim))


@export("triplet_margin_loss", namespace=_NF)
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), reduced."""
    name = "triplet_margin_loss"
    handles = (_tensor(name, "anchor", 1, anchor), _tensor(name, "positive", 2, positive),
               _tensor(name, "negative", 3, negative))
    return _make(L.sg_triplet_margin_loss, *handles, _float(name, "margin", margin), _float(name, "p", p),
                 _float(name, "eps", eps), builtins.bool(swap), _code(_legacy(size_average, reduce, reduction)))


@export("triplet_margin_with_distance_loss", namespace=_NF)
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """triplet_margin_loss with any distance function (pairwise_distance by default)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not (anchor.dim() == positive.dim() == negative.dim()):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
                           f"but got: anchor {anchor.dim()}D, positive {positive.dim()}D, and negative {negative.dim()}D inputs")
    distance = pairwise_distance if distance_function is None else distance_function
    to_positive = distance(anchor, positive)
    to_negative = distance(anchor, negative)
    if swap:
        to_negative = to_negative.minimum(distance(positive, negative))
    loss = (to_positive - to_negative + margin).clamp(min=0)
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    return loss


@export("multilabel_soft_margin_loss", namespace=_NF)
def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Per-class logistic loss averaged over the classes, reduced."""
    name = "multilabel_soft_margin_loss"
    handles = _tensor(name, "input", 1, input), _tensor(name, "target", 2, target)
    reduction = _legacy(size_average, reduce, reduction)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _make(L.sg_multilabel_soft_margin_loss, *handles, _optional(name, "weight", 3, weight), _code(reduction))


@export("multi_margin_loss", namespace=_NF)
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Multi-class hinge loss, reduced."""
    name = "multi_margin_loss"
    handles = _tensor(name, "input", 1, input), _tensor(name, "target", 2, target)
    reduction = _legacy(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    return _make(L.sg_multi_margin_loss, *handles, int(p), _float(name, "margin", margin),
                 _optional(name, "weight", 5, weight), _code(reduction))


@export("multilabel_margin_loss", namespace=_NF)
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss, reduced."""
    name = "multilabel_margin_loss"
    handles = _tensor(name, "input", 1, input), _tensor(name, "target", 2, target)
    return _make(L.sg_multilabel_margin_loss, *handles, _code(_legacy(size_average, reduce, reduction)))


# ---- distances, normalisations, padding ------------------------------------------------------

from .. import _ops  # noqa: E402 - the generated torch.pdist, torch.pixel_shuffle, ...

for _name in ("pdist", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "hardshrink", "prelu"):
    export(_name, namespace=_NF)(getattr(_ops, _name))


@export("normalize", namespace=_NF)
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p, eps) along dim."""
    result = _make(L.sg_normalize, _tensor("normalize", "input", 1, input), _float("normalize", "p", p), int(dim),
                   _float("normalize", "eps", eps))
    return result if out is None else out.copy_(result)


@export("cosine_similarity", namespace=_NF)
@export("cosine_similarity")
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """The cosine of the angle between x1 and x2 along dim."""
    name = "cosine_similarity"
    return _make(L.sg_cosine_similarity, _tensor(name, "x1", 1, x1), _tensor(name, "x2", 2, x2), int(dim),
                 _float(name, "eps", eps))


@export("bilinear", namespace=_NF)
@export("bilinear")
def bilinear(input1, input2, weight, bias=None):
    """input1^T weight input2 + bias."""
    name = "bilinear"
    return _make(L.sg_bilinear, _tensor(name, "input1", 1, input1), _tensor(name, "input2", 2, input2),
                 _tensor(name, "weight", 3, weight), _optional(name, "bias", 4, bias))


_PAD_MODES = {"reflect": 0, "replicate": 1, "circular": 2}


def _pad_array(pad):
    from .._tensor import _shape_array
    return _shape_array(tuple(int(p) for p in pad))


@export("pad", namespace=_NF)
def pad(input, pad, mode="constant", value=None):
    """Pads the last len(pad) / 2 dimensions: pad holds (left, right) pairs from the last one."""
    handle = _tensor("pad", "input", 1, input)
    array, n = _pad_array(pad)
    if mode == "constant":
        return _make(L.sg_constant_pad_nd, handle, array, n, 0.0 if value is None else _float("pad", "value", value))
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    return _make(L.sg_pad, handle, array, n, _PAD_MODES[mode])


# ---- embeddings, one-hot, dropout ------------------------------------------------------------

@export("embedding", namespace=_NF)
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    """Rows `input` of the table `weight`."""
    indices, table = _tensor("embedding", "input", 1, input), _tensor("embedding", "weight", 2, weight)
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if sparse:
        raise NotImplementedError("swiftgrad has no sparse tensors: embedding(sparse=True) is not supported")
    if max_norm is not None:
        from .._grad_mode import no_grad
        with no_grad():
            L.check(L.sg_embedding_renorm_(table, indices, _float("embedding", "max_norm", max_norm),
                                           _float("embedding", "norm_type", norm_type)))
    return _make(L.sg_embedding, table, indices, int(padding_idx), builtins.bool(scale_grad_by_freq))


@export("one_hot", namespace=_NF)
def one_hot(tensor, num_classes=-1):
    """One-hot int64 encoding of int64 class indices."""
    return _make(L.sg_one_hot, _tensor("one_hot", "tensor", 1, tensor), int(num_classes))


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


@export("dropout2d", namespace=_NF)
def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, H, W) input with probability p, scaling the rest."""
    _check_p(p)
    handle = _tensor("dropout2d", "input", 1, input)
    if input.dim() not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use dropout "
                      "instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
                      "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will "
                      "change in a future release to interpret the input as one without a batch dimension, i.e. shape "
                      "(C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d "
                      "instead.", stacklevel=2)
    return _in_place(input, _make(L.sg_feature_dropout, handle, builtins.float(p), builtins.bool(training), False), inplace)


@export("dropout3d", namespace=_NF)
def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability p."""
    _check_p(p)
    _tensor("dropout3d", "input", 1, input)
    if input.dim() not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.dim()}-D input to dropout3d, which is deprecated and will result in an "
                      "error in a future release. To retain the behavior and silence this warning, please use dropout "
                      "instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    batched = input.dim() == 5
    source = input if batched else input.unsqueeze(0)
    out = _make(L.sg_feature_dropout, source._handle, builtins.float(p), builtins.bool(training), False)
    if not batched:
        out = out.squeeze(0)
    return _in_place(input, out, inplace)


@export("alpha_dropout", namespace=_NF)
def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps a SELU network's mean 0 and variance 1."""
    _check_p(p)
    out = _make(L.sg_alpha_dropout, _tensor("alpha_dropout", "input", 1, input), builtins.float(p), builtins.bool(training))
    return _in_place(input, out, inplace)


@export("feature_alpha_dropout", namespace=_NF)
def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels."""
    _check_p(p)
    out = _make(L.sg_feature_dropout, _tensor("feature_alpha_dropout", "input", 1, input), builtins.float(p),
                builtins.bool(training), True)
    return _in_place(input, out, inplace)


# ---- linear_cross_entropy --------------------------------------------------------------------

import dataclasses  # noqa: E402


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """PyTorch's options for the chunked evaluation of linear_cross_entropy (which computes the
    same values in batch chunks to save memory). swiftgrad checks them as PyTorch does and
    computes the loss in one piece."""

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self):
        if self.acc_policy not in ("auto", "accurate", "compact"):
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}; expected one of 'auto', 'accurate', 'compact'")
        if self.chunking_method is not None and self.chunking_method != "auto":
            name, sep, factor = self.chunking_method.partition(":")
            if not sep:
                factor = "1"
            if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")
        if not (self.batch_chunk_size is None or (isinstance(self.batch_chunk_size, int) and self.batch_chunk_size > 0)):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {self.batch_chunk_size!r}")
        from .. import _dtype
        if self.acc_dtype is not None and self.acc_dtype not in (_dtype.float32, _dtype.float64):
            raise ValueError(f"acc_dtype must be one of {{None, torch.float16, torch.bfloat16, torch.float32, "
                             f"torch.float64}}, got {self.acc_dtype!r}. Pass acc_dtype=None to let the op pick automatically.")


export("LinearCrossEntropyOptions", namespace=_NF)(LinearCrossEntropyOptions)


@export("linear_cross_entropy", namespace=_NF)
def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """cross_entropy(linear(input, linear_weight, linear_bias), target, ...), linear_weight [C, *K, in]."""
    name = "linear_cross_entropy"
    handles = (_tensor(name, "input", 1, input), _tensor(name, "linear_weight", 2, linear_weight),
               _tensor(name, "target", 3, target))
    if options is not None and not isinstance(options, LinearCrossEntropyOptions):
        raise TypeError(f"linear_cross_entropy(): options must be a LinearCrossEntropyOptions, not {type(options).__name__}")
    if ignore_index is not None and input.dim() in (1, 2) and linear_weight.dim() >= 2:
        logits_shape = (*input.shape[:-1], linear_weight.shape[0], *linear_weight.shape[1:-1])
        if tuple(target.shape) == logits_shape:
            raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    return _make(L.sg_linear_cross_entropy, *handles, _optional(name, "linear_bias", 4, linear_bias),
                 _optional(name, "weight", 5, weight), _code(reduction), -100 if ignore_index is None else int(ignore_index),
                 _float(name, "label_smoothing", label_smoothing))
