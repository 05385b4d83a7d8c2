"""Random numbers: torch.Generator, the default generator and its seeding, and the random
factories (rand, randn, randint, randperm, normal, bernoulli, multinomial and the *_like forms)
with PyTorch's arguments. The draws are made by the library (its generator is not PyTorch's:
the same seed gives the same draws in swiftgrad on every run, not PyTorch's draws)."""
import builtins
import contextlib
import ctypes
import numbers

from . import _device
from . import _dtype
from . import _lib as L
from ._creation import _creation_dtype, _finish, _like
from ._generator import Generator, _generator_handle, default_generator  # noqa: F401 - re-exported
from ._tensor import (
    Tensor, _byref, _check, _make, _operand, _require_tensor, _shape_array, _size_arguments, _small_shape,
)


def manual_seed(seed):
    """Seeds the default generator (and returns it, as PyTorch does)."""
    return default_generator.manual_seed(seed)


def seed():
    """Seeds the default generator from the system's entropy and returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The seed the default generator last started from."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (a uint8 tensor)."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restores the default generator's state."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """Runs the block with the default generator's state restored afterwards."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


# ---- factories -----------------------------------------------------------------------------------

def _random(name, function, sizes, size, generator, dtype, device, requires_grad, *before):
    if device is not None:
        _device.check(device)
    dims = _size_arguments(name, sizes, size)
    shape, n = _shape_array(dims)
    d = _dtype.get_default_dtype() if dtype is None else _creation_dtype(dtype)
    t = _make(function, *before, shape, n, d._code, None if generator is None else _generator_handle(generator))
    t._dtype = d  # the dtype the library was told to make
    t._small = _small_shape(dims)
    if requires_grad:
        _check(L.sg_tensor_set_requires_grad(t._handle, True))
    return t


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kwargs):
    """Uniform draws in [0, 1)."""
    return _random("rand", L.sg_rand, size, kwargs.get("size"), generator, dtype, device, requires_grad)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kwargs):
    """Standard normal draws."""
    return _random("randn", L.sg_randn, size, kwargs.get("size"), generator, dtype, device, requires_grad)


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    """torch.randint(high, size) or torch.randint(low, high, size): integers in [low, high)."""
    if size is None:
        low, high, size = 0, low, high
    if size is None or high is None:
        raise TypeError("randint() missing required argument 'size'")
    _device.check(device)
    shape, n = _shape_array(_size_arguments("randint", (size,)))
    d = _creation_dtype(dtype, _dtype.int64)
    result = _make(L.sg_randint, int(low), int(high), shape, n, d._code, _generator_handle(generator))
    return _finish(result, requires_grad)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of 0, ..., n - 1."""
    _device.check(device)
    d = _creation_dtype(dtype, _dtype.int64)
    return _finish(_make(L.sg_randperm, int(n), d._code, _generator_handle(generator)), requires_grad)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """torch.normal(mean, std): elementwise with tensor mean and/or std (broadcast), or
    torch.normal(mean, std, size) with numbers."""
    _device.check(device)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if size is not None:
            raise RuntimeError("normal(): size cannot be given with tensor mean or std")
        m, s = _operand(mean), _operand(std)  # held until the call returns
        return _make(L.sg_normal_tensor, m._handle, s._handle, _generator_handle(generator))
    if size is None:
        raise TypeError("normal() received an invalid combination of arguments - got (float, float), but expected "
                        "(float mean, float std, tuple of ints size, *, torch.Generator generator, ...)")
    shape, n = _shape_array(_size_arguments("normal", (size,)))
    d = _creation_dtype(dtype)
    return _finish(_make(L.sg_normal, builtins.float(mean), builtins.float(std), shape, n, d._code,
                         _generator_handle(generator)), requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None):  # noqa: A002
    """1 with probability input (elementwise), else 0; with p, probability p instead."""
    _require_tensor("bernoulli", "input", 1, input)
    if p is not None:
        return input.clone().bernoulli_(p, generator=generator)
    return _make(L.sg_bernoulli, input._handle, _generator_handle(generator))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):  # noqa: A002
    """num_samples indices from each row's categorical distribution with weights input."""
    _require_tensor("multinomial", "input", 1, input)
    return _make(L.sg_multinomial, input._handle, int(num_samples), builtins.bool(replacement),
                 _generator_handle(generator))


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    """rand() shaped like input (and of its dtype unless dtype says otherwise)."""
    shape, d = _like("rand_like", input, dtype, device, memory_format)
    return rand(shape, dtype=d, requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    """randn() shaped like input."""
    shape, d = _like("randn_like", input, dtype, device, memory_format)
    return randn(shape, dtype=d, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,  # noqa: A002
                 memory_format=None):
    """randint(low, high) shaped like input."""
    if high is None:
        low, high = 0, low
    shape, d = _like("randint_like", input, dtype, device, memory_format)
    return randint(low, high, shape, dtype=d, requires_grad=requires_grad)


# ---- the in-place fills -------------------------------------------------------------------------

def _fill(name, function, self, generator, *arguments):
    _check(function(self._handle, *arguments, _generator_handle(generator)))
    return self


def _uniform_(self, a=0.0, b=1.0, *, generator=None, **kwargs):
    """Fills with uniform draws in [a, b) (from/to as keywords too)."""
    a, b = kwargs.get("from", a), kwargs.get("to", b)
    return _fill("uniform_", L.sg_uniform_, self, generator, builtins.float(a), builtins.float(b))


def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills with normal draws."""
    return _fill("normal_", L.sg_normal_, self, generator, builtins.float(mean), builtins.float(std))


def _cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fills with Cauchy draws."""
    return _fill("cauchy_", L.sg_cauchy_, self, generator, builtins.float(median), builtins.float(sigma))


def _exponential_(self, lambd=1.0, *, generator=None):
    """Fills with exponential draws of rate lambd."""
    return _fill("exponential_", L.sg_exponential_, self, generator, builtins.float(lambd))


def _geometric_(self, p, *, generator=None):
    """Fills with geometric draws (trials up to the first success with probability p)."""
    return _fill("geometric_", L.sg_geometric_, self, generator, builtins.float(p))


def _log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fills with log-normal draws."""
    return _fill("log_normal_", L.sg_log_normal_, self, generator, builtins.float(mean), builtins.float(std))


def _random_(self, *args, generator=None, **kwargs):
    """random_(), random_(to), random_(from, to): uniform integers in [from, to)."""
    if len(args) == 1:
        low, high = 0, args[0]
    elif len(args) == 2:
        low, high = args
    elif not args:
        low, high = 0, None
    else:
        raise TypeError(f"random_() takes at most 2 positional arguments ({len(args)} given)")
    low, high = kwargs.get("from", low), kwargs.get("to", high)
    upper = None if high is None else _byref(ctypes.c_int64(int(high)))
    return _fill("random_", L.sg_random_, self, generator, int(low), upper)


def _bernoulli_(self, p=0.5, *, generator=None):
    """Fills with 1 with probability p (a number or a tensor), else 0."""
    probability = _operand(p)
    return _fill("bernoulli_", L.sg_bernoulli_, self, generator, probability._handle)


def _bernoulli(self, p=None, *, generator=None):
    """torch.bernoulli(self): 1 with probability self (or p), else 0."""
    return bernoulli(self, p, generator=generator)


def _multinomial(self, num_samples, replacement=False, *, generator=None):
    """torch.multinomial(self, num_samples, replacement)."""
    return multinomial(self, num_samples, replacement, generator=generator)


for _name, _method in (("uniform_", _uniform_), ("normal_", _normal_), ("cauchy_", _cauchy_),
                       ("exponential_", _exponential_), ("geometric_", _geometric_), ("log_normal_", _log_normal_),
                       ("random_", _random_), ("bernoulli_", _bernoulli_), ("bernoulli", _bernoulli),
                       ("multinomial", _multinomial)):
    setattr(Tensor, _name, _method)
