"""torch.nn.parallel: DistributedDataParallel (over swiftgrad.distributed, MPI)."""
from .distributed import DistributedDataParallel  # noqa: F401

__all__ = ["DistributedDataParallel"]
