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


def return_type(name, fields=("values", "indices")):
    """The result type torch.return_types.<name>: a tuple whose items are also attributes
    `fields` ((values, indices) unless given otherwise: frexp's mantissa and exponent, slogdet's
    sign and logabsdet, ...), with PyTorch's repr."""
    fields = tuple(fields)
    key = name if fields == ("values", "indices") else (name, fields)
    cls = _return_types.get(key)
    if cls is None:
        if fields == ("values", "indices"):
            cls = type(f"return_types_{name}", (return_types_max,), {"_name": name})
        else:
            cls = _named_tuple(name, fields)
        _return_types[key] = cls
    return cls


def _named_tuple(name, fields):
    def __new__(cls, *items):
        return tuple.__new__(cls, items)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    namespace = {"__new__": __new__, "__repr__": __repr__, "__slots__": (), "_name": name, "_fields": fields}
    for i, field in enumerate(fields):
        namespace[field] = property(lambda self, i=i: self[i])
    return type(f"return_types_{name}", (tuple,), namespace)
