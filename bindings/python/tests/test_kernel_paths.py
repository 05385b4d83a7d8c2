"""The kernels' special paths against NumPy (float64 where it is the reference): reductions over
outer dimensions (four input rows per pass, split across threads with per-thread totals),
copies between differently laid out tensors (walked in the destination's memory order, tiles
for transposes), the fused gradients of x * x and of a * b (both in one pass) and the broadcast
gradient of a scalar product, backward rules that write over a gradient nobody else holds, and
threshold-style gradients at infinities and NaN.
Each path is reached with sizes that leave remainders (rows not a multiple of 4, tiles cut)."""
import math

import pytest

import swiftgrad as torch

np = pytest.importorskip("numpy")  # the reference (the suite also runs with NumPy blocked)


@pytest.fixture(params=[1, 2], ids=["1-thread", "2-threads"])
def threads(request):
    before = torch.get_num_threads()
    torch.set_num_threads(request.param)
    yield request.param
    torch.set_num_threads(before)


# 601 x 703 (and friends) is above the 2^16 elements from which kernels split across threads.
SHAPES_AND_DIMS = [((601, 703), 0), ((601, 703), 1), ((703, 601), 0), ((5, 301, 203), 1),
                   ((5, 301, 203), 0), ((301, 5, 203), (0, 2)), ((7, 3), 0), ((3, 1, 5), 0)]


@pytest.mark.parametrize("shape,dim", SHAPES_AND_DIMS)
def test_sums_and_extremes_over_any_dimension(threads, shape, dim):
    rng = np.random.default_rng(hash((shape, dim)) % 2**32)
    x = rng.standard_normal(shape).astype(np.float32)
    x.flat[::97] = rng.integers(-3, 4, x.size)[::97] * 1e3  # large terms: the sum is in double
    t = torch.from_numpy(x)
    want = x.astype(np.float64).sum(axis=dim)
    got = t.sum(dim).numpy().astype(np.float64)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-5 * np.abs(x).max())
    np.testing.assert_array_equal(t.amax(dim).numpy(), x.max(axis=dim))
    np.testing.assert_array_equal(t.amin(dim).numpy(), x.min(axis=dim))
    d = torch.from_numpy(x.astype(np.float64))
    np.testing.assert_allclose(d.sum(dim).numpy(), want, rtol=1e-12, atol=1e-9)
    i = torch.from_numpy((x * 10).astype(np.int64))
    np.testing.assert_array_equal(i.sum(dim).numpy(), (x * 10).astype(np.int64).sum(axis=dim))


def test_outer_extremes_propagate_nan_from_any_row(threads):
    x = np.random.default_rng(1).standard_normal((601, 703)).astype(np.float32)
    for row in (0, 1, 299, 300, 301, 599, 600):  # first and last rows of each thread's part
        y = x.copy()
        y[row, 5] = np.nan
        got = torch.from_numpy(y).amax(0).numpy()
        assert np.isnan(got[5]) and not np.isnan(np.delete(got, 5)).any()


def test_outer_products_and_bools(threads):
    x = np.random.default_rng(2).uniform(0.999, 1.001, (601, 703))
    np.testing.assert_allclose(torch.from_numpy(x).prod(0).numpy(), x.prod(axis=0), rtol=1e-12)
    b = x > 1
    np.testing.assert_array_equal(torch.from_numpy(b).sum(0).numpy(), b.sum(axis=0))


PERMUTATIONS = [((1024, 1024), (1, 0)), ((37, 45), (1, 0)), ((9, 33, 17), (2, 0, 1)),
                ((9, 33, 17), (1, 2, 0)), ((4, 3, 40, 41), (0, 2, 3, 1)), ((1, 300, 1, 77), (3, 1, 0, 2))]


@pytest.mark.parametrize("shape,order", PERMUTATIONS)
def test_copies_between_layouts(threads, shape, order):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    t = torch.from_numpy(x)
    want = x.transpose(order)
    # A permuted view made contiguous (a tiled transpose for most of these).
    np.testing.assert_array_equal(t.permute(*order).contiguous().numpy(), want)
    # Into a destination with the same permuted layout: one contiguous run in memory order.
    inverse = np.argsort(order)
    dst = torch.empty(*[shape[i] for i in order]).permute(*inverse)  # shape `shape`, permuted memory
    dst.copy_(t)
    np.testing.assert_array_equal(dst.numpy(), x)
    # Into a contiguous destination from a permuted source, with a dtype conversion on the way.
    out = torch.empty(*want.shape, dtype=torch.float64)
    out.copy_(t.permute(*order))
    np.testing.assert_array_equal(out.numpy(), want.astype(np.float64))


def test_copies_from_flipped_and_broadcast_sources(threads):
    x = np.arange(60 * 70, dtype=np.float32).reshape(60, 70)
    t = torch.from_numpy(x)
    np.testing.assert_array_equal(t.flip(0).t().contiguous().numpy(), x[::-1].T)
    dst = torch.empty(70, 60).t()
    dst.copy_(torch.from_numpy(x[0]))  # a row broadcast into a transposed destination
    np.testing.assert_array_equal(dst.numpy(), np.broadcast_to(x[0], (60, 70)))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_square_gradient_is_the_sum_of_both_edges(dtype):
    x = torch.randn(1000, dtype=dtype, requires_grad=True)
    g = torch.randn(1000, dtype=dtype)
    (x * x).backward(g)
    with torch.no_grad():
        both = g * x  # what each of the two edges carries; the engine would add them
        assert torch.equal(x.grad, both + both)
    # Under create_graph the two edges stay recorded: the second order is 2 g.
    x.grad = None
    first = torch.autograd.grad((x * x * g).sum(), x, create_graph=True)[0]
    (second,) = torch.autograd.grad(first.sum(), x)
    assert torch.equal(second, 2 * g)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 300_001])  # 300,001: split across threads
def test_product_gradients_in_one_pass(threads, dtype, n):
    rng = np.random.default_rng(n)
    a_np, b_np, g_np = (rng.standard_normal(n).astype(dtype) for _ in range(3))
    a = torch.from_numpy(a_np).requires_grad_()
    b = torch.from_numpy(b_np).requires_grad_()
    (a * b).backward(torch.from_numpy(g_np))
    # Each gradient is the product the forward kernel would round: exactly g * other.
    np.testing.assert_array_equal(a.grad.numpy(), g_np * b_np)
    np.testing.assert_array_equal(b.grad.numpy(), g_np * a_np)
    # Views with an offset, and operands that are not dense, give the same values.
    base = torch.from_numpy(np.concatenate([[9.0], a_np]).astype(dtype)).requires_grad_()
    view = base[1:]
    (view * b).backward(torch.from_numpy(g_np))
    np.testing.assert_array_equal(base.grad.numpy()[1:], g_np * b_np)
    if n > 1:
        wide = torch.from_numpy(np.repeat(a_np, 2)).requires_grad_()
        b.grad = None
        (wide[::2] * b).backward(torch.from_numpy(g_np))
        np.testing.assert_array_equal(wide.grad.numpy()[::2], g_np * b_np)
        np.testing.assert_array_equal(b.grad.numpy(), g_np * a_np)


def test_product_gradients_under_create_graph_stay_recorded():
    a = torch.tensor([1.5, -2.0, 3.0], requires_grad=True)
    b = torch.tensor([0.5, 4.0, -1.0], requires_grad=True)
    ga, gb = torch.autograd.grad((a * b).sum(), (a, b), create_graph=True)
    assert ga.grad_fn is not None and gb.grad_fn is not None
    (second,) = torch.autograd.grad((ga * gb).sum(), a)  # d/da sum(b * a) = b
    assert torch.equal(second, b.detach())


def test_square_of_a_tensor_with_a_hook_and_other_uses():
    x = torch.tensor([1.5, -2.0, 3.0], requires_grad=True)
    seen = []
    x.register_hook(lambda grad: seen.append(grad.clone()))
    y = x * x + x * 3
    y.sum().backward()
    assert x.grad.tolist() == [6.0, -1.0, 9.0]  # 2x + 3
    assert len(seen) == 1 and seen[0].tolist() == [6.0, -1.0, 9.0]


