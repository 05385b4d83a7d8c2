"""Without numpy everything but .numpy() and array conversion works. (`make test` runs the whole
suite once more with numpy blocked; this file checks the blocked behaviour directly.)"""
import pathlib
import subprocess
import sys

BINDINGS = pathlib.Path(__file__).resolve().parent.parent


def test_everything_but_numpy_works_without_numpy():
    program = (
        "import sys; sys.modules['numpy'] = None\n"
        "import swiftgrad as torch\n"
        "x = torch.arange(4.0, requires_grad=True)\n"
        "y = 2 * torch.dot(x, x); y.backward()\n"
        "assert x.grad.tolist() == [0.0, 4.0, 8.0, 12.0]\n"
        "assert repr(x.grad) == 'tensor([ 0.,  4.,  8., 12.])'\n"
        "try:\n"
        "    x.detach().numpy()\n"
        "except RuntimeError as e:\n"
        "    assert str(e) == 'Numpy is not available'\n"
        "else:\n"
        "    raise AssertionError('numpy() worked without numpy')\n"
        "print('ok')\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            env={"PYTHONPATH": str(BINDINGS), "PATH": "/usr/bin:/bin"})
    assert result.stdout == "ok\n", result.stderr
