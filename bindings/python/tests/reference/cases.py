"""Cases run under PyTorch (scripts/torch_reference.py, to write torch_reference.json) and under
swiftgrad (tests/test_torch_reference.py, to compare). Each case is a function of the module
`T` (torch or swiftgrad), written as ordinary PyTorch code, returning named tensors: results
and gradients. Inputs are float64 and deterministic (no random generator: the two libraries'
streams differ)."""
import math


def data(T, *shape, seed=0, positive=False, grad=True, scale=1.0, offset=0.0):
    n = math.prod(shape)
    values = [math.sin(1.7 * (i + 1) + 0.3 * seed) * 2 for i in range(n)]
    if positive:
        values = [abs(v) + 0.5 for v in values]
    values = [v * scale + offset for v in values]
    t = T.tensor(values, dtype=T.float64).reshape(shape)
    return t.requires_grad_() if grad else t


def grads(*tensors):
    return {f"grad{i}": t.grad for i, t in enumerate(tensors)}


def weights_like(T, t):
    return data(T, *t.shape, seed=99, grad=False) if t.dim() else T.tensor(0.7, dtype=T.float64)


def backprop(T, out, *inputs):
    """Backpropagates sum(out * w) for fixed weights w and returns out and the input gradients."""
    (out * weights_like(T, out)).sum().backward()
    return {"out": out, **grads(*inputs)}


CASES = {}


def case(function):
    CASES[function.__name__] = function
    return function


# ---- arithmetic, broadcasting, promotion --------------------------------------------------

@case
def broadcast_arithmetic(T):
    a, b, c = data(T, 2, 3), data(T, 3, seed=1), data(T, 2, 1, seed=2, positive=True)
    return backprop(T, a * b + a / c - b ** 2 + 2 / c - 3 * a, a, b, c)


@case
def scalar_forms(T):
    a = data(T, 4, positive=True)
    return backprop(T, (1 - a) * (a + 2) / 4 + a ** 0.5 + 2 ** a - (-a), a)


@case
def named_operator_functions(T):
    a, b = data(T, 2, 3), data(T, 3, seed=1, positive=True)
    out = (T.add(a, b, alpha=2) * T.sub(3.0, a, alpha=0.5) + T.mul(2, b) - T.div(a, b)
           + T.pow(2, a) + T.true_divide(1.5, b) + a.sub(b, alpha=-1.5) + T.subtract(a, 1).multiply(b))
    mask = T.gt(a, 0.25) * T.ge(a, b)
    return {**backprop(T, out, a, b), "mask": mask, "numbers": T.add(1, 2), "less": T.less(a, b)}

@case
def tensor_power(T):
    a, b = data(T, 3, positive=True), data(T, 3, seed=4)
    return backprop(T, a ** b, a, b)


@case
def promotion(T):
    i = T.arange(6).reshape(2, 3)
    f = T.tensor([0.5, 1.5, 2.5])
    d = T.tensor(2.0, dtype=T.float64)
    return {"int_times_float": i * 2.5, "int_plus_float_tensor": i + f, "float_times_0d_double": f * d,
            "int_div": i / 4, "bool_sum": (i > 2).sum(), "int_pow": i ** 2, "bool_and_int": (i > 2) + 1,
            "float_cmp_int": f > i}