def test_scaled_broadcast_gradient_reaches_leaves_as_a_normal_tensor():
    x = torch.randn(5, 7, requires_grad=True)
    inner = []
    y = x * 1.0
    y.register_hook(lambda grad: inner.append(grad.clone()))
    (y * 3).sum().backward()
    assert x.grad.is_contiguous() and x.grad.stride() == (7, 1)
    assert torch.equal(x.grad, torch.full((5, 7), 3.0))
    assert torch.equal(inner[0], torch.full((5, 7), 3.0))
    x.grad.zero_()  # the leaf's gradient is its own memory, not a broadcast single value
    x.grad[0, 0] = 1.0
    assert x.grad.sum().item() == 1.0
    ((x * 2) * 0.5).sum().backward()
    assert torch.equal(x.grad[0], torch.tensor([2.0] + [1.0] * 6))


def test_chains_whose_backward_writes_over_its_own_gradients():
    # With nothing else holding a node's incoming gradient, a product's and a scaled tensor's
    # backward write their result over it. Reference: the derivative carried forward in float64.
    x_np = np.array([0.9, -1.1, 0.5, 1.05])
    x = torch.tensor(x_np.tolist(), dtype=torch.float64, requires_grad=True)
    y, y_np, dy_np = x, x_np.copy(), np.ones(4)
    for _ in range(60):  # y <- y * x + 1, then y <- y * 1.5 / 1.25
        dy_np, y_np = dy_np * x_np + y_np, y_np * x_np + 1
        y = y * x + 1
        dy_np, y_np = dy_np * 1.5 / 1.25, y_np * 1.5 / 1.25
        y = y * 1.5 / 1.25
    c_np = np.array([0.5, 1.0, 1.5, 2.0])
    (y * y * torch.from_numpy(c_np)).sum().backward()  # the square's rule gets a dense gradient
    np.testing.assert_allclose(y.detach().numpy(), y_np, rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), 2 * y_np * c_np * dy_np, rtol=1e-12)


def test_gradients_someone_else_holds_are_not_overwritten():
    c = torch.tensor([1.0, 2.0, 3.0])
    # A hook that keeps the gradient it is given.
    a = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    z = a * 3.0
    seen = []
    z.register_hook(lambda grad: seen.append(grad))
    (z * c).sum().backward()
    assert seen[0].tolist() == [1.0, 2.0, 3.0]
    assert a.grad.tolist() == [3.0, 6.0, 9.0]
    # The same for a square.
    a.grad = None
    s = a * a
    seen = []
    s.register_hook(lambda grad: seen.append(grad))
    (s * c).sum().backward()
    assert seen[0].tolist() == [1.0, 2.0, 3.0]
    assert a.grad.tolist() == [1.0, -4.0, 12.0]
    # retain_grad() of a product's result.
    b = torch.tensor([0.5, 4.0, -1.0], requires_grad=True)
    a.grad = None
    p = a * b
    p.retain_grad()
    (p * c).sum().backward()
    assert p.grad.tolist() == [1.0, 2.0, 3.0]
    assert a.grad.tolist() == [0.5, 8.0, -3.0] and b.grad.tolist() == [0.5, -2.0, 6.0]
    # A gradient captured by autograd.grad on the way to a leaf.
    z = a * 3.0
    gz, ga = torch.autograd.grad((z * c).sum(), (z, a))
    assert gz.tolist() == [1.0, 2.0, 3.0] and ga.tolist() == [3.0, 6.0, 9.0]
    # The caller's own gradient given to backward.
    g = torch.tensor([1.0, -1.0, 2.0])
    a.grad = None
    (a * b).backward(g)
    assert g.tolist() == [1.0, -1.0, 2.0] and a.grad.tolist() == [0.5, -4.0, -2.0]
    a.grad = None
    (a / 4.0).backward(g)
    assert g.tolist() == [1.0, -1.0, 2.0] and a.grad.tolist() == [0.25, -0.25, 0.5]


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid"])
def test_output_based_gradients_over_held_and_free_incoming_gradients(name):
    # relu, tanh and sigmoid write their gradient over the incoming one when the pass alone
    # holds it; a hook's copy must stay as it was given.
    f = getattr(torch, name)
    derivative = {"relu": lambda x: 1.0 if x > 0 else 0.0,
                  "tanh": lambda x: 1 - math.tanh(x) ** 2,
                  "sigmoid": lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2}[name]
    xs = [-1.5, -0.25, 0.5, 2.0]
    c = torch.tensor([1.0, 2.0, 3.0, 4.0], dtype=torch.float64)
    for held in (False, True):
        a = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
        z = f(a)
        seen = []
        if held:
            z.register_hook(lambda grad: seen.append(grad))
        (z * c).sum().backward()
        if held:
            assert seen[0].tolist() == c.tolist()
        want = [ci * derivative(x) for ci, x in zip(c.tolist(), xs)]
        assert a.grad.tolist() == pytest.approx(want, rel=1e-14)


def test_threshold_style_gradients_stop_where_pytorch_stops_them():
    # PyTorch's threshold_backward: 0 where the input (relu: the output) is at or below the
    # threshold, even for an infinite gradient, and the gradient wherever that test fails,
    # NaN included. Values from PyTorch 2.
    nan, inf = float("nan"), float("inf")
    g = torch.tensor([inf, inf, 3.0, 5.0])
    cases = [(torch.relu, [0.0, 0.0, 3.0, 5.0]),
             (lambda t: torch.nn.functional.threshold(t, 0.5, 7.0), [0.0, 0.0, 3.0, 5.0]),
             (torch.nn.functional.hardtanh, [0.0, inf, 0.0, 5.0])]
    for f, want in cases:
        x = torch.tensor([-1.0, 0.0, 2.0, nan], requires_grad=True)
        f(x).backward(g)
        assert x.grad.tolist() == want
        x = torch.tensor([-1.0, 0.0, 2.0, nan], requires_grad=True)
        (recorded,) = torch.autograd.grad(f(x), x, g, create_graph=True)
        assert recorded.tolist() == want
    y = torch.nn.functional.threshold(torch.tensor([-1.0, 0.0, 2.0, nan]), 0.5, 7.0)
    assert y[:3].tolist() == [7.0, 7.0, 2.0] and math.isnan(y[3].item())


def test_small_storages_handed_out_again_start_fresh():
    # A thread keeps the storages of small tensors it frees and hands them out again: the new
    # tensor has its own dtype, and zeros where asked, whatever the old one held. (The version
    # restarting at 0 is checked on the Swift side, KernelTests.)
    for _ in range(3):
        old = [torch.full((n,), 7.0, dtype=torch.float64) for n in (1, 2, 3, 4, 7, 16)]
        for t in old:
            t.add_(1)
        del old, t
        torch._live_tensor_count()  # flushes the binding's batch of small handles
        for n in (1, 2, 3, 4, 7, 16):
            z = torch.zeros(n, dtype=torch.float64)
            assert z.tolist() == [0.0] * n
            i = torch.zeros(2 * n, dtype=torch.int32)
            assert i.tolist() == [0] * (2 * n)
            b = torch.zeros(8 * n, dtype=torch.bool)
            assert not b.any().item()
    # A value saved for backward keeps its storage: an in-place change is still detected.
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()
    for _ in range(100):
        torch.ones(2).add_(1)
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


MATMUL_LAYOUTS = ["dense", "transposed", "strided", "offset"]


def _laid_out(m, layout):
    """A tensor equal to the NumPy matrix m, in the given memory layout."""
    if layout == "dense":
        return torch.from_numpy(m.copy())
    if layout == "transposed":  # BLAS reads it with the transpose flag
        return torch.from_numpy(m.T.copy()).t()
    if layout == "strided":  # no unit stride: copied before BLAS
        wide = np.repeat(m, 2, axis=1)
        return torch.from_numpy(wide)[:, ::2]
    padded = np.concatenate([np.zeros((1, m.shape[1]), m.dtype), m])  # a storage offset
    return torch.from_numpy(padded)[1:]


@pytest.mark.parametrize("left", MATMUL_LAYOUTS)
@pytest.mark.parametrize("right", MATMUL_LAYOUTS)
@pytest.mark.parametrize("n", [1, 3, 8, 33])
def test_matrix_and_vector_products_in_any_layout(left, right, n):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n + 2))
    b = rng.standard_normal((n + 2, n))
    v = rng.standard_normal(n + 2)
    np.testing.assert_allclose((_laid_out(a, left) @ _laid_out(b, right)).numpy(), a @ b, rtol=1e-12)
    vector = _laid_out(v[:, None], right)[:, 0]
    np.testing.assert_allclose((_laid_out(a, left) @ vector).numpy(), a @ v, rtol=1e-12)
    np.testing.assert_allclose(torch.mv(_laid_out(a, left), vector).numpy(), a @ v, rtol=1e-12)


