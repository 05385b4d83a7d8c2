"""Each Tensor owns one library handle and frees it: the library's live-tensor count returns to
where it was, and the interpreter exits cleanly with tensors and graphs still alive."""
import gc
import pathlib
import subprocess
import sys

import swiftgrad as torch

BINDINGS = pathlib.Path(__file__).resolve().parent.parent


def test_hundred_thousand_tensors_are_freed():
    gc.collect()
    before = torch._live_tensor_count()
    x = torch.ones(3, requires_grad=True)
    for _ in range(100_000):
        (x * 2).sum()
    for _ in range(1000):
        y = (x * x).sum()
        y.backward()
    del x, y
    gc.collect()
    assert torch._live_tensor_count() == before


def test_gradients_and_views_do_not_leak():
    gc.collect()
    before = torch._live_tensor_count()
    x = torch.arange(4.0, requires_grad=True)
    u = (x * x).detach()
    (u * x).sum().backward()
    g = x.grad
    del x, u, g
    gc.collect()
    assert torch._live_tensor_count() == before


def test_interpreter_exit_with_live_tensors_and_graphs():
    program = (
        "import swiftgrad as torch\n"
        "x = torch.ones(3, requires_grad=True)\n"
        "y = (x * x).sum()\n"  # a pending graph, never backpropagated
        "z = [torch.randn(4) for _ in range(100)]\n"
        "cycle = [x]; cycle.append(cycle)\n"
        "print('ok')\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            env={"PYTHONPATH": str(BINDINGS), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0 and result.stdout == "ok\n" and result.stderr == ""
