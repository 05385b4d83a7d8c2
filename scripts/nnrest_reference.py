"""Stores PyTorch's results for swiftgrad's nnrest functions and layers (F.conv_tbc,
torch.nn.grad, F.fractional_max_pool2d/3d with given samples, nn.CrossMapLRN2d,
nn.AdaptiveLogSoftmaxWithLoss, the in-place activations, dropout1d) and its refusals in
bindings/python/tests/data/nnrest_reference.json, which tests/test_nnrest.py replays without
torch. Run with a PyTorch: /work/torchenv/bin/python scripts/nnrest_reference.py [OUTPUT.json]

Each case is an expression over named float64 inputs (and optionally a module built by a
constructor expression whose state dict is stored); its outputs and the gradients of a weighted
sum of its first floating output with respect to every input (and module parameter) that
requires grad are stored."""
import json
import pathlib
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else \
    pathlib.Path(__file__).resolve().parent.parent / "bindings/python/tests/data/nnrest_reference.json"
torch.manual_seed(20261206)


def _t(t):
    # 12 significant digits: the replay compares at 1e-6.
    return {"shape": list(t.shape), "values": [float(f"{v:.12g}") for v in t.detach().double().reshape(-1).tolist()], "dtype": str(t.dtype).replace("torch.", "")}


CASES, ERRORS = {}, []


def case(name, expr, inputs, module=None, grad=True):
    """inputs: {name: (tensor, requires_grad)}."""
    env = {"torch": torch, "F": F, "nn": nn}
    stored = {}
    for key, (value, rg) in inputs.items():
        v = value.clone().requires_grad_(rg) if value.is_floating_point() else value.clone()
        env[key] = v
        stored[key] = dict(_t(value), requires_grad=rg)
    entry = {"expr": expr, "inputs": stored}
    if module is not None:
        torch.set_default_dtype(torch.float64)
        m = eval(module, env)
        torch.set_default_dtype(torch.float32)
        env["m"] = m
        entry["module"] = module
        entry["repr"] = repr(m)
        entry["state_dict"] = {k: _t(v) for k, v in m.state_dict().items()}
    result = eval(expr, env)
    outs = list(result) if isinstance(result, (tuple, list)) else [result]
    entry["outputs"] = [_t(o) if isinstance(o, torch.Tensor) else o for o in outs]
    if grad:
        first = next(o for o in outs if isinstance(o, torch.Tensor) and o.is_floating_point())
        if first.requires_grad:
            weights = torch.randn(first.shape, dtype=torch.float64)
            entry["weights"] = _t(weights)
            (first * weights).sum().backward()
            grads = {k: (None if env[k].grad is None else _t(env[k].grad)) for k, (_, rg) in inputs.items() if rg}
            if module is not None:
                grads.update({"m." + k: (None if p.grad is None else _t(p.grad)) for k, p in m.named_parameters()})
            entry["grads"] = grads
    CASES[name] = entry


def error(expr, inputs=None):
    env = {"torch": torch, "F": F, "nn": nn}
    stored = {}
    for key, value in (inputs or {}).items():
        env[key] = value
        stored[key] = dict(_t(value), requires_grad=value.requires_grad)
    try:
        eval(expr, env)
    except Exception as e:  # noqa: BLE001 - recording PyTorch's refusal
        ERRORS.append({"expr": expr, "inputs": stored, "type": type(e).__name__, "message": str(e)})
        return
    raise AssertionError(f"{expr} did not fail")


def r(*shape):
    return torch.randn(*shape, dtype=torch.float64)


# ---- conv_tbc ----
for pad in (0, 1, 2, -1):
    case(f"conv_tbc_pad{pad}", f"F.conv_tbc(x, w, b, {pad})", {"x": (r(6, 2, 3), True), "w": (r(3, 3, 4), True), "b": (r(4), True)})
case("conv_tbc_empty_output", "F.conv_tbc(x, w, b, -2)", {"x": (r(5, 2, 3), True), "w": (r(2, 3, 4), True), "b": (r(4), True)})
case("torch_conv_tbc_kw", "torch.conv_tbc(x, w, b, pad=1)", {"x": (r(4, 3, 2), True), "w": (r(2, 2, 5), True), "b": (r(5), True)})
x, w, b = r(5, 2, 3), r(2, 3, 4), r(4)
error("F.conv_tbc(x[0], w, b)", {"x": x, "w": w, "b": b})
error("F.conv_tbc(x, w[0], b)", {"x": x, "w": w, "b": b})
error("F.conv_tbc(x, w, b[None])", {"x": x, "w": w, "b": b})
error("F.conv_tbc(x, w[:, :2], b)", {"x": x, "w": w, "b": b})
error("F.conv_tbc(x, w, b[:3])", {"x": x, "w": w, "b": b})
error("F.conv_tbc(x, w, b, -3)", {"x": x, "w": w, "b": b})

