"""torch.nn.functional.grid_sample and affine_grid: PyTorch's Python front ends (mode names to
enum codes, the align_corners=None warning, affine_grid's shape checks and messages). The math and
every tensor check are the library's (Sources/SwiftGrad/Ops/GridSample.swift), reached through
torch.grid_sampler (sg_grid_sampler) and torch.affine_grid_generator (sg_affine_grid)."""
import warnings

from .. import _ops
from ._registry import export

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed "
                  "to align_corners=False since 1.3.0. Please specify "
                  "align_corners=True if the old behavior is desired. "
                  "See the documentation of grid_sample for details.")

_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}


@export("grid_sample", namespace="nn.functional")
def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):  # noqa: A002 - PyTorch's name
    """Samples input [N, C, H, W] (or [N, C, D, H, W]) at the normalised points of grid
    [N, Ho, Wo, 2] (or [N, Do, Ho, Wo, 3]): mode 'bilinear', 'nearest' or 'bicubic', padding_mode
    'zeros', 'border' or 'reflection'; align_corners None warns and means False, as PyTorch's."""
    if mode != "bilinear" and mode != "nearest" and mode != "bicubic":
        raise ValueError(
            f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode != "zeros" and padding_mode != "border" and padding_mode != "reflection":
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', "
                         f"but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    return _ops.grid_sampler(input, grid, _MODES[mode], _PADDINGS[padding_mode], align_corners)


@export("affine_grid", namespace="nn.functional")
def affine_grid(theta, size, align_corners=None):
    """The sampling grid [N, H, W, 2] (or [N, D, H, W, 3]) of a batch of affine matrices theta
    [N, 2, 3] (or [N, 3, 4]) for an output of size [N, C, H, W] (or [N, C, D, H, W])."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(
                f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got {theta.shape}.")
        spatial_size = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(
                f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got {theta.shape}.")
        spatial_size = size[-3:]
    else:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial_size) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. "
                      "See the documentation of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    return _ops.affine_grid_generator(theta, size, align_corners)


@export("affine_grid_generator")
def affine_grid_generator(theta, size, align_corners):
    """torch.affine_grid_generator(theta, size, align_corners): F.affine_grid without its Python
    checks (the library's: a size of 4 or 5 entries, theta's batch and shape through the batched
    product). PyTorch names the first parameter theta."""
    return _ops.affine_grid_generator(theta, size, align_corners)
