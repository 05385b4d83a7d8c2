"""The complete autograd from Python, check by check against PyTorch's documented behaviour
(values are also compared with PyTorch in reference/cases.py)."""
import gc
import math
import re
import shutil
import warnings

import pytest

import swiftgrad as torch
from swiftgrad.autograd import Function, GradcheckError


def raises(exception, message):
    return pytest.raises(exception, match="^" + re.escape(message) + "$")


def test_functional_grad_leaves_dot_grad_alone_and_goes_to_third_order():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    g, = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
    assert g.tolist() == [3.0, 12.0] and type(g.grad_fn).__name__ == "MulBackward0"
    gg, = torch.autograd.grad(g.sum(), x, create_graph=True)
    ggg, = torch.autograd.grad(gg.sum(), x)
    assert gg.tolist() == [6.0, 12.0] and ggg.tolist() == [6.0, 6.0]
    assert x.grad is None
    with pytest.warns(UserWarning, match="reference cycle"):
        (x ** 3).sum().backward(create_graph=True)
    assert type(x.grad.grad_fn).__name__ == "CopyBackwards"
    x.grad = None


def test_grad_errors():
    z = torch.tensor([1.0], requires_grad=True)
    w = torch.tensor([1.0], requires_grad=True)
    with raises(RuntimeError, "The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior."):
        torch.autograd.grad((z * 2).sum(), [z, w])
    assert torch.autograd.grad((z * 2).sum(), [z, w], allow_unused=True)[1] is None
    assert torch.autograd.grad((z * 2).sum(), [z, w], materialize_grads=True)[1].tolist() == [0.0]
    with raises(RuntimeError, "One of the differentiated Tensors does not require grad"):
        torch.autograd.grad((z * 2).sum(), [torch.ones(1)])
    with raises(RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn"):
        torch.autograd.grad(torch.ones(1).sum(), [z])


def test_backward_inputs_and_several_outputs():
    c = torch.tensor([1.0], requires_grad=True)
    d = torch.tensor([2.0], requires_grad=True)
    (c * d).sum().backward(inputs=[c])
    assert c.grad.tolist() == [2.0] and d.grad is None
    with raises(RuntimeError, "`inputs` argument to `backward()` cannot be empty."):
        (c * d).sum().backward(inputs=[])
    e = torch.tensor([3.0], requires_grad=True)
    torch.autograd.backward([(e * 2).sum(), (e * e).sum()])
    assert e.grad.tolist() == [8.0]
    e.grad = None
    assert e.grad is None
    torch.autograd.backward([e * 2], grad_tensors=[torch.tensor([0.5])])
    assert e.grad.tolist() == [1.0]


def test_hooks_on_leaves_and_non_leaves():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    handle = a.register_hook(lambda g: g * 10)
    b = a * 2
    seen = []
    b.register_hook(lambda g: seen.append(g.tolist()))
    b.retain_grad()
    assert b.retains_grad and not a.retains_grad
    (b * b).sum().backward()
    assert seen == [[4.0, 8.0]]
    assert b.grad.tolist() == [4.0, 8.0] and a.grad.tolist() == [80.0, 160.0]
    handle.remove()
    a.grad = None
    (a * 2).sum().backward()
    assert a.grad.tolist() == [2.0, 2.0]
    with raises(RuntimeError, "cannot register a hook on a tensor that doesn't require gradient"):
        torch.ones(2).register_hook(lambda g: g)
    with raises(RuntimeError, "can't retain_grad on Tensor that has requires_grad=False"):
        torch.ones(2).retain_grad()
    with pytest.raises(TypeError):
        a.register_hook(5)


def test_reading_grad_of_retained_non_leaf_does_not_warn():
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad.tolist() == [1.0, 1.0]


def test_exceptions_in_callbacks_surface_as_themselves():
    w = torch.ones(2, requires_grad=True)
    w.register_hook(lambda g: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        (w * 2).sum().backward()
    v = torch.ones(2, requires_grad=True)
    v.register_hook(lambda g: "not a tensor")
    with pytest.raises(TypeError, match="expected a Tensor, got str"):
        (v * 2).sum().backward()

    class Broken(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise KeyError("inside backward")

    with pytest.raises(KeyError, match="inside backward"):
        Broken.apply(torch.ones(2, requires_grad=True)).sum().backward()

    class BrokenForward(Function):
        @staticmethod
        def forward(ctx, x):
            raise ValueError("inside forward")

    with pytest.raises(ValueError, match="inside forward"):
        BrokenForward.apply(torch.ones(2, requires_grad=True))
    # The library is still in a good state afterwards.
    assert (torch.ones(2) * 3).tolist() == [3.0, 3.0]


def test_custom_function_with_ctx_features():
    class MulConstant(Function):
        @staticmethod
        def forward(ctx, tensor, constant, other):
            ctx.constant = constant
            ctx.save_for_backward(other)
            assert ctx.needs_input_grad == (True, False, False)
            return tensor * constant * other

        @staticmethod
        def backward(ctx, grad_output):
            other, = ctx.saved_tensors
            return grad_output * ctx.constant * other, None, None

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = MulConstant.apply(x, 3.0, torch.tensor([2.0, 4.0]))
    assert type(y.grad_fn).__name__ == "MulConstantBackward"
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 12.0]
    with raises(RuntimeError, "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."):
        y.sum().backward()

    class WrongCount(Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return g, g

    with raises(RuntimeError, "function WrongCountBackward returned an incorrect number of gradients (expected 1, got 2)"):
        WrongCount.apply(torch.ones(1, requires_grad=True)).sum().backward()


def test_gradcheck_and_gradgradcheck():
    x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: (t * t.sin()).sum(), (x,))
    assert torch.autograd.gradgradcheck(lambda t: (t * t.sin()).sum(), (x,))

    class Wrong(Function):
        @staticmethod
        def forward(ctx, t):
            return t * t

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(GradcheckError, match="^Jacobian mismatch for output 0 with respect to input 0,\nnumerical:"):
        torch.autograd.gradcheck(Wrong.apply, (x,))
    assert torch.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False) is False


def test_functional_api_shapes():
    F = torch.autograd.functional
    x = torch.tensor([1.0, 2.0])
    j = F.jacobian(lambda t: t ** 2, x)
    assert j.tolist() == [[2.0, 0.0], [0.0, 4.0]]
    h = F.hessian(lambda t: (t ** 3).sum(), x)
    assert h.tolist() == [[6.0, 0.0], [0.0, 12.0]]
    out, v = F.vjp(lambda t: (t ** 2).sum(), x)
    assert out.item() == 5.0 and v.tolist() == [2.0, 4.0]
    _, jv = F.jvp(lambda t: t ** 2, x, torch.tensor([1.0, 1.0]))
    assert jv.tolist() == [2.0, 4.0]
    _, hv = F.hvp(lambda t: (t ** 3).sum(), x, torch.tensor([1.0, 0.0]))
    assert hv.tolist() == [6.0, 0.0]
    pair = F.jacobian(lambda a, b: a * b, (x, torch.tensor([3.0, 4.0])))
    assert isinstance(pair, tuple) and pair[1].tolist() == [[1.0, 0.0], [0.0, 2.0]]
    assert not x.requires_grad and x.grad is None
    # v may be left out only for one one-element input (jvp, hvp) or output (vjp).
    s = torch.tensor(3.0)
    assert F.jvp(lambda t: t ** 2, s)[1].item() == 6.0
    assert F.hvp(lambda t: t ** 3, s)[1].item() == 18.0
    with pytest.raises(RuntimeError, match="^The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.$"):
        F.jvp(lambda t: t ** 2, x)
    with pytest.raises(RuntimeError, match="^The vector v can only be None if the user-provided function returns a single Tensor with a single element.$"):
        F.vjp(lambda t: t ** 2, x)


def test_grad_modes_as_decorators_and_per_thread(in_threads):
    x = torch.ones(1, requires_grad=True)

    @torch.no_grad()
    def plain(t):
        return t * 2

    @torch.enable_grad()
    def tracked(t):
        return t * 2

    @torch.set_grad_enabled(False)
    def also_plain(t):
        return t * 2

    assert torch.is_grad_enabled()              # decorating did not change the mode
    assert not plain(x).requires_grad and not also_plain(x).requires_grad
    with torch.no_grad():
        assert tracked(x).requires_grad
    results = {}

    def worker(name, enabled):
        torch.set_grad_enabled(enabled)
        results[name] = ((x * 2).requires_grad, torch.is_grad_enabled())

    in_threads(4, lambda i: worker(i, i % 2 == 0))
    assert results == {0: (True, True), 1: (False, False), 2: (True, True), 3: (False, False)}
    assert torch.is_grad_enabled()


def test_error_messages():
    with raises(RuntimeError, "element 0 of tensors does not require grad and does not have a grad_fn"):
        torch.ones(2).sum().backward()
    with raises(RuntimeError, "Only Tensors of floating point and complex dtype can require gradients"):
        torch.tensor([1, 2]).requires_grad_()
    leaf = torch.ones(2, requires_grad=True)
    with raises(RuntimeError, "a leaf Variable that requires grad is being used in an in-place operation."):
        leaf.add_(1)
    w = torch.ones(3, requires_grad=True)
    y = w * w
    w.detach().zero_()
    with raises(RuntimeError, "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]] is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."):
        y.sum().backward()


def test_anomaly_mode_names_the_node_and_the_call():
    q = torch.tensor([0.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        with torch.autograd.detect_anomaly():
            r = q.sqrt()   # the call that anomaly mode records
            with pytest.raises(RuntimeError) as caught:
                (r * 0).sum().backward()
    message = str(caught.value)
    assert message.startswith("Function 'SqrtBackward0' returned nan values in its 0th output.")
    assert "the forward operation Sqrt, called at:" in message and "r = q.sqrt()" in message
    assert not torch.autograd.is_anomaly_enabled()
    with torch.autograd.set_detect_anomaly(True):
        assert torch.autograd.is_anomaly_enabled()
    assert not torch.autograd.is_anomaly_enabled()


def test_graph_picture(tmp_path):
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    z = u * x
    dot = torch.viz.to_dot(z, title="z")
    assert dot.startswith("digraph swiftgrad {") and "MulBackward0\\n[4]" in dot and "leaf [4]\\nrequires_grad=True" in dot
    if shutil.which("dot"):
        path = torch.viz.render(z, tmp_path / "graph.svg", title="z")
        assert path.read_text().lstrip().startswith("<?xml")
    else:
        with pytest.raises(RuntimeError, match="Graphviz program 'dot' is not installed"):
            torch.viz.render(z, tmp_path / "graph.svg")


def test_hundred_thousand_op_chain_and_no_leaks():
    gc.collect()
    before = torch._live_tensor_count()
    x = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]
    handle = x.register_hook(lambda g: g)
    handle.remove()
    del x, y, handle
    gc.collect()
    assert torch._live_tensor_count() == before


def test_hooks_may_not_change_size_or_type_and_create_graph_warns():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def grow(g):
        return torch.ones(7)

    x.register_hook(grow)
    with raises(RuntimeError, "hook 'grow' has changed the size of value"):
        (x * 2).sum().backward()
    y = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y.register_hook(lambda g: g.double())
    with raises(RuntimeError, "hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)"):
        (y * 2).sum().backward()
    z = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.warns(UserWarning, match="create a reference cycle between the parameter and its gradient"):
        (z * z).sum().backward(create_graph=True)
    z.grad = None  # breaks the cycle, as the warning says
    with raises(RuntimeError, "can't assign Variable as its own grad"):
        z.grad = z


@pytest.mark.parametrize("op", [
    lambda s, m: s * m, lambda s, m: m + s, lambda s, m: m / s, lambda s, m: s - m, lambda s, m: m ** s,
    lambda s, m: torch.maximum(s, m), lambda s, m: torch.where(m > 0, s, m), lambda s, m: torch.lerp(m, 2 * m, s),
    lambda s, m: torch.clamp(m, min=s), lambda s, m: torch.atan2(s, m), lambda s, m: s.expand(2, 3) * m,
])
def test_gradient_of_a_0d_tensor_broadcast_against_a_matrix_is_0d(op):
    # The engine sums the broadcast gradient back to the operand's own shape, () for a 0-d one.
    s = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float64, requires_grad=True)
    op(s, m).sum().backward()
    assert s.grad.shape == () and m.grad.shape == (2, 3)
    # d/ds sum(s * m) = sum(m): one check of the summed value.
    t = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    (t * m).sum().backward()
    assert t.grad.item() == 21.0


def test_writes_into_tensors_in_the_graph():
    # y = 2x, then y[:, 0] = (9, 8), then y[1] = 3 y[1]; loss = sum(y * w). By hand: the first
    # column no longer depends on x; y[0, 1] = 2 x01 (d = 2 w01 = 4); y[1, 1] = 6 x11 (d = 6 w11
    # = 24). PyTorch gives the same (CopySlices there, PutBackward0 here).
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 2
    y[:, 0] = torch.tensor([9.0, 8.0])
    y[1] = y[1] * 3
    assert y.tolist() == [[9.0, 4.0], [24.0, 24.0]]
    (y * torch.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
    assert x.grad.tolist() == [[0.0, 4.0], [0.0, 24.0]]
    # A value that requires grad written into a plain tensor: it gets the gradient of its place.
    v = torch.tensor(5.0, requires_grad=True)
    z = torch.zeros(3)
    z[1] = v
    (z * torch.tensor([1.0, 7.0, 1.0])).sum().backward()
    assert v.grad.item() == 7.0
    # Advanced indexing and index_put_ on a non-leaf: IndexPutBackward0.
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    b[torch.tensor([0, 2])] = torch.tensor([10.0, 20.0])
    assert b.grad_fn.name() == "IndexPutBackward0" and b.tolist() == [10.0, 4.0, 20.0]
    b.sum().backward()
    assert a.grad.tolist() == [0.0, 2.0, 0.0]
    # A leaf that requires grad is still refused.
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation"):
        torch.zeros(2, requires_grad=True)[0] = 1.0


def test_in_place_forms_rebase_the_history():
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    y = x * 1
    assert y.exp_() is y and y.grad_fn.name() == "ExpBackward0"
    y.clamp_(max=3.0)  # exp(1.5) = 4.48 is clamped: no gradient there
    y.sum().backward()
    assert x.grad.tolist() == pytest.approx([math.exp(0.5), 0.0])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        torch.tensor([1, 4]).sqrt_()


def test_matmul_with_a_zero_size_inner_dimension():
    # A sum over nothing: zeros of the outer sizes, and empty gradients.
    a = torch.zeros(2, 0, requires_grad=True)
    b = torch.zeros(0, 3, requires_grad=True)
    out = a @ b
    assert out.shape == (2, 3) and out.tolist() == [[0.0] * 3] * 2
    out.sum().backward()
    assert a.grad.shape == (2, 0) and b.grad.shape == (0, 3)
    assert (torch.zeros(4, 2, 0) @ torch.zeros(4, 0, 5)).shape == (4, 2, 5)
    assert (torch.zeros(3, 0) @ torch.zeros(0)).tolist() == [0.0, 0.0, 0.0]
    assert torch.nn.functional.linear(torch.zeros(2, 0), torch.zeros(4, 0)).shape == (2, 4)
