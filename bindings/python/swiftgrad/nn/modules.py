"""torch.nn's modules: Parameter, Module and the layers and losses a small model needs. A Module
registers the Parameters and Modules assigned to its attributes, so parameters(),
named_parameters(), state_dict() and load_state_dict() find them, as in PyTorch."""
from __future__ import annotations

import collections
import itertools
import math

from .. import _lib as L
from .._dtype import float32, float64
from .._tensor import Tensor, _new_object, _check
from .._creation import zeros
from .._grad_mode import no_grad
from . import functional as F

__all__ = [
    "Parameter", "Module", "Sequential", "ModuleList", "Linear", "Identity", "ReLU", "Sigmoid", "Tanh", "Softmax",
    "LogSoftmax", "Flatten", "Dropout", "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "PairwiseDistance",
    "CosineSimilarity",
]


class Parameter(Tensor):
    """A tensor that is a module's parameter: a leaf sharing `data`'s memory, requiring grad by
    default. Assigning one to a Module attribute registers it."""

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = zeros(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter data must be a Tensor, not {type(data).__name__}")
        p = _new_object(cls)
        p._handle = None
        p._take(data.detach(), requires_grad)  # a new leaf sharing data's storage
        return p

    def _take(self, source, requires_grad):
        """Makes this Parameter the tensor `source` (whose handle it takes over, freeing its
        own), a leaf with `requires_grad`; the Python object stays the same."""
        if self._handle:
            _check(L.sg_tensor_free(self._handle))
        self._handle, source._handle = source._handle, None
        self._dtype = source._dtype
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


class _IncompatibleKeys(collections.namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _indent(text, spaces):
    lines = text.split("\n")
    return lines[0] if len(lines) == 1 else lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


class Module:
    """The base class of models and layers (torch.nn.Module). Subclasses call
    super().__init__() first, assign Parameters and sub-Modules as attributes, and define
    forward(); calling the module calls forward."""

    training: bool

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    # ---- registration ---------------------------------------------------------------------

    def __setattr__(self, name, value):
        parameters = self.__dict__.get("_parameters")
        if parameters is None and isinstance(value, (Parameter, Module)):
            raise AttributeError("cannot assign parameters or modules before Module.__init__() call")
        if isinstance(value, Parameter):
            self._forget(name)
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self._forget(name)
            self._modules[name] = value
        elif parameters is not None and name in parameters:
            if value is not None:
                raise TypeError(f"cannot assign '{_type_name(value)}' as parameter '{name}' "
                                "(torch.nn.Parameter or None expected)")
            parameters[name] = None
        elif parameters is not None and name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_type_name(value)}' as child module '{name}' "
                                "(torch.nn.Module or None expected)")
            self._modules[name] = None
        elif parameters is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_type_name(value)}' as buffer '{name}' "
                                "(torch.Tensor or None expected)")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Only called when normal lookup fails: parameters, buffers and modules live in dicts.
        for table in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(table)
            if entries is not None and name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for table in (self._parameters, self._buffers, self._modules):
            if name in table:
                del table[name]
                return
        object.__delattr__(self, name)

    def _forget(self, name):
        self.__dict__.pop(name, None)
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(name, None)

    def register_parameter(self, name, param):
        """Adds a parameter (or None) under `name`."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {type(name).__name__}")
        if "." in name or name == "":
            raise KeyError('parameter name can\'t contain "."' if name else 'parameter name can\'t be empty string ""')
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_type_name(param)}' object to parameter '{name}' "
                            "(torch.nn.Parameter or None required)")
        if param is not None and not param.is_leaf:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                             f"created explicitly. To express '{name}' as a function of another Tensor, compute "
                             "the value in the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Adds a tensor that is state but not a parameter (saved in state_dict when persistent)."""
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_type_name(tensor)}' object to buffer '{name}' (torch Tensor or None required)")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self.__dict__.setdefault("_non_persistent", set()).add(name)

    def add_module(self, name, module):
        """Adds a child module (or None) under `name`."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_name(module)} is not a Module subclass")
        self._forget(name)
        self._modules[name] = module

    register_module = add_module

    # ---- calling ----------------------------------------------------------------------------

    def forward(self, *args, **kwargs):
        """The computation of the module; subclasses define it. Call the module rather than forward()."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ---- traversal --------------------------------------------------------------------------

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(name, module) for this module and every descendant, each once ("" is the module itself)."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self):
        """This module and every descendant, each once."""
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        """(name, module) for the direct children."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self):
        """The direct child modules."""
        for _, module in self.named_children():
            yield module

    def _named_members(self, table, prefix, recurse, remove_duplicate=True):
        seen = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, table).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        """(name, Parameter) pairs: this module's, then its children's ("0.weight"), each once."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True):
        """Every Parameter of this module and its descendants, each once (what an optimizer takes)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, tensor) for every buffer, with dotted names."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Every buffer of this module and its descendants."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ---- state ------------------------------------------------------------------------------

    def state_dict(self, destination=None, prefix: str = "", keep_vars: bool = False) -> dict[str, Tensor]:
        """An ordered dict of every parameter and persistent buffer by dotted name, detached
        (sharing memory with the module) unless keep_vars."""
        if destination is None:
            destination = collections.OrderedDict()
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        skipped = self.__dict__.get("_non_persistent", set())
        for name, b in self._buffers.items():
            if b is not None and name not in skipped:
                destination[prefix + name] = b if keep_vars else b.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination, prefix + name + ".", keep_vars)
        return destination

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copies values from `state_dict` into the parameters and buffers (shapes must match),
        or with `assign` makes the state dict's tensors the module's own, as PyTorch does: a
        parameter becomes the given Parameter (or a Parameter sharing the given tensor's memory),
        with the requires_grad of the one it replaces, and keeps the given dtype. With strict,
        missing and unexpected keys are errors; returns both lists."""
        if not isinstance(state_dict, collections.abc.Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict:
            if unexpected:
                errors.append("Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                              f"object from checkpoint but received {type(value)}")
                continue
            if value.shape != target.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape {value.shape} from checkpoint, "
                              f"the shape in current model is {target.shape}.")
                continue
            if assign:
                self._assign(key, target, value)
            else:
                with no_grad():
                    target.copy_(value)
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors))
        return _IncompatibleKeys(missing, unexpected)

    def _assign(self, key, target, value):
        """load_state_dict(assign=True) for one entry: `value` replaces `target`, the parameter or
        buffer at dotted `key`."""
        *path, name = key.split(".")
        owner = self
        for part in path:
            owner = owner._modules[part]
        if isinstance(target, Parameter):
            if isinstance(value, Parameter):
                value.requires_grad_(target.requires_grad)
            else:
                value = Parameter(value, requires_grad=target.requires_grad)
        setattr(owner, name, value)

    # ---- modes and conversions ---------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Sets training mode (for Dropout and the like) on this module and its descendants."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Sets evaluation mode: self.train(False)."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Sets requires_grad on every parameter."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Clears every parameter's gradient: to None (the default), or zeroes it in place, as
        PyTorch does (a gradient that has a graph, from create_graph, is detached first)."""
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            else:
                _check(L.sg_tensor_zero_grad(p._handle))

    def apply(self, fn):
        """Calls fn on every descendant, then on this module."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def to(self, dtype):
        """Converts floating parameters and buffers to `dtype` in place (the Parameter objects
        stay the same, so optimizers made afterwards see the new values)."""
        for module in self.modules():
            for name, p in module._parameters.items():
                if p is not None and p.dtype.is_floating_point and p.dtype != dtype:
                    p._take(p.detach().to(dtype), p.requires_grad)
            for name, b in module._buffers.items():
                if b is not None and b.dtype.is_floating_point:
                    module._buffers[name] = b.to(dtype)
        return self

    def float(self):
        """Converts floating parameters and buffers to float32, in place."""
        return self.to(float32)

    def double(self):
        """Converts floating parameters and buffers to float64, in place."""
        return self.to(float64)

    # ---- printing ---------------------------------------------------------------------------

    def extra_repr(self):
        """The text inside this module's repr parentheses (its configuration); subclasses override it."""
        return ""

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): {_indent(repr(module), 2)}" for name, module in self._modules.items()]
        text = self._get_name() + "("
        if len(extra_lines) == 1 and not child_lines:
            text += extra_lines[0]
        elif extra_lines or child_lines:
            text += "\n  " + "\n  ".join(extra_lines + child_lines) + "\n"
        return text + ")"

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | set(self._parameters) | set(self._modules) | set(self._buffers))