@case
def storage_dtypes(T):
    """float16, bfloat16 and the narrow integers: conversions (rounding, wrapping, truncation),
    promotion between every pair and with Python numbers, arithmetic, functions, reductions and
    matrix products computed in float32 / int64 and rounded back, as PyTorch's CPU kernels do."""
    x = T.tensor([[1.5, -2.25, 3.3], [70000.0, -0.1, 2.7]])
    names = ["float16", "bfloat16", "int8", "uint8", "int16", "int32"]
    out = {}
    for name in names:
        d = getattr(T, name)
        y = x.to(d)
        out[f"{name}_from_float"] = y
        out[f"{name}_from_int"] = T.tensor([-300, -1, 0, 1, 127, 128, 255, 256, 40000]).to(d)
        out[f"{name}_times_2"] = y * 2
        out[f"{name}_times_2_5"] = y * 2.5
        out[f"{name}_plus_true"] = y + True
        out[f"{name}_sum"] = y.sum()
        out[f"{name}_sum_dim"] = y.sum(1)
        out[f"{name}_max"] = y.max()
        out[f"{name}_neg"] = -y if name != "uint8" else y
        out[f"{name}_gt"] = y > 1
        out[f"{name}_where"] = T.where(y > 1, y, y * 0)
        for other in names + ["float32", "float64", "int64", "bool"]:
            out[f"{name}_add_{other}"] = y + x.to(getattr(T, other))
    half = x[:, :2].to(T.float16)
    out["half_exp"] = half.exp()
    out["half_mean"] = half.mean()
    out["half_matmul"] = half @ half.t()
    out["bf16_softmax"] = x.to(T.bfloat16).softmax(1)
    out["int32_matmul"] = x.to(T.int32) @ x.to(T.int32).t()
    out["int32_div"] = x.to(T.int32) / 2
    w = T.tensor([0.5, -1.0], dtype=T.float16, requires_grad=True)
    (w * w * 3).sum().backward()
    out["half_grad"] = w.grad
    return out


# ---- elementwise --------------------------------------------------------------------------

@case
def elementwise(T):
    x = data(T, 2, 4)
    p = data(T, 2, 4, seed=3, positive=True)
    out = (x.sin() + x.cos() + x.tanh() + x.sigmoid() + x.relu() + x.abs() + x.square() + x.expm1()
           + p.log1p() + p.rsqrt() + p.sqrt() + p.log() + x.exp() + p.reciprocal())
    return backprop(T, out, x, p)


@case
def trigonometric_hyperbolic(T):
    x = data(T, 2, 4, scale=0.7)
    return backprop(T, x.tan() + x.sinh() + T.cosh(x) + x.atan() + T.arcsinh(x) + x.exp2(), x)


@case
def inverse_trigonometric(T):
    u = data(T, 2, 4, seed=6, scale=0.45)
    v = data(T, 5, seed=2, positive=True, offset=1.0)
    return {**backprop(T, u.asin() + T.arccos(u) + u.atanh() * 2, u), **backprop(T, v.acosh(), v)}


@case
def error_function_logarithms(T):
    x = data(T, 3, 3)
    p = data(T, 3, 3, seed=1, positive=True)
    return backprop(T, x.erf() + T.erfc(x) * 3 + p.log2() + T.log10(p) * 2, x, p)


@case
def rounding(T):
    x = data(T, 2, 5, scale=3)
    halves = T.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5], dtype=T.float64)
    return {**backprop(T, x.floor() + x.ceil() * 2 + T.round(x) * 3 + x.trunc() * 4, x),
            "halves_to_even": halves.round(), "float32_floor": halves.float().floor(), "int_floor": T.arange(4).floor(),
            "int_round": T.tensor([3, -2]).round(), "fix": T.fix(halves)}


@case
def clamp_maximum_where(T):
    x, y = data(T, 3, 3), data(T, 3, seed=5)
    out = x.clamp(min=-0.5, max=0.8) + T.maximum(x, y) + T.minimum(x, y) + T.where(x > y, x, y * 2) + x.masked_fill(x > 1, 0.25)
    return backprop(T, out, x, y)


@case
def kinks(T):
    x = T.tensor([-1.0, 0.0, 2.0], dtype=T.float64, requires_grad=True)
    y = T.tensor([2.0, 2.0, 1.0], dtype=T.float64, requires_grad=True)
    (x.relu() + x.abs() + T.maximum(x, y) + x.clamp(min=0)).sum().backward()
    z = T.tensor([3.0, 1.0, 3.0], dtype=T.float64, requires_grad=True)
    z.max().backward()
    w = T.tensor([0.0, 0.0], dtype=T.float64, requires_grad=True)
    w.norm().backward()
    return {"x_grad": x.grad, "y_grad": y.grad, "max_ties": z.grad, "norm_at_zero": w.grad}