def test_products_of_other_dtypes():
    rng = np.random.default_rng(0)
    a = rng.integers(-5, 6, (4, 3))
    b = rng.integers(-5, 6, (3, 5))
    got = torch.from_numpy(a) @ torch.from_numpy(b)[:, ::1]
    assert got.dtype == torch.int64 and got.tolist() == (a @ b).tolist()
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((3, 5))
    for dtype in (torch.float16, torch.bfloat16):
        ours = torch.tensor(x.tolist(), dtype=dtype) @ torch.tensor(y.tolist(), dtype=dtype).t().contiguous().t()
        assert ours.dtype == dtype and ours.shape == (4, 5)
        # Computed in float32 from the rounded operands, rounded back.
        xr = torch.tensor(x.tolist(), dtype=dtype).float().numpy()
        yr = torch.tensor(y.tolist(), dtype=dtype).float().numpy()
        np.testing.assert_allclose(ours.float().numpy(), xr @ yr, rtol=1e-2 if dtype == torch.bfloat16 else 1e-3,
                                   atol=1e-2)


def test_split_kernels_work_in_a_forked_child(threads, forked_child):
    # The parent's worker threads do not exist in a child: it must make its own (or work alone).
    # A hung worker pool would end the child by the alarm, not the test run.
    x = torch.ones(2**20)
    assert (x * 2).sum().item() == 2.0 * 2**20  # the parent's pool is running
    assert forked_child(lambda: (torch.ones(2**20) * 2).sum().item() == 2.0 * 2**20)


def test_split_kernels_from_several_threads_at_once(threads, in_threads):
    # Matrix products release the GIL and split across the worker pool. One job runs on the pool
    # at a time; the other callers run their pieces on their own threads, with the same split, so
    # every product equals the one computed alone.
    torch.manual_seed(0)
    pairs = [(torch.randn(384, 512), torch.randn(512, 640)) for _ in range(4)]
    alone = [a @ b for a, b in pairs]
    results = {}

    def work(i):
        a, b = pairs[i]
        for _ in range(10):
            results.setdefault(i, []).append(a @ b)
    in_threads(4, work)
    for i in range(4):
        assert all(torch.equal(r, alone[i]) for r in results[i])


def test_advanced_indexing_gathers_blocks_from_any_layout():
    """x[idx] copies each picked block whole when its elements are adjacent in x, and element by
    element otherwise (a transposed or stepped source, indices on a later dimension, several
    index tensors, negative and repeated indices): all against NumPy's fancy indexing."""
    base = np.arange(7 * 9 * 11, dtype=np.float32).reshape(7, 9, 11)
    t = torch.tensor(base)
    idx = np.array([[6, -1, 0], [2, 2, -7]])
    rows = np.array([1, 8, -9, 3])
    cases = [
        (lambda x: x[torch.tensor(idx)], lambda a: a[idx]),
        (lambda x: x.transpose(0, 2)[torch.tensor(rows % 11)], lambda a: a.transpose(2, 1, 0)[rows % 11]),
        (lambda x: x[:, torch.tensor(rows)], lambda a: a[:, rows]),
        (lambda x: x[..., torch.tensor(rows)], lambda a: a[..., rows]),
        (lambda x: x[::2, :, 1::3][torch.tensor([3, 0, 1])], lambda a: a[::2, :, 1::3][[3, 0, 1]]),
        (lambda x: x[torch.tensor([0, 6]), :, torch.tensor([10, -1])], lambda a: a[[0, 6], :, [10, -1]]),
        (lambda x: x[torch.tensor([[1], [4]]), torch.tensor([0, 2, 8])], lambda a: a[[[1], [4]], [0, 2, 8]]),
        (lambda x: x[:, :0][torch.tensor([1, 2])], lambda a: a[:, :0][[1, 2]]),
    ]
    for ours, reference in cases:
        got, want = ours(t), reference(base)
        assert tuple(got.shape) == want.shape
        assert np.array_equal(got.numpy(), want)
    table = torch.tensor(base.reshape(63, 11), requires_grad=True)
    picked = table[torch.tensor([5, 5, 62, 0])]
    picked.sum().backward()
    counts = np.zeros((63, 11), dtype=np.float32)
    for r in [5, 5, 62, 0]:
        counts[r] += 1
    assert np.array_equal(table.grad.numpy(), counts)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pow_by_the_exponents_pytorch_computes_otherwise(dtype):
    """x ** e for e in 1, 2, 3, -2, 0.5, -0.5, -1 as PyTorch's CPU kernel computes them: x * x,
    x * x * x (two roundings), 1 / (x * x), sqrt, 1 / sqrt and 1 / x, with their signed zeros
    and infinities ((-0.0) ** 0.5 is -0.0, (-inf) ** 0.5 NaN); other exponents through pow; the
    gradient e * x ** (e - 1) either way. NumPy's operations in the same dtype are the reference."""
    values = [-0.0, 0.0, float("-inf"), float("inf"), float("nan"), -2.0, 3.3, 7.77, 123.456, 1e-45, 1.5e19,
              1.0000001]
    a = np.array(values, dtype=dtype)
    x = torch.tensor(a)
    with np.errstate(all="ignore"):
        expected = {1: a.copy(), 2: a * a, 3: a * a * a, -2: 1 / (a * a), 0.5: np.sqrt(a), -0.5: 1 / np.sqrt(a),
                    -1: 1 / a, 2.5: np.power(a, a.dtype.type(2.5)), 0: np.ones_like(a)}
    for e, want in expected.items():
        got = (x ** e).numpy()
        assert got.dtype == want.dtype
        if e == 2.5:  # libm's pow against NumPy's: within rounding
            assert np.allclose(got, want, rtol=1e-6, equal_nan=True), (got, want)
            continue
        assert np.array_equal(got, want, equal_nan=True), (e, got, want)
        assert np.array_equal(np.signbit(got[~np.isnan(got)]), np.signbit(want[~np.isnan(want)])), e
    g = torch.tensor(np.array([0.5, 2.0, 3.0], dtype=dtype), requires_grad=True)
    for e in [1, 2, 3, -2, 0.5, -0.5, -1, 2.5]:
        g.grad = None
        (g ** e).sum().backward()
        want = e * np.array([0.5, 2.0, 3.0], dtype="float64") ** (e - 1)
        assert np.allclose(g.grad.numpy(), want, rtol=1e-6), e


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"])
def test_extremes_along_a_dimension_for_every_dtype(dtype):
    """max/min/argmax/argmin along a dimension: the first index at a tie, the first NaN when
    there is one (its value NaN), every dtype; NumPy's argmax/argmin (which pick the same) and
    max/min over the same lanes are the reference."""
    rng = np.random.default_rng(3)
    if dtype == "bool":
        a = rng.integers(0, 2, (37, 19)).astype(bool)
    else:
        a = rng.integers(0, 5, (37, 19)).astype(dtype)  # small values: many ties
    if dtype.startswith("float"):
        a[3, 7] = np.nan
        a[3, 11] = np.nan
        a[:, 5][a[:, 5] == 2] = np.nan
    x = torch.tensor(a)
    for dim in (0, 1, -1):
        for ours, arg, reduce in [(x.max, np.argmax, np.max), (x.min, np.argmin, np.min)]:
            values, indices = ours(dim)
            want = arg(a, axis=dim)
            assert np.array_equal(indices.numpy(), want)
            assert np.array_equal(values.numpy(), reduce(a, axis=dim), equal_nan=True)
            assert values.dtype == x.dtype and indices.dtype == torch.int64
        assert np.array_equal(x.argmax(dim).numpy(), np.argmax(a, axis=dim))
        assert np.array_equal(x.argmin(dim, keepdim=True).numpy(), np.expand_dims(np.argmin(a, axis=dim), dim))
    t = x.t()[2:, ::3]  # a strided view
    assert np.array_equal(t.argmax(1).numpy(), np.argmax(a.T[2:, ::3], axis=1))


def _along(a, idx, dim):
    """gather's reference: the source cut to the index's size apart from dim, then NumPy's
    take_along_axis."""
    cut = tuple(slice(None) if k == dim % a.ndim else slice(0, idx.shape[k]) for k in range(a.ndim))
    return np.take_along_axis(a[cut], idx, dim)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int8", "uint8", "bool"])