def _type_name(value):
    return value.type() if isinstance(value, Tensor) else type(value).__name__


class _ModuleSequence(Module):
    """Children kept in order under the names "0", "1", ...: length, iteration, indexing (a slice
    gives a container of the same kind) and append."""

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(collections.OrderedDict(list(self._modules.items())[index]))
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range")
        return next(itertools.islice(self._modules.values(), index % n, None))

    def append(self, module):
        """Adds `module` at the end."""
        self.add_module(str(len(self)), module)
        return self


class Sequential(_ModuleSequence):
    """Modules applied in order; indexable, sliceable and iterable."""

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], collections.OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for module in args:
                self.append(module)

    def forward(self, input):  # noqa: A002 - PyTorch's name
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(_ModuleSequence):
    """A list of modules, registered so their parameters are found."""

    def __init__(self, modules=None):
        super().__init__()
        if isinstance(modules, collections.OrderedDict):
            modules = modules.values()
        for module in modules or []:
            self.append(module)


class Identity(Module):
    def forward(self, input):  # noqa: A002
        return input


class Linear(Module):
    """y = x W^T + b, W of shape (out_features, in_features), initialised as PyTorch does:
    uniform in [-1/sqrt(in_features), 1/sqrt(in_features)] for W and b."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(zeros(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(zeros(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
        with no_grad():
            self.weight.uniform_(-bound, bound)
            if self.bias is not None:
                self.bias.uniform_(-bound, bound)

    def forward(self, input):  # noqa: A002
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class _Activation(Module):
    _function = None

    def forward(self, input):  # noqa: A002
        return type(self)._function(input)


class ReLU(_Activation):
    _function = staticmethod(F.relu)

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(_Activation):
    _function = staticmethod(F.sigmoid)


class Tanh(_Activation):
    _function = staticmethod(F.tanh)


class Softmax(Module):
    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    def forward(self, input):  # noqa: A002
        return F.log_softmax(input, self.dim)


class Flatten(Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):  # noqa: A002
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class PairwiseDistance(Module):
    """The p-norm distance between the rows of x1 and x2 (F.pairwise_distance)."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """The cosine similarity of x1 and x2 along dim (F.cosine_similarity)."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class Dropout(Module):
    """Zeroes elements with probability p in training mode, scaling the rest by 1/(1-p)."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.dropout(input, self.p, self.training)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class _Loss(Module):
    _function = None

    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction

    def forward(self, input, target):  # noqa: A002
        return type(self)._function(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    _function = staticmethod(F.mse_loss)


class CrossEntropyLoss(_Loss):
    _function = staticmethod(F.cross_entropy)


class NLLLoss(_Loss):
    _function = staticmethod(F.nll_loss)


class BCELoss(_Loss):
    _function = staticmethod(F.binary_cross_entropy)