@case
def clamp_bounds(T):
    """clamp with tensor bounds (ties, min > max, min == max, NaN) and with numbers of either
    kind: gradients to the input and the bounds, result dtypes."""
    nan = float("nan")
    x = T.tensor([0.0, 1.0, 2.0, 3.0, 1.0, 5.0, 0.0, 2.0, nan, 0.5, 0.5, 1.5], dtype=T.float64, requires_grad=True)
    lo = T.tensor([1.0, 1.0, 3.0, 1.0, 1.0, 5.0, 1.0, 1.0, 0.0, nan, 0.0, 2.0], dtype=T.float64, requires_grad=True)
    hi = T.tensor([2.0, 0.5, 2.0, 3.0, 1.0, 5.0, 1.0, 1.0, 1.0, 1.0, nan, 1.0], dtype=T.float64, requires_grad=True)
    both = T.clamp(x, lo, hi)
    low_only, high_only = x.clamp(min=lo), T.clamp(x, max=hi)
    (both * 1.0 + low_only * 2.0 + high_only * 4.0).sum().backward()
    ints = T.tensor([-3, 0, 5])
    flags = T.tensor([True, False])
    return {"both": both, "low_only": low_only, "high_only": high_only, "x_grad": x.grad, "lo_grad": lo.grad,
            "hi_grad": hi.grad, "ints": ints.clamp(0, 2), "ints_by_float": ints.clamp(min=0.5),
            "ints_by_tensor": ints.clamp(max=T.tensor([1.5, 1.5, 1.5])), "bools": flags.clamp(0, 1),
            "numbers_at_bounds": T.tensor([0.0, 1.0, 2.0]).clamp(T.tensor(1.0), 2)}


@case
def exact_ranges(T):
    """arange and linspace bit for bit as PyTorch's CPU kernels compute them (compared exactly):
    D2L plots relu's gradient over arange(-8, 8, 0.1), whose element 80 is 4.4e-16, not 0."""
    return {"arange_d2l": T.arange(-8.0, 8.0, 0.1), "arange_double": T.arange(-3.0, 5.5, 0.07, dtype=T.float64),
            "arange_short": T.arange(0.1, 1.0, 0.3), "linspace": T.linspace(-3.5, 7.25, 61),
            "linspace_double": T.linspace(0.1, 2.7, 33, dtype=T.float64), "linspace_one": T.linspace(2.5, 9.0, 1),
            "linspace_int": T.linspace(-7, 12, 9, dtype=T.int64)}


@case
def masked_fill_and_nonzero(T):
    """masked_fill broadcasts the input to the mask and differentiates a 0-d tensor value;
    nonzero(as_tuple=True) treats a 0-d tensor as 1-d."""
    x, v = data(T, 3), T.tensor(2.5, dtype=T.float64, requires_grad=True)
    mask = T.tensor([[True, False, True], [False, False, True]])
    out = x.masked_fill(mask, v) * 2.0 + x.masked_fill(mask, 0.5)
    (out * weights_like(T, out)).sum().backward()
    return {"out": out, "x_grad": x.grad, "v_grad": v.grad, "int_fill": T.tensor([1, 2]).masked_fill(mask[0, :2], 2.7),
            "nonzero_0d": T.tensor(3.0).nonzero(as_tuple=True)[0], "nonzero_0d_zero": T.tensor(0.0).nonzero(as_tuple=True)[0]}


# ---- reductions ----------------------------------------------------------------------------

@case
def reductions(T):
    x = data(T, 2, 3, 4)
    out = {"sum": x.sum(1), "sum_keep": x.sum((0, 2), keepdim=True), "mean": x.mean(-1),
           "prod": x.prod(1), "var": x.var(2), "var_biased": x.var(0, unbiased=False), "std": x.std(1, keepdim=True),
           "amax": x.amax((0, 1)), "logsumexp": x.logsumexp(2), "norm": x.norm(dim=1), "norm3": x.norm(p=3, dim=2),
           "norm_inf": x.norm(p=float("inf"), dim=0), "mean_all": x.mean(), "var_all": x.var(), "max_all": x.max(),
           "min_all": x.min()}
    total = sum((v * weights_like(T, v)).sum() for v in out.values())
    total.backward()
    return {**out, "grad": x.grad}