def test_gather_along_each_dimension_of_any_layout(threads, dtype):
    """gather walks the index a row at a time: along the last dimension (the row's positions
    from the index) and along earlier ones (the row steps through the source), from transposed
    and stepped sources, with an index smaller than the source, int32 and non-contiguous
    indices; values copied as bits for every dtype. NumPy's take_along_axis is the reference,
    and np.add.at for the gradient (repeated indices add up)."""
    rng = np.random.default_rng(5)
    base = rng.integers(-50, 50, (6, 7, 300)).astype(dtype) if dtype != "bool" else rng.integers(0, 2, (6, 7, 300)).astype(bool)
    views = [(lambda t: t, lambda a: a), (lambda t: t.transpose(0, 2), lambda a: a.transpose(2, 1, 0)),
             (lambda t: t[1:, ::2, 3::5], lambda a: a[1:, ::2, 3::5])]
    for view, same in views:
        a = np.ascontiguousarray(same(base))
        x = view(torch.tensor(base))
        for dim in range(3):
            size = list(a.shape)
            size[(dim + 1) % 3] = max(1, size[(dim + 1) % 3] - 1)  # smaller than the source there
            idx = rng.integers(0, a.shape[dim], size)
            for index in [torch.tensor(idx), torch.tensor(idx.astype(np.int32)), torch.tensor(idx.transpose(2, 1, 0).copy()).permute(2, 1, 0)]:
                got = x.gather(dim, index)
                assert got.dtype == x.dtype and tuple(got.shape) == idx.shape
                assert np.array_equal(got.numpy(), _along(a, idx, dim)), (dim, index.dtype)
    small = np.arange(5.0)
    assert torch.tensor(small).gather(0, torch.tensor(3)).item() == 3.0  # a 0-d index
    assert torch.tensor(2.5).gather(0, torch.tensor([0, 0])).tolist() == [2.5, 2.5]
    # An empty index of another rank: PyTorch checks none of its sizes.
    assert tuple(torch.tensor(small).gather(0, torch.zeros(2, 0, dtype=torch.int64)).shape) == (2, 0)
    with pytest.raises(RuntimeError, match="index 5 is out of bounds for dimension 0 with size 5"):
        torch.tensor(small).gather(0, torch.tensor([1, 5]))
    with pytest.raises(RuntimeError, match="index -1 is out of bounds for dimension 0 with size 5"):
        torch.tensor(small).gather(0, torch.tensor([-1]))
    if dtype in ("float32", "float64"):
        w = torch.tensor(base[:3, :4, :9], requires_grad=True)
        idx = rng.integers(0, 4, (3, 6, 9))
        w.gather(1, torch.tensor(idx)).sum().backward()
        want = np.zeros((3, 4, 9), dtype=dtype)
        np.add.at(want, (np.arange(3)[:, None, None], idx, np.arange(9)[None, None, :]), 1)
        assert np.array_equal(w.grad.numpy(), want)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "float16"])
def test_scatter_add_along_each_dimension_in_index_order(dtype):
    """scatter_add a row of the index at a time: repeated targets add up in the index's order,
    a source larger than the index (only its index-sized corner is read) and strided, every
    dimension; float16 takes the element-by-element path. np.add.at is the reference."""
    rng = np.random.default_rng(8)
    for dim in range(3):
        target = rng.integers(-9, 9, (4, 5, 6)).astype(dtype)
        src = rng.integers(-9, 9, (9, 9, 18)).astype(dtype)
        shape = [3, 4, 5]
        shape[dim] = 8  # more entries than the dimension: repeats
        idx = rng.integers(0, target.shape[dim], shape)
        s = torch.tensor(src)[:, :, ::2]  # strided
        got = torch.tensor(target).scatter_add(dim, torch.tensor(idx), s)
        want = target.astype("float64")
        part = src[:, :, ::2][:shape[0], :shape[1], :shape[2]].astype("float64")
        coords = list(np.indices(shape))
        coords[dim] = idx
        np.add.at(want, tuple(coords), part)
        assert np.array_equal(got.numpy().astype("float64"), want), dim
    for empty, src in [(torch.zeros(2, 0, dtype=torch.int64), torch.ones(2, 0)), (torch.zeros(0, 3, dtype=torch.int64), torch.ones(1))]:
        assert torch.zeros(5).scatter_add(0, empty, src).tolist() == [0.0] * 5
    with pytest.raises(RuntimeError, match="index 6 is out of bounds for dimension 1 with size 6"):
        torch.zeros(2, 6).scatter_add(1, torch.tensor([[6]]), torch.ones(1, 1))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"])
def test_nonzero_for_every_dtype_and_layout(dtype):
    """nonzero tests each element's bits, the sign bit of floats left out: -0.0 is zero, NaN
    and the smallest subnormal are not; 0-d, empty and strided tensors. NumPy's argwhere is the
    reference."""
    rng = np.random.default_rng(1)
    a = rng.integers(0, 3, (5, 4, 7)).astype("float32")
    a[a == 1] = 0
    if dtype.startswith(("float", "bfloat")):
        a[0, 0, :3] = [-0.0, float("nan"), -1e-38 if dtype != "float64" else -5e-324]
        if dtype in ("float16", "bfloat16"):
            a[0, 0, 2] = -1.0
    x = torch.tensor(a).to(getattr(torch, dtype))
    ref = x.float().numpy() != 0 if dtype == "bool" or not dtype.startswith(("float", "bfloat")) else a != 0
    got = x.nonzero()
    assert got.dtype == torch.int64 and tuple(got.shape) == (int(ref.sum()), 3)
    assert np.array_equal(got.numpy(), np.argwhere(ref))
    t = x.transpose(0, 2)[::2]
    assert np.array_equal(t.nonzero().numpy(), np.argwhere(ref.transpose(2, 1, 0)[::2]))
    assert tuple(torch.tensor(5).to(getattr(torch, dtype)).nonzero().shape) == (1, 0)
    assert tuple(torch.tensor(0).to(getattr(torch, dtype)).nonzero().shape) == (0, 0)
    assert tuple(x[:, :0].nonzero().shape) == (0, 3)


def test_silu_in_vector_lanes_against_float64():
    """silu of contiguous float32 runs in vector lanes: x / (1 + e^-x) within 3 ulp of the float64
    value (the formula's float32 roundings: PyTorch's own reaches 2.03 ulp on these inputs), -0.0 far below zero, inf and NaN as PyTorch's (-inf gives NaN); the gradient too."""
    a = np.concatenate([np.linspace(-100, 100, 20011, dtype=np.float32),
                        np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -88.5, 89.0], dtype=np.float32)])
    got = torch.nn.functional.silu(torch.tensor(a)).numpy()
    with np.errstate(all="ignore"):
        want = a.astype("float64") / (1 + np.exp(-a.astype("float64")))
    checked = np.isfinite(a) & (a > -88.6)
    ulp = np.spacing(np.abs(want[checked]).astype(np.float32)).astype("float64")
    assert np.all(np.abs(got[checked] - want[checked]) <= 3 * ulp)
    below = np.isfinite(a) & (a < -88.8)  # e^-x overflows float32: -0.0, as PyTorch's float32 formula gives
    assert below.sum() > 100 and np.all(got[below] == 0) and np.all(np.signbit(got[below]))
    assert got[-6] == np.inf and np.isnan(got[-5]) and np.isnan(got[-4])  # inf, -inf / inf, NaN
    x = torch.tensor(np.array([-3.0, 0.0, 2.0], dtype=np.float32), requires_grad=True)
    torch.nn.functional.silu(x).sum().backward()
    s = 1 / (1 + np.exp(-np.array([-3.0, 0.0, 2.0])))
    assert np.allclose(x.grad.numpy(), s * (1 + np.array([-3.0, 0.0, 2.0]) * (1 - s)), rtol=1e-6)


