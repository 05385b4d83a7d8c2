"""The torch.* functions the distributions call, gathered from the package's modules (the
distributions are imported by the package, so they cannot import it back)."""
from .._creation import arange, as_tensor, empty, eye, full, full_like, ones, ones_like, tensor, zeros, zeros_like  # noqa: F401
from .._dtype import bool, finfo, float32, float64, get_default_dtype, int64  # noqa: F401,A004
from .._extra.elementwise import xlogy  # noqa: F401
from .._extra.shape import broadcast_shapes  # noqa: F401
from .._extra.sampling import _dirichlet_grad, _sample_dirichlet, _standard_gamma, binomial  # noqa: F401
from .._functions import cat, isclose, stack, where  # noqa: F401
from .. import linalg  # noqa: F401
from .._grad_mode import enable_grad, no_grad  # noqa: F401
from .._ops import broadcast_tensors, poisson  # noqa: F401
from .._random import bernoulli, multinomial, normal, rand  # noqa: F401
from .._tensor import Tensor  # noqa: F401
from .._types import Size  # noqa: F401
from ..autograd import grad  # noqa: F401
from ..autograd.function import Function  # noqa: F401
from ..special import gammainc  # noqa: F401

inf = float("inf")
nan = float("nan")
