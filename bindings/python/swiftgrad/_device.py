"""torch.device and the checks that factories and conversions make of a device argument.

swiftgrad computes on the CPU, as PyTorch's CPU build does: a device names any of PyTorch's device
types (so code that builds `torch.device("cuda")` to test for it runs), and asking for memory on a
device other than the CPU raises the error PyTorch's CPU build raises."""

# PyTorch's device types, in the order its message lists them.
_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
          "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """A device: a type ("cpu", "cuda", ...) and an optional index (`torch.device("cuda:1")`)."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - PyTorch's parameter name
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device(): argument 'type' must be str, not torch.device")
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type  # torch.device(1) is the second CUDA device
        elif not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type.__class__.__name__})")
        else:
            name, colon, number = type.partition(":")
            if name not in _TYPES:
                raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device string: {type}")
            if colon:
                if index is not None:
                    raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {type}")
                if not number.isdigit():
                    raise RuntimeError(f"Invalid device string: '{type}'")
                index = int(number)
            type = name
        if index is not None:
            if not isinstance(index, int) or isinstance(index, bool):
                raise TypeError(f"device(): argument 'index' must be int, not {index.__class__.__name__}")
            if index < 0:
                raise RuntimeError("Device index must not be negative")
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name, value):
        raise AttributeError(f"attribute '{name}' of 'torch.device' objects is not writable")

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type,) if self.index is None else (self.type, self.index))

    def __enter__(self):
        check(self)
        return self

    def __exit__(self, *exc):
        return False


cpu = device("cpu")


def check(value):
    """The device a factory or conversion is asked for, as a torch.device; raises PyTorch's
    CPU-build error for a device whose memory swiftgrad cannot give (anything but the CPU)."""
    if value is None:
        return cpu
    d = value if isinstance(value, device) else device(value)
    if d.type == "cpu":
        return d
    if d.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if d.type == "mps":
        raise RuntimeError("MPS backend is not available: swiftgrad computes on the CPU")
    raise RuntimeError(f"Could not run 'aten::empty.memory_format' with arguments from the '{d.type.upper()}' "
                       f"backend: swiftgrad computes on the CPU only")
