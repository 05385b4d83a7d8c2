"""Prints the g++ flags that build a program against the libtorch of the Python running this
script (the torch wheel's headers and libraries): include paths, the C++ ABI macro the wheel
was built with, library paths with an rpath to them, and -ltorch -ltorch_cpu -lc10.

    $TORCH_PYTHON benchmarks/torch_flags.py       (used by the Makefile's libtorch_anchor rule)
"""
import shlex
import sys

try:
    import torch
    from torch.utils import cpp_extension
except Exception as error:  # noqa: BLE001 -- any import failure means: no libtorch here
    sys.exit(f"{sys.executable} cannot import torch ({type(error).__name__}: {error})")

flags = [f"-I{path}" for path in cpp_extension.include_paths()]
flags.append(f"-D_GLIBCXX_USE_CXX11_ABI={int(torch._C._GLIBCXX_USE_CXX11_ABI)}")
for path in cpp_extension.library_paths():
    flags += [f"-L{path}", f"-Wl,-rpath,{path}"]
flags += ["-ltorch", "-ltorch_cpu", "-lc10"]
print(" ".join(shlex.quote(flag) for flag in flags))
