"""Shape operations whose Python signatures the op table cannot express: PyTorch's overloads
(split by a size or by a list of sizes, tensor_split by sections, indices or a tensor), varargs
methods, functions of one tensor or of several (atleast_1d), string options (meshgrid's
indexing) and properties (H, mT, mH). Each only checks its arguments and calls the C function
of the overload."""
import numbers

from .. import _lib as L
from .._creation import zeros
from .._tensor import (
    Size, Tensor, _byref, _c_int64, _dims, _handles, _int, _make, _require_tensor,
    _shape_array, _tensor_list,
)
from ._registry import export, method


def _optional_int(value):
    return None if value is None else _byref(_c_int64(_int(value)))


def _list_call(function, self, values, *rest):
    array, n = _shape_array(_dims(values))
    return _tensor_list(function, self._handle, array, n, *rest)


# ---- split, chunk, tensor_split, hsplit/vsplit/dsplit ----------------------------------------

@method("split")
def _split(self, split_size, dim=0):
    """Views of split_size elements along dim, or of the sizes in a list (Tensor.split)."""
    if isinstance(split_size, (list, tuple, Size)):
        return _list_call(L.sg_split_with_sizes, self, split_size, _int(dim))
    return _tensor_list(L.sg_split, self._handle, _int(split_size), _int(dim))


@export("split")
def split(tensor, split_size_or_sections, dim=0):
    """torch.split: views of split_size_or_sections elements along dim (the last smaller), or of
    the sizes in a list."""
    _require_tensor("split", "tensor", 1, tensor)
    return _split(tensor, split_size_or_sections, dim)


@method("tensor_split")
def _tensor_split(self, indices_or_sections, dim=0):
    """Views along dim: a number of sections of sizes differing by at most one, or cut before
    each of a list of indices; an int64 tensor gives either (0-d: sections, 1-d: indices)."""
    if isinstance(indices_or_sections, Tensor):
        return _tensor_list(L.sg_tensor_split_tensor, self._handle, indices_or_sections._handle, _int(dim))
    if isinstance(indices_or_sections, (list, tuple, Size)):
        return _list_call(L.sg_tensor_split_indices, self, indices_or_sections, _int(dim))
    return _tensor_list(L.sg_tensor_split, self._handle, _int(indices_or_sections), _int(dim))


@export("tensor_split")
def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002 - PyTorch's name
    """torch.tensor_split: see Tensor.tensor_split."""
    _require_tensor("tensor_split", "input", 1, input)
    return _tensor_split(input, indices_or_sections, dim)


def _directional(name, sections_function, indices_function):
    def split_method(self, indices_or_sections):
        if isinstance(indices_or_sections, (list, tuple, Size)):
            return _list_call(indices_function, self, indices_or_sections)
        return _tensor_list(sections_function, self._handle, _int(indices_or_sections))

    def split_function(input, indices_or_sections):  # noqa: A002 - PyTorch's name
        _require_tensor(name, "input", 1, input)
        return split_method(input, indices_or_sections)

    split_method.__name__ = split_function.__name__ = name
    split_method.__doc__ = split_function.__doc__ = (
        f"torch.{name}: equal sections (which must divide the size) or pieces cut before indices.")
    method(name)(split_method)
    export(name)(split_function)


_directional("hsplit", L.sg_hsplit, L.sg_hsplit_indices)
_directional("vsplit", L.sg_vsplit, L.sg_vsplit_indices)
_directional("dsplit", L.sg_dsplit, L.sg_dsplit_indices)


# ---- flip, squeeze, matrix transposes, positive ---------------------------------------------

@method("flip")
def _flip(self, *args, dims=None):
    """The elements in reverse order along dims: x.flip(0, 1), x.flip((0, 1)) or
    x.flip(dims=(0, 1)) (a copy)."""
    if dims is None:
        dims = args[0] if len(args) == 1 and not isinstance(args[0], numbers.Integral) else args
    elif args:
        raise TypeError("flip() got multiple values for argument 'dims'")
    array, n = _shape_array(_dims(dims))
    return _make(L.sg_flip, self._handle, array, n)


@method("squeeze")
def _squeeze(self, dim=None):
    """A view without size-1 dimensions: all of them, dimension dim, or those of a tuple dim."""
    if dim is None:
        return _make(L.sg_squeeze, self._handle)
    if isinstance(dim, (list, tuple, Size)):
        array, n = _shape_array(_dims(dim))
        return _make(L.sg_squeeze_dims, self._handle, array, n)
    return _make(L.sg_squeeze_dim, self._handle, _int(dim))