@pytest.mark.parametrize("n", [1, 7, 8, 37, 300_001])
def test_square_roots_in_vector_lanes_give_the_scalar_bits(threads, n):
    """sqrt and rsqrt of contiguous float32 through the processor's vector square root (the
    main loop and the tail): NumPy's np.sqrt and 1 / np.sqrt in float32 to the bit, signed zero,
    infinities, NaN, negative input and subnormals included; a strided view too."""
    rng = np.random.default_rng(n)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -1.0, 1e-45, 1.2e-38, 3.4e38, 2.0], dtype=np.float32)
    a = np.concatenate([specials, rng.standard_normal(n).astype(np.float32) * 1e3])[:max(n, 1) + 9]
    x = torch.tensor(a)
    with np.errstate(all="ignore"):
        root = np.sqrt(a)
        inverse = np.float32(1) / np.sqrt(a)
    for got, want in [(x.sqrt(), root), (x.rsqrt(), inverse), (x[::3].sqrt(), root[::3])]:
        got = got.numpy()
        assert got.dtype == np.float32
        assert np.array_equal(got.view(np.uint32)[~np.isnan(want)], want.view(np.uint32)[~np.isnan(want)])
        assert np.array_equal(np.isnan(got), np.isnan(want))


@pytest.mark.parametrize("weight", [0.0, 0.3, -0.49, 0.5, 0.75, 1.0, 2.5])
def test_lerp_with_one_weight_in_vector_lanes(threads, weight):
    """lerp of contiguous float32 by one weight (a number or a 0-d tensor) runs in vector lanes:
    the same bits as the element-by-element kernel (a strided view), both one fused multiply-add
    from the nearer end, within an ulp of float64's start + w (end - start); the gradients."""
    rng = np.random.default_rng(4)
    a = rng.standard_normal((301, 37)).astype(np.float32)
    b = rng.standard_normal((301, 37)).astype(np.float32) * 3
    x, y = torch.tensor(a), torch.tensor(b)
    fast = torch.lerp(x, y, weight).numpy()
    assert np.array_equal(torch.lerp(x, y, torch.tensor(weight)).numpy(), fast)
    strided = torch.lerp(torch.tensor(a.T.copy()).t(), torch.tensor(b.T.copy()).t(), weight).numpy()
    assert np.array_equal(strided.view(np.uint32), fast.view(np.uint32))
    d = (b - a).astype(np.float64)  # end - start, rounded to float32 first, as the kernels do
    small = abs(weight) < 0.5
    want = (a if small else b).astype(np.float64) + np.float64(np.float32(weight if small else weight - 1)) * d
    assert np.all(np.abs(fast - want) <= np.spacing(np.abs(want).astype(np.float32)))
    s, e = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    torch.lerp(s, e, weight).sum().backward()
    assert np.allclose(s.grad.numpy(), 1 - weight) and np.allclose(e.grad.numpy(), weight)


def test_lerp_with_a_weight_per_element_in_vector_lanes(threads):
    """lerp by a dense float32 weight tensor runs in vector lanes: the same bits as the
    element-by-element kernel (strided views), weights on both sides of +-0.5 and NaN, a tail
    of the last vector; the weight's gradient is end - start."""
    rng = np.random.default_rng(5)
    a = rng.standard_normal((301, 37)).astype(np.float32)
    b = rng.standard_normal((301, 37)).astype(np.float32) * 3
    w = rng.uniform(-1.5, 2.5, (301, 37)).astype(np.float32)
    w.flat[::11], w.flat[1::13], w.flat[2::17], w.flat[3::19], w.flat[4::23] = 0.5, -0.5, np.nan, 0.49999997, -0.0
    fast = torch.lerp(torch.tensor(a), torch.tensor(b), torch.tensor(w)).numpy()
    strided = torch.lerp(*(torch.tensor(v.T.copy()).t() for v in (a, b, w))).numpy()
    assert np.array_equal(strided.view(np.uint32), fast.view(np.uint32))
    d = (b - a).astype(np.float64)
    small = np.abs(w) < 0.5
    want = np.where(small, a, b).astype(np.float64) + np.where(small, w, w - np.float32(1)).astype(np.float64) * d
    finite = ~np.isnan(w)
    assert np.all(np.abs(fast - want)[finite] <= np.spacing(np.abs(want).astype(np.float32))[finite])
    assert np.isnan(fast[~finite]).all()
    s, e = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    weight = torch.tensor(np.nan_to_num(w), requires_grad=True)
    torch.lerp(s, e, weight).sum().backward()
    np.testing.assert_allclose(weight.grad.numpy(), b - a, rtol=1e-6)
    np.testing.assert_allclose(s.grad.numpy(), 1 - np.nan_to_num(w), rtol=1e-6)


@pytest.mark.parametrize("shape,dim", SHAPES_AND_DIMS)
def test_two_norms_sum_squares_in_one_pass(threads, shape, dim):
    """The 2-norm over any dimension sums float32 squares without a tensor of them: the bits of
    sqrt(sum(x * x)) (the same vector loops, fed squares), within float32 rounding of float64;
    float64 and float16 input, and the gradient x / norm."""
    rng = np.random.default_rng(hash((shape, dim, "norm")) % 2**32)
    x = rng.standard_normal(shape).astype(np.float32)
    t = torch.from_numpy(x)
    got = t.norm(dim=dim).numpy()
    assert np.array_equal(got.view(np.uint32), (t * t).sum(dim).sqrt().numpy().view(np.uint32))
    want = np.sqrt((x.astype(np.float64) ** 2).sum(axis=dim))
    np.testing.assert_allclose(got, want, rtol=3e-7)
    np.testing.assert_allclose(torch.linalg.vector_norm(t, 2, dim).numpy(), got, rtol=0)
    np.testing.assert_allclose(torch.from_numpy(x.astype(np.float64)).norm(dim=dim).numpy(), want, rtol=1e-14)
    half = torch.from_numpy(x).half()
    np.testing.assert_allclose(half.norm(dim=dim).float().numpy(),
                               np.sqrt((half.float().numpy().astype(np.float64) ** 2).sum(axis=dim)), rtol=1e-3)
    g = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    g.norm(dim=dim).sum().backward()
    np.testing.assert_allclose(g.grad.numpy(), x / np.sqrt((x.astype(np.float64) ** 2).sum(axis=dim, keepdims=True)), rtol=1e-12)


