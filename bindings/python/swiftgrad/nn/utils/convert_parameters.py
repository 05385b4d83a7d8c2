"""torch.nn.utils.convert_parameters: all parameters as one flat vector, and back."""
from ..._functions import cat
from ..._grad_mode import no_grad
from ..._settings import typename
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters) -> Tensor:
    """The parameters flattened and concatenated into one vector (differentiable)."""
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Writes consecutive slices of `vec` into the parameters, each reshaped to its parameter.
    PyTorch rebinds each parameter's `.data` to a view of `vec`; swiftgrad has no `.data`
    assignment, so the values are copied (same values; later writes to `vec` are not seen)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {typename(vec)}")
    pointer = 0
    with no_grad():
        for param in parameters:
            n = param.numel()
            param.copy_(vec[pointer:pointer + n].view_as(param))
            pointer += n
