"""Collation (torch.utils.data._utils.collate): default_collate merges a list of samples into a
batch (tensors stacked along a new first dimension, numbers and NumPy arrays made tensors,
containers collated field by field), default_convert converts a single sample, and collate()
with a collate_fn_map lets callers extend default_collate by element type."""
import collections
import copy
import re
import sys

from .... import _dtype
from ...._creation import as_tensor, tensor
from ...._functions import stack
from ...._tensor import Tensor

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

#: NumPy dtype strings of arrays of strings and objects, which are not converted.
np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _is_numpy_value(data):
    """Whether `data` is a NumPy array or scalar other than a string scalar."""
    cls = type(data)
    return cls.__module__ == "numpy" and cls.__name__ not in ("str_", "string_")


def _mapping_like(data, values):
    """A mapping of data's kind holding `values` (a dict by key): a copy updated in place when
    it is mutable (it may carry other state), else the type built from a dict, else a dict."""
    try:
        if isinstance(data, collections.abc.MutableMapping):
            clone = copy.copy(data)
            clone.update(values)
            return clone
        return type(data)(values)
    except TypeError:  # the type copies, updates or constructs differently
        return dict(values)


def _sequence_like(data, items):
    """A sequence of data's kind holding `items` (a list), as _mapping_like does for maps."""
    try:
        if isinstance(data, collections.abc.MutableSequence):
            clone = copy.copy(data)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(data)(items)
    except TypeError:  # e.g. range
        return list(items)


def default_convert(data):
    """Converts NumPy arrays and scalars in `data` to tensors, through Mappings, namedtuples
    and Sequences (a tuple becomes a list, as in PyTorch); anything else is returned as is.
    The DataLoader's collate_fn when automatic batching is off (batch_size=None)."""
    if isinstance(data, Tensor):
        return data
    if _is_numpy_value(data):
        if type(data).__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _mapping_like(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _sequence_like(data, [default_convert(d) for d in data])
    return data


def collate(batch, *, collate_fn_map=None):
    """Collates a batch (a list of samples of one structure): an element type in
    collate_fn_map (exactly, else the first key it is an instance of) is collated by that
    function; Mappings, namedtuples and Sequences are collated field by field."""
    if not _numpy_entries_added:
        _add_numpy_entries()
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _mapping_like(elem, {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                                    for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        rest = iter(batch)
        size = len(next(rest))
        if not all(len(e) == size for e in rest):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        return _sequence_like(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Tensors: stacked along a new first dimension (torch.stack)."""
    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    """NumPy arrays: made tensors, then collated as tensors (arrays of strings or objects are
    refused)."""
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    """NumPy scalars: a 1-d tensor of their dtype (torch.as_tensor(batch))."""
    if all(type(b) is type(batch[0]) for b in batch):
        return as_tensor(sys.modules["numpy"].asarray(batch))
    return stack([as_tensor(b) for b in batch])


def collate_float_fn(batch, *, collate_fn_map=None):
    """Python floats: a float64 tensor."""
    return tensor(batch, dtype=_dtype.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """Python ints: an int64 tensor (bools: a bool tensor)."""
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    """Strings and bytes: the list itself."""
    return batch


default_collate_fn_map = {Tensor: collate_tensor_fn}
default_collate_fn_map[float] = collate_float_fn
default_collate_fn_map[int] = collate_int_fn
default_collate_fn_map[str] = collate_str_fn
default_collate_fn_map[bytes] = collate_str_fn

_numpy_entries_added = False


def _add_numpy_entries():
    """Puts NumPy's types in default_collate_fn_map, after the Tensor entry as PyTorch has them
    (arrays, and bool/number/object scalars), once NumPy has been imported: swiftgrad does not
    import NumPy itself, and NumPy values cannot exist before it is imported."""
    global _numpy_entries_added
    np = sys.modules.get("numpy")
    if np is None:
        return
    _numpy_entries_added = True
    entries = list(default_collate_fn_map.items())
    default_collate_fn_map.clear()
    for key, function in entries:
        default_collate_fn_map[key] = function
        if key is Tensor:
            default_collate_fn_map.setdefault(np.ndarray, collate_numpy_array_fn)
            default_collate_fn_map.setdefault((np.bool_, np.number, np.object_), collate_numpy_scalar_fn)
    default_collate_fn_map.setdefault(np.ndarray, collate_numpy_array_fn)  # the Tensor entry was removed
    default_collate_fn_map.setdefault((np.bool_, np.number, np.object_), collate_numpy_scalar_fn)


_add_numpy_entries()


def default_collate(batch):
    """Merges a list of samples into a batch, by the type of its elements: tensors are
    stacked (a new first dimension of the batch size), NumPy arrays and scalars become
    tensors and are stacked, floats a float64 tensor, ints an int64 one, bools a bool one, str
    and bytes stay a list; a Mapping gives a Mapping of each key's collated values, a
    namedtuple a namedtuple of collated fields, a Sequence a list of collated columns (all its
    samples must be of one length). The DataLoader's collate_fn when batching."""
    return collate(batch, collate_fn_map=default_collate_fn_map)
