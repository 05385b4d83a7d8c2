"""Small value types of the Python API: torch.Size, the grad_fn node classes and the
(values, indices) results of max/min along a dimension."""


class Size(tuple):
    """torch.Size: a tuple of sizes that prints as `torch.Size([2, 3])`."""

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    # Slices, concatenations and repetitions stay sizes, as torch.Size's do.
    def __getitem__(self, index):
        result = tuple.__getitem__(self, index)
        return Size(result) if isinstance(index, slice) else result

    def __add__(self, other):
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to torch.Size")
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(other) + tuple(self))

    def __mul__(self, count):
        return Size(tuple(self) * count)

    __rmul__ = __mul__


class Node:
    """What a tensor's `grad_fn` returns: the backward node that produced it. Its class name is
    PyTorch's (`MulBackward0`)."""

    __slots__ = ()

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"


_node_classes = {}


def _node(name):
    cls = _node_classes.get(name)
    if cls is None:
        cls = _node_classes[name] = type(name, (Node,), {"__slots__": ()})
    return cls()


class return_types_max(tuple):
    """torch.return_types.max / min / sort / topk / ...: (values, indices), also as attributes."""

    _name = "max"

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return f"torch.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


class return_types_min(return_types_max):
    _name = "min"


_return_types = {"max": return_types_max, "min": return_types_min}


def return_type(name):
    """The (values, indices) result type torch.return_types.<name>."""
    cls = _return_types.get(name)
    if cls is None:
        cls = _return_types[name] = type(f"return_types_{name}", (return_types_max,), {"_name": name})
    return cls
