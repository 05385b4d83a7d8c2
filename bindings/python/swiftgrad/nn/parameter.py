"""torch.nn.parameter: Parameter, Buffer, and the uninitialized placeholders lazy modules hold
(UninitializedParameter, UninitializedBuffer) until their first forward gives them a shape."""
from __future__ import annotations

from .. import _lib as L
from .._tensor import Tensor, _new_object, _check
from .._creation import empty

__all__ = ["Parameter", "UninitializedParameter", "is_lazy", "Buffer", "UninitializedBuffer",
           "UninitializedTensorMixin"]


def _take(tensor, source):  # the plumbing under Parameter._take (test_dtype_predictions checks it)
    """Makes the Python object `tensor` the tensor `source` (taking over source's handle and
    freeing its own); the object, and every reference to it, stays the same."""
    if tensor._handle:
        _check(L.sg_tensor_free(tensor._handle))
    tensor._handle, source._handle = source._handle, None
    tensor._dtype = source._dtype
    tensor._small = False


class Parameter(Tensor):
    """A tensor that is a module's parameter: a leaf sharing `data`'s memory, requiring grad by
    default. Assigning one to a Module attribute registers it."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter data must be a Tensor, not {type(data).__name__}")
        p = _new_object(cls)
        p._handle = None
        p._take(data.detach(), requires_grad)  # a new leaf sharing data's storage
        return p

    def _take(self, source, requires_grad):
        """Makes this Parameter the tensor `source` (whose handle it takes over, freeing its
        own), a leaf with `requires_grad`; the Python object stays the same."""
        _take(self, source)
        self.requires_grad_(requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce__(self):
        """Pickling (multiprocessing, copy.copy): the data as a tensor pickles, and
        requires_grad, as PyTorch's _rebuild_parameter."""
        return _rebuild_parameter, (self.detach(), self.requires_grad)

    def __copy__(self):
        return Parameter(self.detach(), self.requires_grad)

    def __deepcopy__(self, memo):
        """copy.deepcopy (of a module, say), as PyTorch: a Parameter over a copy of the data,
        with the same requires_grad and a deep copy of .grad."""
        if id(self) in memo:
            return memo[id(self)]
        result = memo[id(self)] = Parameter(self.detach().clone(), self.requires_grad)
        if self.grad is not None:
            result.grad = self.grad.__deepcopy__(memo)
        return result


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class Buffer(Tensor):
    """torch.nn.Buffer: a tensor that, assigned to a Module attribute, registers as a buffer
    (persistent or not), as register_buffer does. It shares `data`'s memory, detached."""

    __slots__ = ("persistent",)

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = empty(0)
        b = _new_object(cls)
        b._handle = None
        requires_grad = data.requires_grad
        _take(b, data.detach())
        b.requires_grad_(requires_grad)
        b.persistent = persistent
        return b


class UninitializedTensorMixin:
    """What UninitializedParameter and UninitializedBuffer share: no shape until materialize()
    gives them one (then they become a Parameter / a Tensor, the same Python object)."""

    __slots__ = ()
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Gives the placeholder storage of `shape` (uninitialized values, as torch.empty), in
        its dtype or `dtype`, and turns it into `cls_to_become`."""
        if dtype is None:
            dtype = self.dtype
        requires_grad = self.requires_grad
        _take(self, empty(shape, dtype=dtype, device=device))
        if requires_grad:
            self.requires_grad_(True)
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in "
            "`load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call "
            "`forward` to initialize the parameters before accessing their attributes.")

    def size(self, dim=None):
        """The placeholder's own size, torch.Size([0]) (as PyTorch allows size() on it)."""
        return Tensor.shape.fget(self) if dim is None else Tensor.shape.fget(self)[dim]

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self):
        return f"<{self._public_name}>"

    __str__ = __repr__  # print() shows the placeholder too, as PyTorch's

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = memo[id(self)] = self._fresh(self.requires_grad, None, self.dtype)
        return result

    def __reduce__(self):
        return self._fresh, (self.requires_grad, None, self.dtype)


def is_lazy(param):
    """Whether `param` is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is not known yet (a lazy module's, before its first forward):
    it holds no data and its shape cannot be read; materialize() makes it a Parameter."""

    __slots__ = ()
    cls_to_become = Parameter
    _public_name = "UninitializedParameter"

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        p = _new_object(cls)
        p._handle = None
        p._take(empty(0, dtype=dtype, device=device), requires_grad)
        return p

    @classmethod
    def _fresh(cls, requires_grad, device, dtype):
        return UninitializedParameter(requires_grad, device, dtype)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet; materialize() makes it a plain Tensor."""

    __slots__ = ()
    cls_to_become = Tensor
    persistent = True
    _public_name = "UninitializedBuffer"

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        # The persistence is the class's (a slot would keep it from becoming a plain Tensor).
        b = _new_object(UninitializedBuffer if persistent else _NonPersistentUninitializedBuffer)
        b._handle = None
        _take(b, empty(0, dtype=dtype, device=device))
        if requires_grad:
            b.requires_grad_(True)
        return b

    @classmethod
    def _fresh(cls, requires_grad, device, dtype):
        return UninitializedBuffer(requires_grad, device, dtype, cls.persistent)


class _NonPersistentUninitializedBuffer(UninitializedBuffer):
    __slots__ = ()
    persistent = False


# isinstance(x, Buffer) holds for torch's UninitializedBuffer (it carries the buffer flag);
# here the two classes differ in layout, so Module checks both (see _is_buffer_object).
def _is_buffer_object(value):
    return isinstance(value, (Buffer, UninitializedBuffer))
