"""torch.cuda as PyTorch's CPU build has it: no device is available, so code that checks
(`"cuda" if torch.cuda.is_available() else "cpu"`, `torch.cuda.device_count()`) takes the CPU
path, the seeding calls do nothing, and anything that needs a GPU raises PyTorch's error."""


def _unavailable():
    raise AssertionError("Torch not compiled with CUDA enabled")


def is_available() -> bool:
    """False: swiftgrad computes on the CPU."""
    return False


def device_count() -> int:
    """0: no CUDA device."""
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed) -> None:
    """Seeds the CUDA generators: there are none (as in PyTorch without CUDA, a no-op)."""


def manual_seed_all(seed) -> None:
    """As manual_seed."""


def seed() -> None:
    """Nothing to seed (as in PyTorch without CUDA)."""


def seed_all() -> None:
    """Nothing to seed."""


def empty_cache() -> None:
    """Nothing is cached (as in PyTorch without CUDA, a no-op)."""


def init():
    _unavailable()


def current_device():
    _unavailable()


def set_device(device):
    _unavailable()


def synchronize(device=None):
    _unavailable()


def get_device_name(device=None):
    _unavailable()


def get_device_properties(device=None):
    _unavailable()


def get_device_capability(device=None):
    _unavailable()


def memory_allocated(device=None):
    _unavailable()


def max_memory_allocated(device=None):
    _unavailable()