@case
def variance_overloads(T):
    """var/std's overloads: a bool first argument is `unbiased`, correction may be fractional or
    exceed the group size (the divisor stops at 0)."""
    x = data(T, 3, 4)
    out = {"std_true": T.std(x, True), "std_false": x.std(False), "var_dim0": T.var(x, 0),
           "var_frac": x.var(1, correction=0.5), "std_frac": T.std(x, dim=0, correction=1.5, keepdim=True),
           "var_unbiased_dim": x.var(1, False, True)}
    total = sum((v * weights_like(T, v)).sum() for v in out.values())
    total.backward()
    return {**out, "grad": x.grad}


@case
def max_min_along(T):
    x = data(T, 3, 4)
    values, indices = x.max(1)
    lo = x.min(dim=0, keepdim=True)
    (values.sum() + lo.values.sum() * 2).backward()
    return {"values": values, "indices": indices, "min_values": lo.values, "min_indices": lo.indices,
            "argmax": x.argmax(), "argmin_dim": x.argmin(0), "grad": x.grad}


@case
def softmax_family(T):
    x = data(T, 3, 5)
    out = x.softmax(1) * 3 + x.log_softmax(0) + T.softmax(x, dim=-1)
    return backprop(T, out, x)


# ---- linear algebra ----------------------------------------------------------------------

@case
def matmul_ranks(T):
    v, w = data(T, 3), data(T, 3, seed=1)
    m, n = data(T, 2, 3, seed=2), data(T, 3, 4, seed=3)
    b = data(T, 2, 4, 3, seed=4)
    c = data(T, 3, 1, 3, 2, seed=5)
    results = {"dot": v @ w, "mv": m @ v, "vm": v @ n, "mm": m @ n, "bmm": b @ n, "broadcast": b @ c,
               "vb": v @ c, "outer": T.outer(v, w), "mm_fn": T.mm(m, n), "mv_fn": T.mv(m, v), "t_mm": m.t() @ m}
    sum((r * weights_like(T, r)).sum() for r in results.values()).backward()
    return {**results, **grads(v, w, m, n, b, c)}


# ---- views and indexing ------------------------------------------------------------------

@case
def views(T):
    x = data(T, 2, 3, 4)
    parts = {"reshape": x.reshape(6, 4), "view": x.view(-1, 12), "transpose": x.transpose(0, 2), "permute": x.permute(2, 0, 1),
             "T2": x[0].T, "flatten": x.flatten(1), "unsqueeze": x.unsqueeze(1), "squeeze": x[:, :1].squeeze(1),
             "expand": x[:, :1, :].expand(2, 3, 4), "narrow": x.narrow(2, 1, 2), "contiguous": x.transpose(1, 2).contiguous().view(2, 12),
             "select": x.select(1, -1)}
    sum((p * weights_like(T, p)).sum() for p in parts.values()).backward()
    return {**parts, "grad": x.grad}


@case
def basic_indexing(T):
    x = data(T, 4, 5, 3)
    parts = {"int": x[1], "neg": x[-1, 2], "slice": x[1:3], "step": x[::2, 1::2], "ellipsis": x[..., 0],
             "none": x[None, 0, :, None], "mixed": x[2, 1:, -2], "negslice": x[-3:-1, :-2]}
    sum((p * weights_like(T, p)).sum() for p in parts.values()).backward()
    return {**parts, "grad": x.grad}


@case
def advanced_indexing(T):
    x = data(T, 4, 5, 3)
    rows = T.tensor([3, 0, 3])
    cols = T.tensor([1, 4, 1])
    parts = {"rows": x[rows], "list": x[[0, 2]], "pairs": x[rows, cols], "separated": x[rows, :, [2, 0, 1]],
             "after_slice": x[:, cols], "int_and_list": x[1, [0, 2]], "mask": x[x > 1.0], "row_mask": x[T.tensor([True, False, True, False])],
             "gather": x.gather(2, T.tensor([[[0], [2], [1], [0], [1]]] * 4)), "bcast": x[T.tensor([[0], [1]]), T.tensor([1, 2, 3])]}
    sum((p * weights_like(T, p)).sum() for p in parts.values()).backward()
    return {**parts, "grad": x.grad}


