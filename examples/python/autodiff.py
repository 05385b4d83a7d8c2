"""D2L's "Automatic Differentiation" chapter, cell by cell, on swiftgrad.

The notebook's code is unchanged except for the import. Where the notebook shows a cell's last
expression (Jupyter displays it), this script prints it, which gives the same text.

    make demo      (or: PYTHONPATH=bindings/python python3 examples/python/autodiff.py)
"""
import swiftgrad as torch

# In [3]: assign x an initial value
x = torch.arange(4.0, requires_grad=True)
print(f"x={x.detach().numpy()}",
      f"\nGradient: {x.grad}")  # the gradient is None by default

# In [4]: calculate y which is equal to 2 * x * x
y = 2 * torch.dot(x, x)
print(f"y = {y.detach().numpy()}")

# In [5]: take the gradient of y with respect to x
y.backward()
print(f"x={x.detach().numpy()}",
      f"\nGradient={x.grad.detach().numpy()}")

# In [6]: check the value of the backward
print(x.grad == 4 * x)

# In [11]: PyTorch does not reset the gradient buffer by itself
x.grad.zero_()  # Reset the gradient
y = x.sum()
y.backward()  # take the gradient which is x
print((x, x.grad))  # displayed by Jupyter

# Backward for non-scalar variables
x.grad.zero_()
y = x * x
y.sum().backward()
print((x, x.grad))  # displayed by Jupyter

# Detaching computation
x.grad.zero_()  # reset the gradient
y = x * x
u = y.detach()
z = u * x

z.sum().backward()
print(x, '\n', y, '\n', u, '\n', x.grad == u)


# Gradients and Python control flow
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()

print(a.grad == d / a)  # displayed by Jupyter