@pytest.mark.parametrize("n", [1, 7, 8, 15, 16, 17, 512, 1003])
def test_products_along_rows_in_float64_lanes(threads, n):
    """prod over the last dimension of float32 multiplies in float64 lanes: within float32
    rounding of NumPy's float64 product; zeros, infinities and NaN as PyTorch gives them."""
    rng = np.random.default_rng(n)
    x = rng.uniform(0.8, 1.25, (301, n)).astype(np.float32)  # products well inside float32
    got = torch.from_numpy(x).prod(1).numpy()
    np.testing.assert_allclose(got, x.astype(np.float64).prod(axis=1), rtol=2e-7)
    y = x.copy()
    y[0, n // 2], y[1, n - 1] = 0, np.inf
    y[2, 0] = np.nan
    if n > 1:
        y[3, 0], y[3, n - 1] = np.inf, 0
    special = torch.from_numpy(y).prod(1).numpy()
    with np.errstate(invalid="ignore"):  # inf * 0
        want = y[:4].astype(np.float64).prod(axis=1).astype(np.float32)
    np.testing.assert_array_equal(special[:4], want)


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("shape,dim", [((301, 37), 1), ((301, 37), 0), ((5, 7, 203), 1), ((3, 2), 1)])
def test_scans_run_lanes_side_by_side_across_threads(threads, op, shape, dim):
    """cumsum and cumprod run four lanes side by side, lanes split across threads: each partial
    result is the float64 running value rounded to float32, as one lane at a time gave; the
    gradient (a reversed scan) likewise."""
    rng = np.random.default_rng(len(shape) * 10 + dim)
    x = rng.uniform(0.9, 1.1, shape).astype(np.float32)
    got = getattr(torch.from_numpy(x), op)(dim).numpy()
    running = np.cumsum if op == "cumsum" else np.cumprod
    assert np.array_equal(got, running(x.astype(np.float64), axis=dim).astype(np.float32))
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    getattr(t, op)(dim).sum().backward()
    if op == "cumsum":
        want = np.flip(np.cumsum(np.flip(np.ones(shape), dim), axis=dim), dim)
        np.testing.assert_array_equal(t.grad.numpy(), want)


@pytest.mark.parametrize("name", ["hardswish", "hardsigmoid"])
def test_hard_activations_in_vector_lanes_give_the_scalar_bits(threads, name):
    """hardswish and hardsigmoid of contiguous float32 run in vector lanes: the bits of the
    element-by-element kernel (a strided view) at the kinks, infinities, NaN and a tail."""
    rng = np.random.default_rng(6)
    a = (rng.standard_normal((301, 37)) * 4).astype(np.float32)
    a.flat[:9] = [-3, 3, -0.0, 0, np.inf, -np.inf, np.nan, -2.9999998, 2.9999998]
    f = getattr(torch.nn.functional, name)
    fast = f(torch.tensor(a)).numpy()
    strided = f(torch.tensor(a.T.copy()).t()).numpy()
    assert np.array_equal(fast.view(np.uint32), strided.view(np.uint32))
    r = np.minimum(np.maximum(a.astype(np.float64) + 3, 0), 6) / 6
    with np.errstate(invalid="ignore"):  # -inf * 0
        want = a * r if name == "hardswish" else r
    np.testing.assert_allclose(fast, want, rtol=3e-7, atol=0, equal_nan=True)


def _ulps(got, want):
    """Units in the last place between float32 results and float64 references rounded to
    float32 (the bit patterns of one sign are ordered), as VectorMathTests counts them."""
    def key(v):
        bits = v.astype(np.float32).view(np.int32).astype(np.int64)
        return np.where(bits < 0, -(bits & 0x7FFFFFFF), bits)
    return np.abs(key(got) - key(want))


def test_expm1_and_log1p_in_vector_lanes_against_float64(threads):
    """expm1 and log1p of contiguous float32 run in vector lanes: within 1 and 2 ulp of NumPy's
    float64 results, near zero (where exp(x) - 1 and log(1 + x) cancel) and far from it, with
    signed zeros, -1, the infinities and NaN as PyTorch gives them."""
    rng = np.random.default_rng(6)
    a = np.concatenate([rng.standard_normal(30001) * 10.0 ** rng.integers(-30, 2, 30001),
                        np.linspace(-0.999, 80, 20001)]).astype(np.float32)
    for name, reference, bound in [("expm1", np.expm1, 1), ("log1p", np.log1p, 2)]:
        x = a[a > -1] if name == "log1p" else a
        got = getattr(torch.tensor(x), name)().numpy()
        assert _ulps(got, reference(x.astype(np.float64))).max() <= bound, name
    specials = np.array([0.0, -0.0, -1.0, -2.0, np.inf, -np.inf, np.nan], dtype=np.float32)
    with np.errstate(all="ignore"):
        for name, reference in [("expm1", np.expm1), ("log1p", np.log1p)]:
            got = getattr(torch.tensor(specials), name)().numpy()
            want = reference(specials)
            assert np.array_equal(got, want, equal_nan=True), name
            assert np.array_equal(np.signbit(got[:2]), [False, True]), name


def test_erf_sin_cos_in_vector_lanes_against_float64(threads):
    """erf, sin and cos of contiguous float32 run in vector lanes: within 1 ulp of float64
    (math.erf, NumPy's sin and cos) from tiny to large arguments, sin and cos past 2^20 too
    (where the lanes hand over to libm), and within 1 ulp of the element-by-element path (a
    strided view, libm's erff, sinf and cosf); signed zeros, the infinities and NaN as PyTorch
    gives them."""
    rng = np.random.default_rng(7)
    a = np.concatenate([rng.standard_normal(20001) * 10.0 ** rng.integers(-30, 8, 20001),
                        np.linspace(-5, 5, 20001)]).astype(np.float32)
    erf64 = np.vectorize(math.erf)
    for name, reference in [("erf", erf64), ("sin", np.sin), ("cos", np.cos)]:
        got = getattr(torch.tensor(a), name)().numpy()
        assert _ulps(got, reference(a.astype(np.float64))).max() <= 1, name
        strided = getattr(torch.tensor(np.stack([a, a], 1))[:, 0], name)().numpy()
        assert _ulps(got, strided).max() <= 1, name
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan], dtype=np.float32)
    with np.errstate(all="ignore"):
        for name, want in [("erf", [0.0, -0.0, 1.0, -1.0, np.nan]), ("sin", [0.0, -0.0, np.nan, np.nan, np.nan]),
                           ("cos", [1.0, 1.0, np.nan, np.nan, np.nan])]:
            got = getattr(torch.tensor(specials), name)().numpy()
            want = np.array(want, dtype=np.float32)
            assert np.array_equal(got, want, equal_nan=True), name
            assert np.array_equal(np.signbit(got[:2]), np.signbit(want[:2])), name


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int8", "bool"])
def test_tril_and_triu_zero_runs_of_each_row(dtype):
    """tril and triu zero each row's run of columns in place of the copy: every diagonal from
    beyond the left edge to beyond the right one, a batch of matrices, a transposed input, wide
    and tall shapes, against NumPy's; the gradient is the same triangle of the upstream one."""
    rng = np.random.default_rng(8)
    for shape in [(3, 5, 7), (2, 7, 4), (1, 1), (4, 0, 3)]:
        a = (rng.standard_normal(shape) * 5).astype(dtype)
        for source in [a, np.swapaxes(a, -1, -2)]:
            x = torch.tensor(a) if source is a else torch.tensor(a).transpose(-1, -2)
            for k in [-9, -2, -1, 0, 1, 3, 9, 2**62]:
                assert np.array_equal(x.tril(k).numpy(), np.tril(source, k)), (shape, k)
                assert np.array_equal(torch.triu(x, k).numpy(), np.triu(source, k)), (shape, k)
    x = torch.tensor(rng.standard_normal((2, 4, 6)).astype(np.float64), requires_grad=True)
    g = rng.standard_normal((2, 4, 6))
    x.tril(1).backward(torch.tensor(g))
    assert np.array_equal(x.grad.numpy(), np.tril(g, 1))


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8", "uint8", "bool"])
def test_unique_of_many_integers_by_radix_order(dtype):
    """unique of 256 or more integers orders them by a radix sort over the bytes in which they
    differ: narrow and full ranges, negative values, the int64 extremes, all equal; the values,
    inverse indices and counts against NumPy's, and the comparison sort's on a short input."""
    rng = np.random.default_rng(9)
    info = np.iinfo(dtype) if dtype != "bool" else None
    cases = [rng.integers(0, 2, 700)] if dtype == "bool" else [
        rng.integers(0, 512, (64, 50)), rng.integers(-300, 300, 1001), np.full(300, 7),
        rng.integers(info.min, info.max, 5000, endpoint=True),
        np.concatenate([rng.integers(-3, 3, 400), [info.min, info.max, info.min, info.max]])]
    for a in cases:
        a = a.astype(dtype)
        values, inverse, counts = torch.unique(torch.tensor(a), return_inverse=True, return_counts=True)
        want, want_inverse, want_counts = np.unique(a, return_inverse=True, return_counts=True)
        assert np.array_equal(values.numpy(), want) and values.numpy().dtype == want.dtype
        assert np.array_equal(inverse.numpy(), want_inverse.reshape(a.shape))
        assert np.array_equal(counts.numpy(), want_counts)
        short = torch.unique(torch.tensor(a.reshape(-1)[:100]), return_counts=True)
        assert np.array_equal(short[0].numpy(), np.unique(a.reshape(-1)[:100]))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int16", "int8", "bool"])
def test_masked_select_writes_each_element_and_keeps_the_selected(dtype):
    """masked_select writes every element at the next free place and moves on only where the
    mask holds: half, none, all and a broadcast mask, a transposed source, against NumPy's
    boolean indexing; the gradient goes back to the selected places."""
    rng = np.random.default_rng(10)
    a = (rng.standard_normal((37, 53)) * 9).astype(dtype)
    for m in [rng.random((37, 53)) < 0.5, np.zeros((37, 53), bool), np.ones((37, 53), bool), rng.random(53) < 0.3]:
        got = torch.masked_select(torch.tensor(a), torch.tensor(m)).numpy()
        assert np.array_equal(got, a[np.broadcast_to(m, a.shape)]) and got.dtype == a.dtype
    m = rng.random((53, 37)) < 0.5
    assert np.array_equal(torch.tensor(a).t().masked_select(torch.tensor(m)).numpy(), a.T[m])
    if dtype == "float64":
        x = torch.tensor(a, requires_grad=True)
        m = rng.random((37, 53)) < 0.5
        x.masked_select(torch.tensor(m)).sum().backward()
        assert np.array_equal(x.grad.numpy(), m.astype(np.float64))


