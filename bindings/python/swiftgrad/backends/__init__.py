"""torch.backends as PyTorch's CPU build reports it: no CUDA, cuDNN or MPS backend."""
import types

cudnn = types.SimpleNamespace(enabled=True, benchmark=False, deterministic=False, allow_tf32=True,
                              is_available=lambda: False, version=lambda: None)
cuda = types.SimpleNamespace(is_built=lambda: False,
                             matmul=types.SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True))
mps = types.SimpleNamespace(is_available=lambda: False, is_built=lambda: False)


def _get_cpu_capability():
    """torch.backends.cpu.get_cpu_capability(): the instruction set the vector kernels run with
    ("AVX2" or "DEFAULT"; SWIFTGRAD_CPU_CAPABILITY=default in the environment keeps the latter)."""
    from .. import _lib as L
    return L.sg_cpu_capability().decode()


cpu = types.SimpleNamespace(get_cpu_capability=_get_cpu_capability)
