"""swiftgrad: tensors with reverse-mode automatic differentiation, PyTorch's API over the
libswiftgrad C library (through ctypes). Code written for PyTorch runs with
`import swiftgrad as torch` wherever swiftgrad has the feature."""
from . import _lib
from . import _release
from ._dtype import (  # noqa: A004 - torch.bool, torch.float, torch.int
    bfloat16, bool, double, dtype, finfo, float, float16, float32, float64, get_default_dtype, half, iinfo, int, int8,
    int16, int32, int64, long, set_default_dtype, short, uint8,
)
from ._lib import LibraryNotFoundError, SwiftGradError
from ._types import Size
from ._device import device
from ._memory_format import (
    channels_last, channels_last_3d, contiguous_format, layout, memory_format, preserve_format, strided,
)
from ._tensor import Tensor
from ._creation import (
    arange, as_tensor, asarray, empty, empty_like, empty_permuted, eye, full, full_like, linspace, logspace, ones, ones_like,
    scalar_tensor, tensor, zeros, zeros_like,
)
from ._random import (
    Generator, bernoulli, default_generator, get_rng_state, initial_seed, manual_seed, multinomial, normal, rand,
    rand_like, randint, randint_like, randn, randn_like, randperm, seed, set_rng_state,
)
from ._grad_mode import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from ._settings import (
    can_cast, get_default_device, get_num_interop_threads, get_num_threads, is_complex, is_floating_point, is_nonzero,
    promote_types, result_type, set_default_device, set_num_threads, set_printoptions, typename,
)
from ._functions import *  # noqa: F401,F403 - torch.cat, torch.matmul, torch.exp, ...
from ._functions import is_tensor  # noqa: F401
from ._ops import *  # noqa: F401,F403 - torch.exp, torch.softmax, ... (generated from the op table)
from . import _callbacks, _indexing  # noqa: F401,E402 - attach register_hook, __getitem__, __setitem__, index_put_
from ._extra import EXPORTS as _EXTRA  # noqa: E402 - hand-written functions of op families

globals().update(_EXTRA.get("", {}))
# torch.ops.aten.NAME (callable, as PyTorch's overload packets) and torch.ops.aten.NAME.default:
# the aten operators op families register under namespace "ops.aten".
import types as _types  # noqa: E402


class _OpOverloadPacket:
    __slots__ = ("default",)

    def __init__(self, function):
        self.default = function

    def __call__(self, *args, **kwargs):
        return self.default(*args, **kwargs)


ops = _types.SimpleNamespace(aten=_types.SimpleNamespace(
    **{_name: _OpOverloadPacket(_f) for _name, _f in _EXTRA.get("ops.aten", {}).items()}))
from ._serialization import load_file, save_file  # noqa: F401
from ._interop import from_dlpack, from_numpy, frombuffer  # noqa: F401
from . import _serialization as safetensors  # noqa: F401 - swiftgrad.safetensors.save/load/load_metadata
from . import fft, linalg, special  # noqa: F401,E402 - torch.fft, torch.linalg, torch.special
from . import masked  # noqa: F401,E402 - torch.masked
from . import backends, cuda, random  # noqa: F401,E402 - torch.backends, torch.cuda, torch.random
from . import signal  # noqa: F401,E402 - torch.signal.windows
from . import nn  # noqa: E402
from . import autograd  # noqa: E402
from . import distributions  # noqa: E402 - torch.distributions
from . import optim  # noqa: E402
from . import serialization  # noqa: E402 - torch.serialization
from .serialization import load, save  # noqa: E402,F401 - torch.save and torch.load in PyTorch's format
from . import viz  # noqa: E402
from . import utils  # noqa: E402 - torch.utils.data
from . import distributed  # noqa: E402,F401 - torch.distributed (over MPI; mpi4py imported on init)
from . import testing  # noqa: E402 - torch.testing.assert_close, make_tensor

__version__ = ".".join(map(str, _lib.BINDING_VERSION))

#: The libswiftgrad.so this module loaded.
library_path = _lib.library_path


def _live_tensor_count():
    """Tensors alive in the library (sg_live_tensor_count), for leak tests; the handles of small
    tensors that are queued for release (see _release) are released first."""
    _release.flush()
    return _lib.sg_live_tensor_count()