@case
def index_writes(T):
    """Writes through advanced indices (index_put_ with and without accumulate, x[idx] = v,
    repeated indices adding up) and their gradients through a recorded write."""
    x = data(T, 4, 5, 3)
    y = x * 1.0  # a non-leaf: the writes are recorded
    y[T.tensor([2, 0])] = 0.5
    y[:, T.tensor([4, 1]), 2] = data(T, 4, 2, seed=3, grad=False)
    acc = T.index_put(T.zeros(4, 5, 3, dtype=T.float64), (T.tensor([1, 1, 3]), T.tensor([0, 0, 2])),
                      data(T, 3, 3, seed=4, grad=False), accumulate=True)
    counts = T.zeros(6, dtype=T.int64).index_put_((T.tensor([5, 1, 5]),), T.tensor([2, 3, 4]), accumulate=True)
    z = data(T, 4, 5, 3, seed=5)
    apart = z[T.tensor([0, 3, 3]), :, T.tensor([2, 1, 1])]  # indices apart: their dimension goes first
    out = y + acc
    ((out * weights_like(T, out)).sum() + (apart * weights_like(T, apart)).sum()).backward()
    # y's values (its grad_fn is PyTorch's CopySlices, which swiftgrad records as PutBackward0).
    return {"y": y.detach(), "acc": acc, "counts": counts, "apart": apart, "grad": x.grad, "grad_z": z.grad}


@case
def joining(T):
    a, b = data(T, 2, 3), data(T, 2, 3, seed=1)
    c = data(T, 1, 3, seed=2)
    parts = {"cat0": T.cat([a, b, c]), "cat1": T.cat([a, b], dim=1), "stack": T.stack([a, b]), "stack_last": T.stack([a, b], -1)}
    sum((p * weights_like(T, p)).sum() for p in parts.values()).backward()
    return {**parts, **grads(a, b, c)}


@case
def scatter_and_nonzero(T):
    x = data(T, 3, 4)
    index = T.tensor([[0, 1, 2, 0], [2, 0, 0, 1]])
    src = data(T, 2, 4, seed=6)
    out = T.zeros(3, 4, dtype=T.float64).scatter_add(0, index, src) + x
    (out * weights_like(T, out)).sum().backward()
    return {"out": out, "grad_x": x.grad, "grad_src": src.grad, "nonzero": (x > 0).nonzero(), "eye": T.eye(3, 4),
            "linspace": T.linspace(-1, 2, 7)}


# ---- losses ------------------------------------------------------------------------------

@case
def losses(T):
    import importlib
    F = importlib.import_module(T.__name__ + ".nn.functional")
    logits = data(T, 4, 5)
    target = T.tensor([1, 0, 4, 2])
    p = data(T, 6, seed=2).sigmoid().detach().requires_grad_()
    t = data(T, 6, seed=7, grad=False).sigmoid()
    y, z = data(T, 3, 2, seed=3), data(T, 3, 2, seed=4)
    out = {"cross_entropy": F.cross_entropy(logits, target), "nll_sum": F.nll_loss(logits.log_softmax(1), target, reduction="sum"),
           "nll_none": F.nll_loss(logits.log_softmax(1), target, reduction="none"), "bce": F.binary_cross_entropy(p, t),
           "mse": F.mse_loss(y, z), "mse_sum": F.mse_loss(y, z, reduction="sum")}
    sum((v * weights_like(T, v)).sum() for v in out.values()).backward()
    return {**out, **grads(logits, p, y, z)}


# ---- in place ----------------------------------------------------------------------------

@case
def in_place(T):
    x = data(T, 3)
    y = x * 2
    y.add_(x)
    y.mul_(x)
    y.sub_(1.5)
    y.div_(2)
    z = y.clone()
    z.copy_(x * 3)
    (y.sum() + (z * x).sum()).backward()
    w = data(T, 2, 2, grad=False)
    w += 1
    w *= T.tensor([2.0, -1.0], dtype=T.float64)
    w /= 4
    w -= w.mean()
    with T.no_grad():
        v = data(T, 3, seed=3)
        v.sub_(0.1 * v)
        v[1] = 7
        v[T.tensor([0, 2])] = T.tensor([1.0, 2.0], dtype=T.float64)
    return {"y": y, "grad": x.grad, "w": w, "v": v}


