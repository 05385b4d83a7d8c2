"""Python's indexing syntax on tensors: x[i], x[a:b:c], x[..., None], x[idx_tensor],
x[rows, cols], x[mask], and assignment through them. Basic indices (ints, slices, None,
Ellipsis) become views through sg_select / sg_slice / sg_unsqueeze; tensor and list indices
then go to sg_index (advanced indexing, NumPy's rules), as in PyTorch. Errors are IndexErrors
with PyTorch's messages."""
import builtins
import ctypes

from . import _dtype
from . import _lib as L
from ._tensor import Tensor, _anomaly, _keep_dtype, _make, _check, _byref, _c_void_p, _record_call_site, _wrap, _operand
from ._creation import arange, tensor
from ._grad_mode import is_grad_enabled

_INT64_MAX = 2**63 - 1


def _normalize_key(key):
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, (list, range)) or (hasattr(k, "__array_interface__") and not isinstance(k, Tensor)):
            k = tensor(list(k) if isinstance(k, range) else k)
        elif isinstance(k, builtins.bool):
            k = tensor(k)
        elif not isinstance(k, (Tensor, slice, type(None), type(Ellipsis))):
            if hasattr(k, "__index__"):
                k = k.__index__()
            else:
                raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                                 "Variables are valid indices (got " + type(k).__name__ + ")")
        if isinstance(k, Tensor) and k.dim() == 0 and not k.dtype.is_floating_point and k.dtype is not _dtype.bool:
            k = int(k.item())  # a 0-d integer tensor indexes as its number (a view), as in PyTorch
        out.append(k)
    return out


def _consumed(k):
    """How many dimensions of the tensor an index entry uses."""
    if k is None or k is Ellipsis:
        return 0
    if isinstance(k, Tensor) and k.dtype is _dtype.bool:
        return k.dim()
    return 1


def _view_call(view, function, *args):
    """A view of `view` by `function(view, *args)` (select, slice, unsqueeze), and the status:
    `view` itself when the call fails."""
    if _anomaly[0]:
        _record_call_site()
    out = _c_void_p()
    status = function(view._handle, *args, out)
    return (view, status) if status else (_wrap(out.value, view._dtype), 0)