def test_elu_family_and_softplus_in_vector_lanes_against_float64(threads):
    """elu, selu, celu and softplus of contiguous float32 run in vector lanes (expm1, and
    log1p of exp): within 2 and 4 ulp of their float64 formulas, with PyTorch's branches
    (elu's x <= 0, softplus's threshold on x beta); a strided view takes the scalar kernel and
    agrees as closely; gradients unchanged."""
    rng = np.random.default_rng(9)
    a = np.concatenate([rng.standard_normal(20001) * 10.0 ** rng.integers(-8, 2, 20001),
                        np.array([0.0, -0.0, -87.0, 25.0, 9.99, 10.01])]).astype(np.float32)
    d = a.astype(np.float64)
    F = torch.nn.functional
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    cases = [(lambda x: F.elu(x), np.where(d <= 0, np.expm1(d), d), 2),
             (lambda x: F.elu(x, 0.5), np.where(d <= 0, np.expm1(d) * 0.5, d), 2),
             (lambda x: F.selu(x), np.where(d <= 0, np.expm1(d) * alpha * scale, d * scale), 2),
             (lambda x: F.celu(x, 2.0), np.where(d <= 0, np.expm1(d / 2) * 2, d), 2),
             (lambda x: F.softplus(x), np.where(d > 20, d, np.log1p(np.exp(d))), 4),
             (lambda x: F.softplus(x, 2.0, 20.0), np.where(2 * d > 20, d, np.log1p(np.exp(2 * d)) / 2), 4)]
    for i, (f, want, bound) in enumerate(cases):
        for got in (f(torch.tensor(a)).numpy(), f(torch.tensor(np.stack([a, a]).T.copy()).t()[0]).numpy()):
            assert _ulps(got, want).max() <= bound, i
            assert np.signbit(got[-5]) == (i < 4)  # -0.0 stays -0.0 through elu's x <= 0 branch
    x = torch.tensor(np.array([-2.0, 0.5, 30.0], dtype=np.float32), requires_grad=True)
    F.softplus(x).sum().backward()
    assert np.allclose(x.grad.numpy(), [1 / (1 + np.exp(2.0)), 1 / (1 + np.exp(-0.5)), 1.0], rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_products_with_one_row_or_column_through_gemv(dtype):
    """A product with one column of the result (a matrix times a vector, Linear(k, 1)) or one
    row (a vector times a matrix) goes to BLAS's gemv; Linear(k, 1)'s weight gradient, added
    into .grad, stays with gemm: every operand layout (transposed, stepped rows), against NumPy
    in float64; c += a @ b too (addmm)."""
    rng = np.random.default_rng(12)
    a = rng.standard_normal((37, 53)).astype(dtype)
    v = rng.standard_normal(53).astype(dtype)
    w = rng.standard_normal(37).astype(dtype)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    A, At = torch.tensor(a), torch.tensor(a.T.copy()).t()
    for m in (A, At):
        assert np.allclose((m @ torch.tensor(v)).numpy(), a.astype(np.float64) @ v, **tol)
        assert np.allclose((torch.tensor(w) @ m).numpy(), w.astype(np.float64) @ a, **tol)
        assert np.allclose(m.mm(torch.tensor(v).reshape(53, 1)).numpy(), (a.astype(np.float64) @ v)[:, None], **tol)
        assert np.allclose(torch.tensor(w).reshape(1, 37).mm(m).numpy(), (w.astype(np.float64) @ a)[None], **tol)
    stepped = torch.tensor(np.stack([v, v], 1)).t()[0]  # a vector with stride 2
    assert np.allclose((A @ stepped).numpy(), a.astype(np.float64) @ v, **tol)
    column = torch.tensor(np.stack([v, v], 1))[:, :1]  # a [53, 1] column with row stride 2
    assert np.allclose(A.mm(column).numpy(), (a.astype(np.float64) @ v)[:, None], **tol)
    bias = rng.standard_normal((37, 1)).astype(dtype)
    got = torch.addmm(torch.tensor(bias), A, torch.tensor(v).reshape(53, 1)).numpy()
    assert np.allclose(got, bias + (a.astype(np.float64) @ v)[:, None], **tol)
    x = torch.tensor(a, requires_grad=True)
    lin = torch.tensor(v.reshape(1, 53), requires_grad=True)
    out = x @ lin.t()
    g = rng.standard_normal((37, 1)).astype(dtype)
    out.backward(torch.tensor(g))
    assert np.allclose(x.grad.numpy(), g.astype(np.float64) @ v[None], **tol)
    assert np.allclose(lin.grad.numpy(), g.astype(np.float64).T @ a, **tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_products_and_batches_split_over_threads(threads, dtype):
    """A vector times a matrix large enough to split (gemv on bands of the result's columns), in
    both layouts of the matrix and from a stepped vector; batched products split into whole
    products per thread (many small ones, as attention's heads) or each split itself (a few
    large ones); batch stride 0 on either side. Against NumPy in float64."""
    rng = np.random.default_rng(5)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    w = rng.standard_normal(300).astype(dtype)
    a = rng.standard_normal((300, 701)).astype(dtype)
    want = w.astype(np.float64) @ a
    for m in (torch.tensor(a), torch.tensor(a.T.copy()).t()):
        np.testing.assert_allclose((torch.tensor(w) @ m).numpy(), want, **tol)
        np.testing.assert_allclose(torch.tensor(np.stack([w, w], 1))[:, 1].matmul(m).numpy(), want, **tol)
        np.testing.assert_allclose((torch.tensor(w).reshape(1, 300) @ m).numpy(), want[None], **tol)
    for batch, m, k, n in [(16, 64, 64, 64), (3, 5, 7, 9), (2, 300, 200, 250), (5, 1, 300, 701)]:
        x = rng.standard_normal((batch, m, k)).astype(dtype)
        y = rng.standard_normal((batch, k, n)).astype(dtype)
        want = x.astype(np.float64) @ y
        np.testing.assert_allclose(torch.bmm(torch.tensor(x), torch.tensor(y)).numpy(), want, **tol)
        yt = torch.tensor(np.ascontiguousarray(y.transpose(0, 2, 1))).transpose(1, 2)
        np.testing.assert_allclose(torch.matmul(torch.tensor(x), yt).numpy(), want, **tol)
        shared = torch.tensor(y[0]).expand(batch, k, n)  # batch stride 0
        np.testing.assert_allclose(torch.bmm(torch.tensor(x), shared).numpy(), x.astype(np.float64) @ y[0], **tol)


def test_strided_copies_and_broadcasts_split_over_threads(threads):
    """Copies into a new tensor from flipped, transposed, broadcast and sliced sources, and
    elementwise functions of broadcast or strided operands, large enough to split across
    threads over the result's outer dimension (odd sizes: pieces of unequal rows)."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal((301, 703)).astype(np.float32)
    y = rng.standard_normal(703).astype(np.float32)
    c = rng.standard_normal((301, 1)) > 0
    t, u = torch.from_numpy(x), torch.from_numpy(y)
    np.testing.assert_array_equal(t.flip(1).numpy(), x[:, ::-1])
    np.testing.assert_array_equal(t.flip(0).numpy(), x[::-1])
    np.testing.assert_array_equal(t.t().contiguous().numpy(), x.T)
    np.testing.assert_array_equal(u.expand(301, 703).contiguous().numpy(), np.broadcast_to(y, (301, 703)))
    np.testing.assert_array_equal(t[:, 1::2].contiguous().numpy(), x[:, 1::2])
    np.testing.assert_array_equal((t + u).numpy(), x + y)
    np.testing.assert_array_equal((t.t()[::2] * 2.5).numpy(), x.T[::2] * np.float32(2.5))
    np.testing.assert_allclose(t.t().exp().numpy(), np.exp(x.T.astype(np.float64)), rtol=3e-7)
    np.testing.assert_array_equal(torch.where(torch.from_numpy(c), t, u).numpy(), np.where(c, x, y))
    np.testing.assert_array_equal(torch.addcmul(t, t, u, value=0.5).numpy(),  # u broadcast
                                  torch.addcmul(t, t, u.expand(301, 703).contiguous(), value=0.5).numpy())


@pytest.mark.parametrize("inner", [(3,), ()], ids=["middle-dim", "last-dim"])
def test_index_add_copy_and_reduce_over_many_outer_slices(threads, inner):
    """index_add, index_copy and index_reduce along a middle dimension (slices of three
    elements) and along the last one (a column at a time): repeated indices combine in index
    order (np.add.at's sums to the bit, np.maximum.at's maxima; the last copy wins)."""
    rng = np.random.default_rng(13)
    base = rng.standard_normal((300, 40) + inner)
    src = rng.standard_normal((300, 700) + inner)
    idx = rng.integers(0, 40, 700)
    got = torch.tensor(base).index_add(1, torch.tensor(idx), torch.tensor(src), alpha=0.5).numpy()
    want = base.copy()
    np.add.at(want, (slice(None), idx), 0.5 * src)
    assert np.array_equal(got, want)
    copied = torch.tensor(base).index_copy(1, torch.tensor(idx), torch.tensor(src)).numpy()
    last = base.copy()
    for j, t in enumerate(idx):
        last[:, t] = src[:, j]
    assert np.array_equal(copied, last)
    amax = torch.tensor(base).index_reduce(1, torch.tensor(idx), torch.tensor(src), "amax").numpy()
    top = base.copy()
    np.maximum.at(top, (slice(None), idx), src)
    assert np.array_equal(amax, top)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_arithmetic_with_a_number_on_either_side(threads, dtype):
    """x - s, s - x, x / s, s / x (and + and *) with a Python number, the number on either side
    a loop of its own: NumPy's same operations in the same dtype to the bit (s / x as PyTorch's
    __rtruediv__ computes it, the reciprocal of x times s), signed zeros, infinities and NaN
    included, contiguous (split across threads) and strided."""
    rng = np.random.default_rng(14)
    a = np.concatenate([rng.standard_normal(300_001), [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-310]]).astype(dtype)
    x = torch.tensor(a)
    with np.errstate(all="ignore"):
        for s in (1.0, -2.5, 0.0, 3.0e-3):
            c = a.dtype.type(s)
            one = a.dtype.type(1)
            for got, want in [(x - s, a - c), (s - x, c - a), (x / s, a / c), (s / x, one / a * c), (x + s, a + c),
                              (x * s, a * c), (x[::3] - s, a[::3] - c), (s - x[::3], c - a[::3]),
                              (x[::3].div(s), a[::3] / c)]:
                got = got.numpy()
                assert got.dtype == want.dtype
                assert np.array_equal(got, want, equal_nan=True), s
                numbers = ~np.isnan(want)
                assert np.array_equal(np.signbit(got[numbers]), np.signbit(want[numbers])), s


# 80 values in 0..4 (random.seed(3); randint(0, 4)) with -0.0 at 5, 0.0 at 9 and NaN at 17 and
# 40, and torch 2.15's torch.sort indices of them, ascending and descending: its introsort's
# order among equal values, which a lane with ties keeps.
TIED = [1, 4, 4, 1, 2, -0.0, 3, 4, 0, 0, 0, 3, 2, 4, 1, 1, 3, math.nan, 4, 3, 3, 1, 1, 1, 4, 3, 0, 0, 1, 4, 0, 2,
        0, 2, 3, 4, 3, 3, 3, 4, math.nan, 1, 2, 0, 0, 1, 3, 1, 2, 3, 2, 3, 4, 3, 4, 2, 4, 4, 3, 4, 1, 2, 0, 2, 4, 1,
        2, 4, 4, 4, 0, 1, 4, 2, 2, 0, 0, 3, 3, 0]
TIED_ASCENDING = [44, 26, 27, 30, 75, 76, 32, 70, 43, 10, 9, 8, 5, 79, 62, 0, 41, 45, 71, 47, 65, 60, 28, 22, 21, 3,
                  23, 14, 15, 12, 63, 61, 4, 66, 55, 50, 48, 42, 74, 73, 31, 33, 51, 25, 20, 58, 19, 53, 38, 16, 49,
                  6, 46, 78, 11, 34, 77, 36, 37, 69, 68, 67, 72, 1, 64, 59, 57, 56, 54, 52, 39, 35, 29, 24, 18, 13,
                  7, 2, 40, 17]
TIED_DESCENDING = [17, 40, 54, 18, 24, 29, 35, 39, 52, 1, 56, 57, 59, 64, 67, 68, 69, 72, 2, 7, 13, 19, 78, 77, 6,
                   58, 53, 51, 49, 46, 11, 38, 37, 36, 34, 25, 20, 16, 33, 31, 63, 61, 50, 66, 48, 4, 55, 42, 73, 74,
                   12, 60, 22, 15, 65, 3, 21, 71, 0, 23, 14, 41, 47, 28, 45, 79, 32, 30, 76, 75, 43, 44, 70, 27, 26,
                   5, 10, 62, 9, 8]


def _stable_order(values, descending):
    """Positions in torch.sort(stable=True)'s order: NaN largest, -0.0 equal to 0.0."""
    if descending:
        return sorted(range(len(values)), key=lambda i: (not math.isnan(values[i]), -values[i] if not math.isnan(values[i]) else 0))
    return sorted(range(len(values)), key=lambda i: (math.isnan(values[i]), values[i] if not math.isnan(values[i]) else 0))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.float16, torch.int16])