# ---- complete autograd ---------------------------------------------------------------------

@case
def higher_order(T):
    x = data(T, 4, positive=True)
    y = (x.sin() * x.exp() + x.log() * x ** 3).sum() + (x.tanh() * x.sigmoid()).prod()
    g1, = T.autograd.grad(y, x, create_graph=True)
    g2, = T.autograd.grad(g1.sum(), x, create_graph=True)
    g3, = T.autograd.grad(g2.sum(), x)
    m = data(T, 2, 3, seed=1)
    z = (m.softmax(1) * m).logsumexp(0).norm() + (m @ m.t()).relu().mean()
    h1, = T.autograd.grad(z, m, create_graph=True)
    h2, = T.autograd.grad((h1 * h1).sum(), m)
    return {"first": g1, "second": g2, "third": g3, "matrix_first": h1, "matrix_second": h2, "x_grad": x.grad}


@case
def hooks_and_retain_grad(T):
    a = data(T, 3)
    a.register_hook(lambda g: g * 3)
    b = a.exp() * 2
    b.register_hook(lambda g: g + 1)
    b.retain_grad()
    c = b.sin()
    c.retain_grad()
    (c * c).sum().backward()
    return {"a_grad": a.grad, "b_grad": b.grad, "c_grad": c.grad}


@case
def custom_function(T):
    class ScaledSquare(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x * x * scale, x + scale

        @staticmethod
        def backward(ctx, grad_square, grad_shift):
            x, = ctx.saved_tensors
            return grad_square * 2 * x * ctx.scale + grad_shift, None

    x = data(T, 3)
    square, shift = ScaledSquare.apply(x, 1.5)
    g, = T.autograd.grad((square * shift).sum(), x, create_graph=True)
    gg, = T.autograd.grad(g.sum(), x)
    return {"square": square, "shift": shift, "grad": g, "second": gg}


@case
def functional_derivatives(T):
    import importlib
    F = importlib.import_module(T.__name__ + ".autograd.functional")
    x = data(T, 3, grad=False)
    y = data(T, 2, seed=1, grad=False)
    v = data(T, 3, seed=2, grad=False)

    def f(a, b):
        return (a.exp() * b.sum(), a.sin() * b[0])

    def scalar(a):
        return (a ** 3).sum() + a.prod()

    jac = F.jacobian(f, (x, y))
    hes = F.hessian(scalar, x)
    out, vjp = F.vjp(scalar, x)
    _, jvp = F.jvp(lambda a: a.exp() * a, x, v)
    _, hvp = F.hvp(scalar, x, v)
    return {"j00": jac[0][0], "j01": jac[0][1], "j10": jac[1][0], "j11": jac[1][1], "hessian": hes,
            "vjp_out": out, "vjp": vjp, "jvp": jvp, "hvp": hvp}


@case
def backward_inputs(T):
    c, d = data(T, 2), data(T, 2, seed=1)
    m = c * d
    (m * c).sum().backward(inputs=[c])
    e = data(T, 2, seed=2)
    f = e * 3
    f.retain_grad()
    (f * e).sum().backward(inputs=[f])
    return {"c_grad": c.grad, "d_grad": d.grad, "e_grad": e.grad, "f_grad": f.grad}


# ---- optimizers and nn -----------------------------------------------------------------------

def _quartic_steps(T, make, steps=5, closure=False):
    """Minimises sum((p - c)^4) + sum(q^2) from fixed starts; returns the parameters."""
    p, q = data(T, 2, 3), data(T, 4, seed=1)
    c = data(T, 2, 3, seed=2, grad=False)
    optimizer = make(T, p, q)

    def loss():
        optimizer.zero_grad()
        value = ((p - c) ** 4).sum() + (q * q).sum()
        value.backward()
        return value

    last = None
    for step in range(steps):
        if step == 3:
            for group in optimizer.param_groups:
                group["lr"] = group["lr"] * 0.5  # a schedule: the next steps use the new rate
        last = optimizer.step(loss) if closure else (loss(), optimizer.step())[0]
    return {"p": p, "q": q, "loss": last.detach()}


@case
def sgd_variants(T):
    out = {}
    configs = {
        "plain": dict(lr=0.01),
        "momentum": dict(lr=0.01, momentum=0.9),
        "nesterov": dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1),
        "dampening": dict(lr=0.02, momentum=0.5, dampening=0.3, maximize=False, weight_decay=0.01),
    }
    for name, options in configs.items():
        result = _quartic_steps(T, lambda T, p, q: T.optim.SGD([p, q], **options))
        out.update({f"{name}_{k}": v for k, v in result.items()})
    return out


