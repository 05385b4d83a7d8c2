"""torch.testing: assert_close (and the deprecated assert_allclose) to compare tensors, numbers
and containers of them with PyTorch's tolerances and messages, and make_tensor to make test
inputs. (PyTorch's FileCheck, a TorchScript IR checker, has no counterpart.)"""
from ._comparison import assert_allclose, assert_close
from ._creation import make_tensor

__all__ = ["assert_allclose", "assert_close", "make_tensor"]
