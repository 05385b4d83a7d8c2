"""Pictures of the backward graph: `to_dot(t)` gives Graphviz DOT text (ops with their output
shapes, leaves that require grad, inputs that need no gradient as grey points); `render(t, path)`
writes an SVG/PNG/PDF with the Graphviz `dot` program when it is installed."""
import ctypes
import pathlib
import shutil
import subprocess

from . import _lib as L
from ._tensor import Tensor, _check


def to_dot(t, title="output"):
    if not isinstance(t, Tensor):
        raise TypeError(f"to_dot(): expected a Tensor, not {type(t).__name__}")
    needed = ctypes.c_size_t()
    _check(L.sg_graph_to_dot(t._handle, title.encode(), None, 0, ctypes.byref(needed)))
    buffer = ctypes.create_string_buffer(needed.value)
    _check(L.sg_graph_to_dot(t._handle, title.encode(), buffer, needed.value, None))
    return buffer.value.decode()


def render(t, path, title="output"):
    """Writes the picture of t's graph to `path`, in the format its suffix names (.svg, .png,
    .pdf), and returns the path."""
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("the Graphviz program 'dot' is not installed (on Debian: apt-get install graphviz); "
                           "swiftgrad.viz.to_dot(t) gives the DOT text")
    path = pathlib.Path(path)
    fmt = path.suffix.lstrip(".") or "svg"
    subprocess.run([dot, f"-T{fmt}", "-o", str(path)], input=to_dot(t, title).encode(), check=True)
    return path