@case
def adam_variants(T):
    out = {}
    configs = {
        "adam": lambda T, p, q: T.optim.Adam([p, q], lr=0.1),
        "amsgrad": lambda T, p, q: T.optim.Adam([p, q], lr=0.05, betas=(0.8, 0.99), amsgrad=True, weight_decay=0.1),
        "adamw": lambda T, p, q: T.optim.AdamW([p, q], lr=0.1),
        "groups": lambda T, p, q: T.optim.AdamW([{"params": [p]}, {"params": q, "lr": 0.01, "weight_decay": 0}],
                                                lr=0.1, eps=1e-6),
        "maximize": lambda T, p, q: T.optim.Adam([p, q], lr=0.01, maximize=True),
    }
    for name, make in configs.items():
        result = _quartic_steps(T, make, closure=name == "groups")
        out.update({f"{name}_{k}": v for k, v in result.items()})
    return out


@case
def nn_training_loop(T):
    """The usual loop: nn.Sequential of nn.Linear, Adam, cross_entropy; weights loaded through
    load_state_dict so both libraries start from the same point."""
    nn, F = T.nn, T.nn.functional
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4)).double()
    start = {name: data(T, *p.shape, seed=i, grad=False) * 0.5 for i, (name, p) in enumerate(model.named_parameters())}
    model.load_state_dict(start)
    x = data(T, 8, 3, seed=7, grad=False)
    y = T.tensor([0, 1, 2, 3, 3, 2, 1, 0])
    optimizer = T.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(10):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    with T.no_grad():
        logits = model(x)
    return {"losses": T.stack(losses), "logits": logits, **{k: v for k, v in model.state_dict().items()}}


@case
def optimizer_checkpoint_and_schedules(T):
    """state_dict()/load_state_dict() continue a run exactly; schedulers set PyTorch's rates."""
    out = {}
    for name, make in {"sgd": lambda ps: T.optim.SGD(ps, lr=0.05, momentum=0.9),
                       "adam": lambda ps: T.optim.Adam(ps, lr=0.05, amsgrad=True)}.items():
        p, c = data(T, 2, 3), data(T, 2, 3, seed=2, grad=False)
        first = make([p])

        def run(optimizer, steps):
            for _ in range(steps):
                optimizer.zero_grad()
                ((p - c) ** 4).sum().backward()
                optimizer.step()

        run(first, 3)
        checkpoint = first.state_dict()
        second = make([p])
        second.load_state_dict(checkpoint)
        run(second, 2)
        out[f"{name}_p"] = p
        out.update({f"{name}_state_{k}": v for k, v in second.state_dict()["state"][0].items()})
    rates = []
    for make in (lambda o: T.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5),
                 lambda o: T.optim.lr_scheduler.MultiStepLR(o, milestones=[1, 3, 3], gamma=0.1),
                 lambda o: T.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
                 lambda o: T.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.01),
                 lambda o: T.optim.lr_scheduler.LambdaLR(o, lambda epoch: 1 / (epoch + 1))):
        q = data(T, 2)
        optimizer = T.optim.SGD([q], lr=0.1)
        scheduler = make(optimizer)
        for _ in range(6):
            optimizer.zero_grad()
            (q * q).sum().backward()
            optimizer.step()
            scheduler.step()
            rates.append(scheduler.get_last_lr()[0])
    out["rates"] = T.tensor(rates, dtype=T.float64)
    return out