# ---- torch.nn.grad ----
for dims, conv in ((1, "conv1d"), (2, "conv2d"), (3, "conv3d")):
    sp = {1: (9,), 2: (6, 5), 3: (4, 4, 3)}[dims]
    batch, out_channels = (2, 6) if dims < 3 else (1, 4)
    for stride, padding, dilation, groups in ((1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 2), (2, 0, 1, 2)):
        x = r(batch, 4, *sp)
        w = r(out_channels, 4 // groups, *([3] * dims))
        y = getattr(F, conv)(x, w, None, stride, padding, dilation, groups)
        g = r(*y.shape)
        args = f"{stride}, {padding}, {dilation}, {groups}"
        case(f"grad_{conv}_input_s{stride}p{padding}d{dilation}g{groups}",
             f"nn.grad.{conv}_input({list(x.shape)}, w, g, {args})", {"w": (w, True), "g": (g, True)})
        case(f"grad_{conv}_weight_s{stride}p{padding}d{dilation}g{groups}",
             f"nn.grad.{conv}_weight(x, {list(w.shape)}, g, {args})", {"x": (x, True), "g": (g, True)})

# ---- fractional max pooling ----
for dims, shape, k, o in ((2, (2, 3, 7, 8), 2, 3), (2, (3, 9, 10), (3, 2), (4, 5)), (2, (1, 2, 5, 5), 2, 4),
                          (2, (2, 2, 6, 6), (2, 3), (1, 1)), (3, (1, 2, 5, 6, 6), 2, (3, 4, 2)), (3, (2, 5, 6, 7), (2, 3, 2), (3, 2, 4))):
    batched = len(shape) == dims + 2
    s = torch.rand(shape[0] if batched else 1, shape[1] if batched else shape[0], dims, dtype=torch.float64)
    name = f"fractional_max_pool{dims}d"
    case(f"{name}_{'x'.join(map(str, shape))}", f"F.{name}(x, {k!r}, output_size={o!r}, return_indices=True, _random_samples=s)",
         {"x": (r(*shape), True), "s": (s, False)})
    case(f"{name}_{'x'.join(map(str, shape))}_module", "m(x)", {"x": (r(*shape), True), "s": (s, False)},
         module=f"nn.FractionalMaxPool{dims}d({k!r}, output_size={o!r}, _random_samples=s)")
s = torch.rand(2, 3, 2, dtype=torch.float64)
case("fractional_max_pool2d_ratio", "F.fractional_max_pool2d_with_indices(x, 2, output_ratio=(0.5, 0.7), _random_samples=s)",
     {"x": (r(2, 3, 9, 7), True), "s": (s, False)})
case("fractional_max_pool2d_ties", "F.fractional_max_pool2d(x, 3, output_size=(3, 3), return_indices=True, _random_samples=s)",
     {"x": (torch.randint(0, 3, (2, 3, 7, 8)).double(), True), "s": (s, False)})
nan = r(2, 3, 7, 8)
nan[0, 0, 1:3, 2:5] = float("nan")
nan[1, 2, 4, :] = float("nan")
case("fractional_max_pool2d_nan", "F.fractional_max_pool2d(x, 3, output_size=(3, 4), return_indices=True, _random_samples=s)",
     {"x": (nan, False), "s": (s, False)}, grad=False)
x = r(2, 3, 7, 8)
error("F.fractional_max_pool2d(x, 2, output_size=2)", {"x": r(2, 3, 4, 5, 6)})
error("F.fractional_max_pool3d(x, 2, output_size=2)", {"x": r(2, 3, 4, 5, 6, 7)})
error("F.fractional_max_pool3d(x, (0, 2, 2), output_size=2)", {"x": r(2, 3, 6, 6, 6)})
error("F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=torch.rand(2, 3, 2, dtype=torch.float32))", {"x": x})
error("F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=torch.rand(2, 3, dtype=torch.float64))", {"x": x})
error("F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=torch.rand(1, 3, 2, dtype=torch.float64))", {"x": x})
error("F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=torch.rand(2, 2, 2, dtype=torch.float64))", {"x": x})
error("F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=torch.rand(2, 3, 3, dtype=torch.float64))", {"x": x})
error("F.fractional_max_pool2d(x, 9, output_size=3)", {"x": x})
error("F.fractional_max_pool2d(x, 2, output_size=(3, 8))", {"x": x})
error("F.fractional_max_pool2d(x, 2)", {"x": x})
error("F.fractional_max_pool2d(x, 0, output_size=3)", {"x": x})
error("F.fractional_max_pool2d(x, (2, 2, 2), output_size=3)", {"x": x})
error("F.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5, 0.3))", {"x": x})
error("F.fractional_max_pool3d(x, 2, output_size=3)", {"x": x})
error("nn.FractionalMaxPool2d(2)")
error("nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5)")
error("nn.FractionalMaxPool2d(2, output_ratio=1.5)")
error("nn.FractionalMaxPool3d(0, output_size=3)")
x3 = r(2, 3, 6, 7, 8)
error("F.fractional_max_pool3d(x, 7, output_size=3)", {"x": x3})
error("F.fractional_max_pool3d(x, 2, output_size=(3, 7, 3))", {"x": x3})
error("F.fractional_max_pool3d(x, (2, 2), output_size=3)", {"x": x3})
error("F.fractional_max_pool3d(x, 2, output_size=3, _random_samples=torch.rand(2, 3, 2, dtype=torch.float64))", {"x": x3})

# ---- CrossMapLRN2d ----
for size, channels, extra in ((3, 7, ""), (5, 8, ", alpha=0.5, beta=0.6, k=2"), (2, 4, ", alpha=0.3"), (4, 6, ", alpha=1.0, beta=1.5, k=0.5"),
                              (7, 3, ", alpha=0.2")):
    case(f"cross_map_lrn2d_{size}_{channels}", "m(x)", {"x": (r(2, channels, 3, 4), True)},
         module=f"nn.CrossMapLRN2d({size}{extra})")
error("nn.CrossMapLRN2d(3)(x)", {"x": r(2, 3, 4)})

# ---- AdaptiveLogSoftmaxWithLoss ----
for n, (inf, ncls, cut, div, hb) in enumerate(((8, 10, [3, 6], 4.0, False), (16, 20, [4, 10, 15], 2.0, True), (6, 5, [2], 4.0, True))):
    ctor = f"nn.AdaptiveLogSoftmaxWithLoss({inf}, {ncls}, {cut}, div_value={div}, head_bias={hb})"
    target = torch.randint(0, ncls, (7,))
    target[0], target[1] = 0, ncls - 1
    case(f"asm{n}_forward", "m(x, t)", {"x": (r(7, inf), True), "t": (target, False)}, module=ctor)
    case(f"asm{n}_unbatched", "m(x, t)", {"x": (r(inf), True), "t": (target[1], False)}, module=ctor)
    case(f"asm{n}_log_prob", "m.log_prob(x)", {"x": (r(5, inf), True)}, module=ctor)
    case(f"asm{n}_predict", "m.predict(x)", {"x": (r(9, inf) * 3, False)}, module=ctor, grad=False)
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [])")
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3])")
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 10])")
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [0, 3])")
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 3])")
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3.5])")
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(x, t)", {"x": r(4, 8).float(), "t": torch.tensor([1, 2, 3])})
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(x, t)", {"x": r(3, 2, 8).float(), "t": torch.tensor([1, 2, 3])})
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(x, t)", {"x": r(3, 8).float(), "t": torch.tensor(1)})
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(x, t)", {"x": r(3, 8).float(), "t": torch.tensor([[1, 2, 3]])})
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(x, t)", {"x": r(3, 8).float(), "t": torch.tensor([1, 12, 3])})
error("nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3])(x, t)", {"x": r(3, 8).float(), "t": torch.tensor([1, -1, 3])})