def _whole_key_error(t, entries):
    """PyTorch's checks of the whole key, which come before any entry's own error: raises the
    first that fails."""
    if builtins.sum(1 for k in entries if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used, ndim = builtins.sum(_consumed(k) for k in entries), t.dim()
    if used > ndim:
        if ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")


def _raise_for(status, t, entries):
    """Raises for a failed view call: the whole key's error first, as PyTorch checks it first."""
    if status:
        _whole_key_error(t, entries)
        _check(status)


#: Slice bounds used as they are; others (tensors, NumPy's integers) are converted.
_BOUND = (int, type(None))
#: Key entries applied as they are; any other key is normalised first (`_normalize_key`).
_PLAIN = (int, slice, type(None), type(Ellipsis))


def _apply_basic(t, key):
    """Applies ints, slices, None and Ellipsis; returns the view and, for each dimension of the
    view, the advanced index tensor for it. As in PyTorch, within a tuple a slice that covers its
    whole dimension is no operation; a lone slice is always applied; the dimensions the key
    leaves out are taken whole. The views' own calls check the entries, and the shape is asked
    for only by a slice that may cover its dimension, or by an ellipsis; when a check fails, the
    error is PyTorch's: the whole key's first (`_whole_key_error`), then the entry's, named by
    its place in the key."""
    kind = type(key)
    lone_slice = kind is slice
    if kind is tuple and builtins.all(type(k) in _PLAIN for k in key):
        entries = key
    elif kind in _PLAIN:
        entries = (key,)
    else:
        entries = _normalize_key(key)
        if builtins.any(isinstance(k, Tensor) for k in entries):
            _whole_key_error(t, entries)  # before sg_index checks the index tensors
    view, dim, source, shape, advanced = t, 0, 0, None, {}   # dim: in `view`; source: in `t`
    for place, k in enumerate(entries):
        if type(k) is int:
            view, status = _view_call(view, L.sg_select, dim, k)
            if status:  # PyTorch's message for an index out of range names the entry's place
                _whole_key_error(t, entries)
                size = t.shape[source]
                if not -size <= k < size:
                    raise IndexError(f"index {k} is out of bounds for dimension {place} with size {size}")
            _raise_for(status, t, entries)
            source += 1
        elif type(k) is slice:
            start, stop, step = k.start, k.stop, k.step
            if not (type(start) in _BOUND and type(stop) in _BOUND and type(step) in _BOUND):
                start, stop, step = (None if v is None else _int(v) for v in (start, stop, step))
            if step is not None and step <= 0:
                _whole_key_error(t, entries)
                raise ValueError("step must be greater than zero")
            dim += 1
            source += 1
            if not lone_slice and start in (None, 0) and step in (None, 1):
                if shape is None:
                    shape = t.shape
                if source > len(shape):
                    _whole_key_error(t, entries)
                if stop is None or stop >= shape[source - 1]:
                    continue
            view, status = _view_call(view, L.sg_slice, dim - 1, start or 0, _INT64_MAX if stop is None else stop, step or 1)
            _raise_for(status, t, entries)
        elif k is None:
            view, status = _view_call(view, L.sg_unsqueeze, dim)
            _raise_for(status, t, entries)
            dim += 1
        elif k is Ellipsis:
            if shape is None:
                shape = t.shape
            fill = len(shape) - builtins.sum(_consumed(e) for e in entries)
            if fill < 0 or builtins.sum(1 for e in entries if e is Ellipsis) > 1:
                _whole_key_error(t, entries)
            dim += fill
            source += fill
        elif k.dtype is _dtype.bool and k.dim() == 0:
            # True or False (or a 0-d bool tensor): a new dimension, indexed by [0] or by nothing.
            view, status = _view_call(view, L.sg_unsqueeze, dim)
            _raise_for(status, t, entries)
            advanced[dim] = tensor([0] if k.item() else [], dtype=_dtype.int64)
            dim += 1
        else:  # an index tensor (a mask covers as many dimensions as it has)
            advanced[dim] = k
            dim += _consumed(k)
            source += _consumed(k)
    if shape is not None and source > len(shape):
        _whole_key_error(t, entries)
    return view, advanced


def _int(value):
    return int(value.item()) if isinstance(value, Tensor) else int(value)


def index_tensors(indices):
    """A C array of index handles (NULL for a whole dimension) from a list of tensors, lists or
    None, and the tensors themselves, which the caller keeps alive until the C call returns."""
    tensors = [i if i is None or isinstance(i, Tensor) else tensor(i) for i in indices]
    handles = [None if i is None else i._handle for i in tensors]
    return (ctypes.c_void_p * len(handles))(*handles), len(handles), tensors


def _advanced_list(advanced):
    """The per-dimension list sg_index takes: the index tensor at its first dimension (a bool
    mask covers several), None elsewhere."""
    entries = []
    dim, last = 0, builtins.max(advanced)
    while dim <= last:  # the dimensions after the last index are whole: left out
        if dim in advanced:
            k = advanced[dim]
            entries.append(k)
            dim += k.dim() if k.dtype is _dtype.bool else 1
        else:
            entries.append(None)
            dim += 1
    return entries


def _lone_index(t, key):
    """x[idx] and x[mask], an int64 or bool tensor as the whole key, in one call: the result, or
    None for the general path (which raises the error of a call that fails)."""
    if type(key) is not Tensor or _anomaly[0] or key.dtype not in (_dtype.int64, _dtype.bool) or key.dim() == 0:
        return None
    out = _c_void_p()
    if L.sg_index(t._handle, (ctypes.c_void_p * 1)(key._handle), 1, _byref(out)):
        return None
    return _wrap(out.value, t._dtype)


def getitem(t, key):
    lone = _lone_index(t, key)
    if lone is not None:
        return lone
    view, advanced = _apply_basic(t, key)
    if not advanced:
        return view if view is not t else _keep_dtype(t, _make(L.sg_alias, t._handle))
    array, n, keep = index_tensors(_advanced_list(advanced))
    out = _c_void_p()
    status = L.sg_index(view._handle, array, n, _byref(out))
    del keep
    if status:
        _check(status, IndexError)
    return _wrap(out.value, t._dtype)


def setitem(t, key, value):
    view, advanced = _apply_basic(t, key)
    if (view is not t and (t.requires_grad or isinstance(value, Tensor) and value.requires_grad)
            and is_grad_enabled() and not (t.is_leaf and t.requires_grad)):
        # A recorded write through a view is not supported in the core (PyTorch's CopySlices):
        # the elements the key selects are written by their flat positions instead, with put_,
        # whose node (PutBackward0) becomes t's grad_fn.
        positions = getitem(arange(t.numel(), dtype=_dtype.int64).view(tuple(t.shape)), key)
        source = value if isinstance(value, Tensor) else tensor(value, dtype=t.dtype)
        t.put_(positions, source.to(t.dtype).expand(tuple(positions.shape)))
        return
    if not advanced:
        if isinstance(value, Tensor):
            view.copy_(value)
        else:
            view.fill_(value)
        return
    array, n, keep = index_tensors(_advanced_list(advanced))
    value = _operand(value)
    status = L.sg_index_put_(view._handle, array, n, value._handle, False)
    del keep
    if status:
        _check(status, IndexError if "out of bounds" in L.sg_last_error().decode() else None)


# ---- Tensor methods that need this module, attached at import (the package imports it) ----


def _tensor_getitem(self, key):
    return getitem(self, key)


def _tensor_setitem(self, key, value):
    setitem(self, key, value)


def _tensor_index_put(self, indices, values, accumulate=False):
    """Writes `values` at the positions given by a tuple of index tensors (adding with accumulate)."""
    array, n, keep = index_tensors(indices)
    values = _operand(values)
    _check(L.sg_index_put_(self._handle, array, n, values._handle, builtins.bool(accumulate)))
    del keep  # the index tensors lived until the call returned
    return self


for _name, _method in (("__getitem__", _tensor_getitem), ("__setitem__", _tensor_setitem), ("index_put_", _tensor_index_put), ):
    setattr(Tensor, _name, _method)
