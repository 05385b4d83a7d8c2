"""Python's indexing syntax on tensors: x[i], x[a:b:c], x[..., None], x[idx_tensor],
x[rows, cols], x[mask], and assignment through them. Basic indices (ints, slices, None,
Ellipsis) become views through sg_select / sg_slice / sg_unsqueeze; tensor and list indices
then go to sg_index (advanced indexing, NumPy's rules), as in PyTorch. Errors are IndexErrors
with PyTorch's messages."""
import builtins
import ctypes
import numbers

from . import _dtype
from . import _lib as L
from ._tensor import Tensor, _anomaly, _keep_dtype, _make, _check, _byref, _c_void_p, _wrap, _operand
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


def _apply_basic(t, key):
    """Applies ints, slices, None and Ellipsis; returns the view and, for each dimension of the
    view, the advanced index tensor for it (or None). As in PyTorch, within a tuple a slice that
    covers its whole dimension is no operation; a lone slice is always applied."""
    lone_slice = isinstance(key, slice)
    key = _normalize_key(key)
    if builtins.sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = builtins.sum(_consumed(k) for k in key)
    ndim = t.dim()
    if used > ndim:
        if ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    # Each entry's place in the key as written, which PyTorch's messages call its dimension. The
    # dimensions the key leaves out (after its last entry, or in place of its ellipsis) are
    # taken whole: no operation.
    places = list(range(len(key)))
    if Ellipsis in key:
        at, fill = key.index(Ellipsis), ndim - used
        key = key[:at] + [slice(None)] * fill + key[at + 1:]
        places = places[:at] + [at] * fill + places[at + 1:]
    view = t
    dim = 0          # position in `view`
    advanced = {}    # view dimension -> index tensor
    for k, place in zip(key, places):
        if k is None:
            view = _make(L.sg_unsqueeze, view._handle, dim)
            dim += 1
        elif isinstance(k, numbers.Integral):
            size = view.shape[dim]
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for dimension {place} with size {size}")
            view = _make(L.sg_select, view._handle, dim, int(k))
        elif isinstance(k, slice):
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            start = 0 if k.start is None else _int(k.start)
            stop = _INT64_MAX if k.stop is None else _int(k.stop)
            step = 1 if k.step is None else _int(k.step)
            if lone_slice or not (start == 0 and stop >= view.shape[dim] and step == 1):
                view = _make(L.sg_slice, view._handle, dim, start, stop, step)
            dim += 1
        elif k.dtype is _dtype.bool and k.dim() == 0:
            # True or False (or a 0-d bool tensor): a new dimension, indexed by [0] or by nothing.
            view = _make(L.sg_unsqueeze, view._handle, dim)
            advanced[dim] = tensor([0] if k.item() else [], dtype=_dtype.int64)
            dim += 1
        else:  # an index tensor
            if k.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            advanced[dim] = k
            dim += k.dim() if k.dtype is _dtype.bool else 1
    return view, advanced


def _int(value):
    return int(value.item()) if isinstance(value, Tensor) else int(value)


def index_tensors(indices):
    """A C array of index handles (NULL for a whole dimension) from a list of tensors, lists or
    None, and the tensors themselves, which the caller keeps alive until the C call returns."""
    tensors = [i if i is None or isinstance(i, Tensor) else tensor(i) for i in indices]
    handles = [None if i is None else i._handle for i in tensors]
    return (ctypes.c_void_p * len(handles))(*handles), len(handles), tensors


def _advanced_list(view, advanced):
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


def _common_key(t, key):
    """`_apply_basic` for the common keys (ints, slices, None, an ellipsis, int64 index tensors,
    and tuples of these) through the views' own calls: the view and its advanced indices, or
    None for the general path, which takes every other key and raises PyTorch's errors (here a
    call that fails, an index out of range or too many entries, sends the key there). The same
    rules: a lone slice always applies, a slice in a tuple only when it leaves out part of its
    dimension (so only such a slice, or an ellipsis, asks for the shape)."""
    kind = type(key)
    if kind is tuple:
        entries, lone = key, False
    elif kind is int or kind is slice or key is None or key is Ellipsis or kind is Tensor:
        entries, lone = (key,), kind is slice
    else:
        return None
    if _anomaly[0]:
        return None
    view, handle, dim, source_dim, shape, advanced = t, t._handle, 0, 0, None, {}
    for k in entries:
        if type(k) is int:
            function, args = L.sg_select, (dim, k)
            source_dim += 1
        elif type(k) is slice:
            start, stop, step = k.start, k.stop, k.step
            if not ((start is None or type(start) is int) and (stop is None or type(stop) is int)
                    and (step is None or type(step) is int and step > 0)):
                return None
            dim += 1
            source_dim += 1
            if not lone and start in (None, 0) and step in (None, 1):
                if shape is None:
                    shape = t.shape
                if source_dim > len(shape):
                    return None
                if stop is None or stop >= shape[source_dim - 1]:
                    continue
            function = L.sg_slice
            args = (dim - 1, 0 if start is None else start, _INT64_MAX if stop is None else stop, step or 1)
        elif k is None:
            function, args = L.sg_unsqueeze, (dim,)
            dim += 1
        elif type(k) is Tensor and k.dtype is _dtype.int64 and k.dim() > 0:
            advanced[dim] = k
            dim += 1
            source_dim += 1
            continue
        elif k is Ellipsis:
            # The dimensions no entry names, as whole slices in a tuple: left as they are.
            if shape is None:
                shape = t.shape
            used = builtins.sum(1 for e in entries if type(e) in (int, slice, Tensor))
            if used > len(shape) or builtins.sum(1 for e in entries if e is Ellipsis) > 1:
                return None
            dim += len(shape) - used
            source_dim += len(shape) - used
            continue
        else:
            return None
        out = _c_void_p()
        if function(handle, *args, out):
            return None
        view = _wrap(out.value, t._dtype)
        handle = view._handle
    if shape is not None and source_dim > len(shape):
        return None
    return view, advanced


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
    common = _common_key(t, key)
    view, advanced = common if common is not None else _apply_basic(t, key)
    if not advanced:
        return view if view is not t else _keep_dtype(t, _make(L.sg_alias, t._handle))
    array, n, keep = index_tensors(_advanced_list(view, advanced))
    out = _c_void_p()
    status = L.sg_index(view._handle, array, n, _byref(out))
    del keep
    if status:
        _check(status, IndexError)
    return _wrap(out.value, t._dtype)


def setitem(t, key, value):
    common = _common_key(t, key)
    view, advanced = common if common is not None else _apply_basic(t, key)
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
    array, n, keep = index_tensors(_advanced_list(view, advanced))
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