def test_sort_by_radix_keys_and_by_introsort_where_ties_decide(threads, dtype):
    """Lanes of 64 or more elements are ordered by radix keys: the stable order (stable=True, and
    without ties, where every correct order is the same), both directions, lanes split across
    threads; a lane with ties (equal values, -0.0 beside 0.0, several NaN) takes PyTorch's
    introsort order, checked against torch's own indices."""
    rng = np.random.default_rng(21)
    floating = dtype.is_floating_point
    raw = rng.standard_normal((300, 257)) * 1e3 if floating else rng.integers(-30000, 30000, (300, 257))
    if floating:
        raw[3, ::7], raw[4, ::5], raw[5, 1], raw[5, 2] = math.nan, -0.0, -0.0, 0.0  # ties in a few rows
        raw[6, 10:20] = [math.inf, -math.inf] * 5
    x = torch.tensor(raw.tolist(), dtype=dtype)
    rows = x.tolist()
    for descending in (False, True):
        stable = x.sort(1, descending=descending, stable=True)
        unstable = x.sort(1, descending=descending)
        for r in (0, 1, 3, 4, 5, 6, 299):
            want = _stable_order(rows[r], descending)
            assert stable.indices[r].tolist() == want, (r, descending)
            got = unstable.indices[r].tolist()
            if len(set(rows[r])) == len(rows[r]) and not any(map(math.isnan, rows[r])) and (
                    0.0 not in rows[r]):
                assert got == want, (r, descending)  # no ties: the one correct order
            else:  # a permutation in sorted order
                assert sorted(got) == list(range(257))
                keys = [(math.isnan(rows[r][i]), 0 if math.isnan(rows[r][i]) else rows[r][i]) for i in got]
                assert keys == sorted(keys, reverse=descending)
        np.testing.assert_array_equal(stable.values.numpy(), np.take_along_axis(x.numpy(), stable.indices.numpy(), 1))
    assert torch.argsort(x, 0, stable=True)[:, 0].tolist() == _stable_order([row[0] for row in rows], False)
    if floating:
        tied = torch.tensor(TIED, dtype=dtype)
        assert tied.sort().indices.tolist() == TIED_ASCENDING
        assert tied.sort(descending=True).indices.tolist() == TIED_DESCENDING
        assert tied.argsort(stable=True).tolist() == _stable_order(TIED, False)
        assert torch.isnan(tied.sort().values[-2:]).all() and tied.sort().values[12].item() == 0


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.int8, torch.uint8, torch.int16, torch.int32])
def test_float_predicates_of_narrow_dtypes(dtype):
    """isnan, isinf, isfinite and signbit of float16, bfloat16 and the narrow integers, as
    PyTorch gives them (they were refused): the floats widened exactly, integers never NaN."""
    if dtype.is_floating_point:
        x = torch.tensor([1.5, -0.0, math.nan, -math.nan, math.inf, -math.inf, -2.0], dtype=dtype)
        assert torch.isnan(x).tolist() == [False, False, True, True, False, False, False]
        assert torch.isinf(x).tolist() == [False, False, False, False, True, True, False]
        assert torch.isfinite(x).tolist() == [True, True, False, False, False, False, True]
        # bfloat16 stores every NaN as 0x7FC0, as c10::BFloat16 rounds it: -nan loses its sign.
        assert torch.signbit(x).tolist() == [False, True, False, dtype == torch.float16, False, True, True]
    else:
        x = torch.tensor([0, 3, 100] if dtype == torch.uint8 else [0, -3, 100], dtype=dtype)
        assert torch.isnan(x).tolist() == [False] * 3 and torch.isinf(x).tolist() == [False] * 3
        assert torch.isfinite(x).tolist() == [True] * 3
        assert torch.signbit(x).tolist() == [False, dtype != torch.uint8, False]
