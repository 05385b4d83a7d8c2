"""Checks an installed swiftgrad package from outside the checkout (run it with the Python of
the environment it was installed into, from another directory): the bundled library is the one
loaded, the chapter runs, a training step with nn and optim works, safetensors round-trips,
and numpy.from_dlpack (and torch.from_dlpack, when torch imports) see the tensor's memory.

    cd / && VENV/bin/python /path/to/scripts/check_installed_python.py
"""
import os
import pathlib
import sys
import tempfile

import swiftgrad as sg

here = pathlib.Path.cwd().resolve()
assert "site-packages" in sg.library_path, f"loaded {sg.library_path}, not the installed copy"
checkout_package = pathlib.Path(__file__).resolve().parents[1] / "bindings" / "python"
assert checkout_package not in pathlib.Path(sg.__file__).resolve().parents, \
    f"imported the checkout's swiftgrad ({sg.__file__}), not the installed one"
assert (pathlib.Path(sg.__file__).parent / "py.typed").is_file()

x = sg.arange(4.0, requires_grad=True)
(2 * sg.dot(x, x)).backward()
assert repr(x.grad) == "tensor([ 0.,  4.,  8., 12.])", repr(x.grad)

model = sg.nn.Sequential(sg.nn.Linear(3, 4), sg.nn.ReLU(), sg.nn.Linear(4, 2))
optimizer = sg.optim.Adam(model.parameters(), lr=0.1)
inputs, targets = sg.randn(8, 3), sg.tensor([0, 1] * 4)
losses = []
for _ in range(20):
    optimizer.zero_grad()
    loss = sg.nn.functional.cross_entropy(model(inputs), targets)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
assert losses[-1] < losses[0], losses

with tempfile.TemporaryDirectory() as directory:
    path = os.path.join(directory, "model.safetensors")
    sg.save_file(model.state_dict(), path)
    assert sg.load_file(path)["0.weight"].tolist() == model[0].weight.tolist()

checked = ["chapter", "nn + optim", "safetensors"]
t = sg.arange(6.0).reshape(2, 3)
try:
    import numpy
except ImportError:
    numpy = None
if numpy is not None:
    a = numpy.from_dlpack(t)
    a[0, 0] = 42
    assert t[0, 0].item() == 42 and a.ctypes.data == t.data_ptr()
    checked.append("numpy.from_dlpack shares memory")
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    p = torch.from_dlpack(t)
    p[1, 2] = -7
    assert t[1, 2].item() == -7 and p.data_ptr() == t.data_ptr()
    checked.append("torch.from_dlpack shares memory")
print(f"installed swiftgrad works from {here} ({sg.library_path}): " + ", ".join(checked))
sys.exit(0)