# ---- in-place activations (on a non-leaf copy, as PyTorch requires) ----
for expr in ("F.relu_(x * 1)", "F.elu_(x * 1)", "F.elu_(x * 1, 0.5)", "F.celu_(x * 1, 2.0)", "F.selu_(x * 1)",
             "F.leaky_relu_(x * 1, 0.2)", "F.hardtanh_(x * 1)", "F.hardtanh_(x * 1, -0.5, 0.25)", "F.hardtanh_(x * 1, 0.5, -0.25)",
             "F.threshold_(x * 1, 0.1, 20.0)", "F.rrelu_(x * 1)", "F.rrelu_(x * 1, 0.1, 0.3)", "torch.relu_(x * 1)",
             "torch.selu_(x * 1)", "torch.celu_(x * 1)", "torch.rrelu_(x * 1)", "torch.threshold_(x * 1, 0.5, -1.0)"):
    case(f"inplace_{expr}", expr, {"x": (r(3, 5), True)})
for expr in ("F.relu_(x)", "F.elu_(x)", "F.hardtanh_(x)", "F.leaky_relu_(x)", "F.threshold_(x, 0., 1.)"):
    error(expr, {"x": r(4).requires_grad_()})

# ---- dropout1d ----
case("dropout1d_eval", "F.dropout1d(x, 0.5, training=False)", {"x": (r(2, 3, 4), True)})
case("dropout1d_p0", "F.dropout1d(x, 0.0)", {"x": (r(3, 4), True)})
case("dropout1d_p1", "F.dropout1d(x, 1.0)", {"x": (r(2, 3, 4), True)})
case("dropout1d_module_eval", "m.eval()(x)", {"x": (r(2, 3, 4), True)}, module="nn.Dropout1d(0.25)")
error("F.dropout1d(x)", {"x": r(2, 3, 4, 5)})
error("F.dropout1d(x)", {"x": r(4)})
error("F.dropout1d(x, 1.5)", {"x": r(2, 3)})
error("nn.Dropout1d(-0.1)")

OUT.write_text(json.dumps({"torch": torch.__version__, "cases": CASES, "errors": ERRORS}, indent=None, sort_keys=True) + "\n")
print(f"{len(CASES)} cases, {len(ERRORS)} errors -> {OUT}")
