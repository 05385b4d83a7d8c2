"""The D2L notebook's cells, unchanged after `import swiftgrad as torch`, print what the notebook
shows. Cells run in a fresh interpreter, as a notebook kernel would, with Jupyter's display of
a cell's last expression."""
import pathlib
import subprocess
import sys
import textwrap

import pytest

from conftest import needs_numpy
import swiftgrad as torch

BINDINGS = pathlib.Path(__file__).resolve().parent.parent

CELLS = [
    "import swiftgrad as torch",
    '''
# assign x an initial value
x = torch.arange(4.0, requires_grad=True)
print(f"x={x.detach().numpy()}",
      f"\\nGradient: {x.grad}") # the gradient is None by default
''',
    '''
# calculate y which is equal to 2 * x * x
y = 2 * torch.dot(x, x)
print(f"y = {y.detach().numpy()}")
''',
    '''
y.backward() # take the gradient of y with respect to x
# >> the result of backward is 4x for now

# access the gradient
print(f"x={x.detach().numpy()}",
      f"\\nGradient={x.grad.detach().numpy()}")
''',
    '''
# check the value of the backward
print(x.grad == 4 * x)
''',
    '''
x.grad.zero_() # Reset the gradient
y = x.sum()
y.backward() # take the gradient which is x
x, x.grad # access the gradient of x which is 1
''',
    '''
x.grad.zero_()
y = x * x
y.sum().backward()
x, x.grad
''',
    '''
x.grad.zero_() # reset the gradient
y = x * x
u = y.detach()
z = u * x

z.sum().backward()
print(x, '\\n', y, '\\n', u, '\\n', x.grad == u)
''',
    '''
def f(a):
  b = a * 2
  while b.norm() < 1000:
    b = b * 2
  if b.sum() > 0:
    c = b
  else:
    c = 100 * b
  return c
''',
    '''
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
''',
    '''
a.grad == d / a
''',
]

NOTEBOOK_OUTPUT = """\
x=[0. 1. 2. 3.] 
Gradient: None
y = 28.0
x=[0. 1. 2. 3.] 
Gradient=[ 0.  4.  8. 12.]
tensor([True, True, True, True])
(tensor([0., 1., 2., 3.], requires_grad=True), tensor([1., 1., 1., 1.]))
(tensor([0., 1., 2., 3.], requires_grad=True), tensor([0., 2., 4., 6.]))
tensor([0., 1., 2., 3.], requires_grad=True) 
 tensor([0., 1., 4., 9.], grad_fn=<MulBackward0>) 
 tensor([0., 1., 4., 9.]) 
 tensor([True, True, True, True])
tensor(True)
"""

# Runs cells like a Jupyter kernel: statements execute; a final expression is displayed (repr).
RUNNER = textwrap.dedent("""
    import ast, sys
    namespace = {}
    for cell in CELLS:
        tree = ast.parse(cell)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        if last is not None:
            tree.body.pop()
        exec(compile(tree, "<cell>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
            if value is not None:
                print(repr(value))
""")


@needs_numpy
def test_notebook_prints_what_the_notebook_shows():
    program = f"CELLS = {CELLS!r}\n" + RUNNER
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            env={"PYTHONPATH": str(BINDINGS), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout == NOTEBOOK_OUTPUT


# The notebook's own f, from its cell.
_namespace = {"torch": torch}
exec(CELLS[8], _namespace)
f = _namespace["f"]


@pytest.mark.parametrize("seed", range(300))
def test_control_flow_gradient_for_random_draws(seed):
    torch.manual_seed(seed)
    a = torch.randn(size=(), requires_grad=True)
    d = f(a)
    d.backward()
    # f is linear in a: d = k a with k = 2^m, times 100 when b.sum() <= 0; the gradient is k.
    k = 2.0
    while abs(a.item()) * k < 1000:
        k *= 2
    if a.item() <= 0:
        k *= 100
    assert a.grad.item() == k
    if a.item() > 0:
        # 2^m a is exact in float32, so the notebook's comparison holds exactly.
        assert repr(a.grad == d / a) == "tensor(True)"
    else:
        # 100 * b rounds in float32: d / a is within one ulp of k (PyTorch rounds the same way).
        assert abs((d / a).item() - k) <= k * 2 ** -23


def test_notebook_example_script_runs():
    script = BINDINGS.parent.parent / "examples" / "python" / "autodiff.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            env={"PYTHONPATH": str(BINDINGS), "PATH": "/usr/bin:/bin"})
    try:
        import numpy  # noqa: F401
    except ImportError:
        pytest.skip("the example prints numpy arrays")
    assert result.returncode == 0, result.stderr
    assert result.stdout == NOTEBOOK_OUTPUT
