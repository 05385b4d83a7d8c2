"""torch.nn.functional.ctc_loss and torch.ctc_loss: lengths as tensors or as Python int
sequences, reduction as a name (F.ctc_loss) or as PyTorch's enum code (torch.ctc_loss). Python
only checks the argument types as PyTorch's argument parser does and calls sg_ctc_loss; the
math and every value check are the library's (Sources/SwiftGrad/Ops/CTCLoss.swift)."""
import builtins
import operator

from .. import _dtype
from .. import _lib as L
from .._creation import tensor as _tensor_from_data
from .._tensor import Tensor, _make, _reduction
from ._registry import export

#: PyTorch's at::Reduction codes, as torch.ctc_loss takes them: 1 mean, 2 sum, anything else none.
_CODES = {1: "mean", 2: "sum"}

_SIGNATURES = (
    " * (Tensor log_probs, Tensor targets, tuple of ints input_lengths, tuple of ints target_lengths, "
    "int blank = 0, int reduction = at::Reduction::Mean, bool zero_infinity = False)\n"
    " * (Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths, "
    "int blank = 0, int reduction = at::Reduction::Mean, bool zero_infinity = False)\n")


def _int_sequence(value):
    """`value` as a list of ints when it is a list or tuple of ints (PyTorch's `int[]`), else None."""
    if not isinstance(value, (list, tuple)):
        return None
    try:
        return [operator.index(v) for v in value]
    except TypeError:
        return None


_NAMES = ("log_probs", "targets", "input_lengths", "target_lengths", "blank", "reduction", "zero_infinity")


def _invalid(args, kwargs=None):
    """PyTorch's parser error: the types of the arguments given, keywords in signature order."""
    kwargs = kwargs or {}
    got = ", ".join([type(a).__name__ for a in args]
                    + [f"{k}={type(kwargs[k]).__name__}" for k in sorted(kwargs, key=lambda k: (_NAMES + (k,)).index(k))])
    return TypeError(f"ctc_loss() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     + _SIGNATURES)


def _ctc(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity, given=None):
    """Checks the overload as PyTorch's parser does (`reduction`: the enum code, 0 none, 1 mean,
    2 sum, anything else none) and calls the library. `given`: the (args, kwargs) the caller
    passed, for the error message (default: all seven, positionally)."""
    args = (log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)

    def invalid():
        return _invalid(*(given or (args,)))
    if not isinstance(reduction, int) or isinstance(reduction, builtins.bool):
        raise invalid()
    if not isinstance(log_probs, Tensor) or not isinstance(targets, Tensor):
        raise invalid()
    if not isinstance(blank, int) or isinstance(blank, builtins.bool) or not isinstance(zero_infinity, builtins.bool):
        raise invalid()
    if isinstance(input_lengths, Tensor) and isinstance(target_lengths, Tensor):
        lengths = (input_lengths, target_lengths)
    else:
        sequences = (_int_sequence(input_lengths), _int_sequence(target_lengths))
        if sequences[0] is None or sequences[1] is None:
            raise invalid()
        lengths = tuple(_tensor_from_data(s, dtype=_dtype.int64) for s in sequences)
    return _make(L.sg_ctc_loss, log_probs._handle, targets._handle, lengths[0]._handle, lengths[1]._handle,
                 blank, _reduction(_CODES.get(reduction, "none")), zero_infinity)


@export("ctc_loss", namespace="nn.functional")
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """The connectionist temporal classification loss of log-probabilities [T, N, C] (or [T, C])
    against padded [N, S] or concatenated targets; lengths as tensors or int sequences."""
    _reduction(reduction)  # PyTorch's ValueError for an unknown name
    code = {"none": 0, "mean": 1, "sum": 2}[reduction]
    return _ctc(log_probs, targets, input_lengths, target_lengths, blank, code, zero_infinity)


@export("ctc_loss")
def torch_ctc_loss(*args, **kwargs):
    """torch.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0,
    zero_infinity=False): F.ctc_loss with the reduction as PyTorch's enum code (0 none, 1 mean,
    2 sum). The default is 0: PyTorch's parser reads its declared default (Mean) as 0."""
    values = dict(zip(_NAMES, args))
    if len(args) > len(_NAMES) or any(k not in _NAMES or k in values for k in kwargs):
        raise _invalid(args, kwargs)
    values.update(kwargs)
    if any(name not in values for name in _NAMES[:4]):
        raise _invalid(args, kwargs)
    return _ctc(values["log_probs"], values["targets"], values["input_lengths"], values["target_lengths"],
                values.get("blank", 0), values.get("reduction", 0), values.get("zero_infinity", False),
                given=(args, kwargs))