@export("squeeze_copy")
def squeeze_copy(input, dim=None):  # noqa: A002 - PyTorch's name
    """torch.squeeze_copy: Tensor.squeeze as a copy."""
    _require_tensor("squeeze_copy", "input", 1, input)
    if dim is None:
        return _make(L.sg_squeeze_copy, input._handle)
    if isinstance(dim, (list, tuple, Size)):
        array, n = _shape_array(_dims(dim))
        return _make(L.sg_squeeze_copy_dims, input._handle, array, n)
    return _make(L.sg_squeeze_copy_dim, input._handle, _int(dim))


@method("t")
def _t(self):
    """The transpose of a matrix (a view); 0-d and 1-d tensors as they are."""
    return _make(L.sg_t, self._handle)


method("H")(property(lambda self: _make(L.sg_h, self._handle),
                     doc="The conjugate transpose of a matrix (for real tensors its transpose; a view)."))
method("mT")(property(lambda self: _make(L.sg_mt, self._handle),
                      doc="The last two dimensions swapped (a view)."))
method("mH")(property(lambda self: _make(L.sg_adjoint, self._handle),
                      doc="The conjugate of mT (for real tensors the same; a view)."))


@method("positive", "__pos__")
def _positive(self):
    """The tensor itself (unary plus); refused for bool tensors, as PyTorch."""
    _make(L.sg_positive, self._handle)  # checks the dtype; PyTorch returns the tensor itself
    return self


@export("positive")
def positive(input):  # noqa: A002 - PyTorch's name
    """torch.positive: the tensor itself; refused for bool tensors."""
    _require_tensor("positive", "input", 1, input)
    return _positive(input)


# ---- atleast_nd, broadcast_shapes, meshgrid ---------------------------------------------------

def _atleast(name, function):
    def atleast(*tensors):
        if len(tensors) == 1 and isinstance(tensors[0], Tensor):
            return _make(function, tensors[0]._handle)
        if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
            tensors = tuple(tensors[0])
        for i, t in enumerate(tensors):
            _require_tensor(name, "tensors", i + 1, t)
        return tuple(_make(function, t._handle) for t in tensors)

    atleast.__name__ = name
    atleast.__doc__ = f"torch.{name}: each tensor with at least {name[-2]} dimensions (a tuple for several)."
    export(name)(atleast)


_atleast("atleast_1d", L.sg_atleast_1d)
_atleast("atleast_2d", L.sg_atleast_2d)
_atleast("atleast_3d", L.sg_atleast_3d)


@export("broadcast_shapes")
def broadcast_shapes(*shapes):
    """torch.broadcast_shapes: the shape the shapes broadcast to (an int is a 1-d shape), found
    as PyTorch's own fallback does: by broadcasting 0-d tensors expanded to them."""
    sizes = []
    for shape in shapes:
        shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
        if any(_int(s) < 0 for s in shape):
            raise ValueError("Attempting to broadcast a dimension with negative length!")
        sizes.append(shape)
    if not sizes:
        return Size(())
    scalar = zeros(())
    tensors = [scalar.expand(*s) for s in sizes]
    return Size(_tensor_list(L.sg_broadcast_tensors, *_handles(tensors, "broadcast_shapes"))[0].shape)


@export("meshgrid")
def meshgrid(*tensors, indexing=None):
    """torch.meshgrid: coordinate grids of 0-d or 1-d tensors (expanded views); indexing "ij"
    (the default) or "xy" (the first two dimensions swapped)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    return _tensor_list(L.sg_meshgrid, *_handles(tensors, "meshgrid"), indexing == "xy")


# ---- repeat_interleave ------------------------------------------------------------------------

@method("repeat_interleave")
def _repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
    """Each element repeated `repeats` times (an int, or an int64 tensor of counts) along dim
    (None: of the flattened tensor); with no repeats, self holds the counts and the result is
    the repeated indices."""
    if repeats is None:
        return _make(L.sg_repeat_interleave_indices, self._handle, _optional_int(output_size))
    if isinstance(repeats, Tensor):
        return _make(L.sg_repeat_interleave_tensor, self._handle, repeats._handle,
                     _optional_int(dim), _optional_int(output_size))
    return _make(L.sg_repeat_interleave, self._handle, _int(repeats), _optional_int(dim), _optional_int(output_size))


@export("repeat_interleave")
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):  # noqa: A002 - PyTorch's name
    """torch.repeat_interleave: see Tensor.repeat_interleave."""
    _require_tensor("repeat_interleave", "input", 1, input)
    return _repeat_interleave(input, repeats, dim, output_size=output_size)
