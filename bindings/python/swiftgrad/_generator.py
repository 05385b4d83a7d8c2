"""torch.Generator: a random stream over an sg_generator handle, and the default generator."""
import builtins
import ctypes
import numbers

from . import _device
from . import _lib as L
from ._tensor import _byref, _c_void_p, _check, _make, _require_tensor


class Generator:
    """A random stream (torch.Generator): `torch.Generator().manual_seed(0)` gives the same
    draws every time it is passed as generator=."""

    __slots__ = ("_handle", "device", "__weakref__")

    def __init__(self, device="cpu"):
        self.device = _device.check(device)
        handle = _c_void_p()
        _check(L.sg_generator_new(67280421310721, _byref(handle)))
        self._handle = handle.value

    @classmethod
    def _default(cls):
        g = object.__new__(cls)
        g.device = _device.cpu
        handle = _c_void_p()
        _check(L.sg_generator_default(_byref(handle)))
        g._handle = handle.value
        return g

    def __del__(self, _free=L.sg_generator_free):
        if getattr(self, "_handle", None):
            _free(self._handle)

    def manual_seed(self, seed):
        """Restarts the stream from `seed` and returns the generator."""
        _check(L.sg_generator_manual_seed(self._handle, _seed(seed)))
        return self

    def seed(self):
        """Seeds the stream from the system's entropy and returns the seed."""
        out = ctypes.c_uint64()
        _check(L.sg_generator_seed(self._handle, _byref(out)))
        return out.value

    def initial_seed(self):
        """The seed the stream last started from."""
        out = ctypes.c_uint64()
        _check(L.sg_generator_initial_seed(self._handle, _byref(out)))
        return out.value

    def get_state(self):
        """The stream's state as a uint8 tensor (for set_state)."""
        return _make(L.sg_generator_get_state, self._handle)

    def set_state(self, new_state):
        """Restores a state get_state gave, and returns the generator."""
        _require_tensor("set_state", "new_state", 1, new_state)
        _check(L.sg_generator_set_state(self._handle, new_state._handle))
        return self

    def __repr__(self):
        return f"<torch._C.Generator object at {id(self):#x}>"


default_generator = Generator._default()


def _seed(seed):
    if isinstance(seed, float) and seed.is_integer():
        seed = int(seed)
    if not isinstance(seed, numbers.Integral) or isinstance(seed, builtins.bool):
        raise TypeError(f"manual_seed expected an int, got {type(seed).__name__}")
    if not -0x8000_0000_0000_0000 <= seed <= 0xFFFF_FFFF_FFFF_FFFF:
        raise RuntimeError("Overflow when unpacking long long")
    return int(seed) & 0xFFFF_FFFF_FFFF_FFFF


def _generator_handle(generator):
    """The C handle of a generator argument (None: the default generator)."""
    if generator is None:
        return None
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, got {type(generator).__name__}")
    return generator._handle
