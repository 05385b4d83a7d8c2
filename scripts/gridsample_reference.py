"""Writes PyTorch's results for spatial sampling (F.grid_sample, torch.grid_sampler_2d/3d,
F.affine_grid) to bindings/python/tests/data/gridsample_layers.json, or to the path given:

- every interpolation mode x padding mode x align_corners, on 4-d and 5-d inputs, in float64,
  with grids that reach outside [-1, 1] (a little and far), sit exactly on the borders, on pixel
  centres and on nearest's half-pixel ties: the output, the gradients of a fixed weighted sum of
  it for the input and the grid, and the second-order gradients (of a fixed weighted sum of those
  two gradients) for the input, the grid and the weights; a few float32 cases;
- F.affine_grid for 4-d and 5-d sizes and both align_corners, the grid and theta's gradient;
- a tiny spatial transformer (a Linear's output as theta, affine_grid, grid_sample) trained two
  SGD steps from a stored state dict: the losses, the gradients and the parameters after each step;
- PyTorch's exception and message for bad arguments.

bindings/python/tests/test_gridsample_layers.py replays them in swiftgrad. Run it with a Python
that has PyTorch:

    $TORCH_PYTHON scripts/gridsample_reference.py [output.json]
"""
import itertools
import json
import pathlib
import sys
import warnings

import torch
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parents[1]

MODES = ("bilinear", "nearest", "bicubic")
PADDINGS = ("zeros", "border", "reflection")

# Grid coordinates placed on purpose (the rest are uniform in [-1.4, 1.4]): the borders, the
# centre, outside a little and far, pixel centres of a 4-wide axis with align_corners (-1/3, 1/3)
# and without (-0.75, -0.25, 0.25, 0.75), nearest's ties (-2/3 is 0.5 pixels with align_corners;
# -0.5 and 0 are ties without on a 4-wide axis), and a far value.
SPECIAL = [-1.0, 1.0, 0.0, 1.0, -1.0, -1.0, 3.7, -2.6, -1 / 3, 1 / 3, -0.75, 0.25, -2 / 3, -0.5, 1.05, -1.05, 42.0, 0.75]


def encode(t):
    return None if t is None else {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
                                   "values": t.detach().reshape(-1).tolist()}


def fixed(shape, scale, shift, dtype):
    """The fixed weights of the sums differentiated (the test computes the same ones):
    cos(scale * i + shift) over the elements in order."""
    n = 1
    for s in shape:
        n *= s
    return torch.cos(torch.arange(n, dtype=torch.float64) * scale + shift).reshape(shape).to(dtype)


def sample_case(gen, dim, mode, padding, align, dtype=torch.float64):
    ishape = (1, 2, 3, 4) if dim == 2 else (1, 2, 2, 3, 4)
    gshape = (1, 3, 3, 2) if dim == 2 else (1, 2, 2, 2, 3)
    x = (torch.rand(ishape, generator=gen, dtype=torch.float64) * 2 - 1).to(dtype).requires_grad_()
    g = torch.rand(gshape, generator=gen, dtype=torch.float64) * 2.8 - 1.4
    flat = g.view(-1)
    flat[:len(SPECIAL)] = torch.tensor(SPECIAL, dtype=torch.float64)
    g = g.to(dtype).requires_grad_()
    w = fixed((ishape[0], ishape[1]) + gshape[1:-1], 0.7, 0.0, dtype).requires_grad_()
    u = fixed(ishape, 1.3, 0.5, dtype)
    v = fixed(gshape, 0.4, 1.0, dtype)
    y = F.grid_sample(x, g, mode=mode, padding_mode=padding, align_corners=align)
    gx, gg = torch.autograd.grad((y * w).sum(), (x, g), create_graph=True)
    second = torch.autograd.grad((gx * u).sum() + (gg * v).sum(), (x, g, w), allow_unused=True)
    return {"input": encode(x), "grid": encode(g),
            "mode": mode, "padding_mode": padding, "align_corners": align,
            "output": encode(y), "grad_fn": type(y.grad_fn).__name__,
            "input_grad": encode(gx), "grid_grad": encode(gg), "grad_grad_fn": type(gx.grad_fn).__name__,
            "second_input": encode(second[0]), "second_grid": encode(second[1]), "second_weight": encode(second[2])}


def affine_case(gen, size, align):
    k = len(size) - 2
    theta = (torch.rand((size[0], k, k + 1), generator=gen, dtype=torch.float64) * 2 - 1).requires_grad_()
    grid = F.affine_grid(theta, size, align_corners=align)
    w = fixed(grid.shape, 0.7, 0.0, torch.float64)
    gt, = torch.autograd.grad((grid * w).sum(), theta)
    return {"theta": encode(theta), "size": list(size), "align_corners": align,
            "grid": encode(grid), "grad_fn": type(grid.grad_fn).__name__, "theta_grad": encode(gt)}


class SpatialTransformer(torch.nn.Module):
    """A Linear predicts each image's affine map; the image is resampled through it."""

    def __init__(self, features=5, size=(3, 2, 4, 4)):
        super().__init__()
        self.loc = torch.nn.Linear(features, 6)
        self.size = size

    def forward(self, x, image):
        theta = self.loc(x).view(-1, 2, 3) + torch.tensor([[1.0, 0, 0], [0, 1.0, 0]], dtype=x.dtype)
        grid = F.affine_grid(theta, self.size, align_corners=False)
        return F.grid_sample(image, grid, mode="bilinear", padding_mode="border", align_corners=False)


def stn_case(gen):
    model = SpatialTransformer().double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand(p.shape, generator=gen, dtype=torch.float64) * 0.6 - 0.3)
    state = {k: encode(v) for k, v in model.state_dict().items()}
    x = torch.rand((3, 5), generator=gen, dtype=torch.float64) * 2 - 1
    image = torch.rand((3, 2, 5, 6), generator=gen, dtype=torch.float64)
    w = fixed((3, 2, 4, 4), 0.7, 0.0, torch.float64)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    steps = []
    for _ in range(2):
        opt.zero_grad()
        out = model(x, image)
        loss = (out * w).sum()
        loss.backward()
        grads = {k: encode(p.grad) for k, p in model.named_parameters()}
        opt.step()
        steps.append({"output": encode(out), "loss": loss.item(), "grads": grads,
                      "params": {k: encode(p) for k, p in model.named_parameters()}})
    return {"state_dict": state, "x": encode(x), "image": encode(image), "lr": 0.5, "steps": steps}


# name: a call with bad arguments, evaluated with x [1, 2, 3, 3] float32, g [1, 2, 2, 2] float32,
# x3 [1, 2, 3, 3, 3], g3 [1, 2, 2, 2, 3], th [1, 2, 3].
ERRORS = {
    "bad_mode": "F.grid_sample(x, g, mode='linear', align_corners=False)",
    "bad_padding": "F.grid_sample(x, g, padding_mode='wrap', align_corners=False)",
    "batch_mismatch": "F.grid_sample(x, torch.cat([g, g]), align_corners=False)",
    "last_dim": "F.grid_sample(x, x3.new_zeros(1, 2, 2, 3)[..., :3], align_corners=False)",
    "grid_rank": "F.grid_sample(x, g3[..., :2], align_corners=False)",
    "input_rank_5_grid_4": "F.grid_sample(x3, g3[:, 0], align_corners=False)",
    "rank_3": "F.grid_sample(x[0], g[0], align_corners=False)",
    "empty_spatial": "F.grid_sample(x[:, :, :0], g, align_corners=False)",
    "dtype_mismatch": "F.grid_sample(x, g.double(), align_corners=False)",
    "integer_input": "F.grid_sample(x.long(), g.long(), align_corners=False)",
    "integer_input_3d": "F.grid_sample(x3.long(), g3.long(), align_corners=False)",
    "sampler_2d_on_5d": "torch.grid_sampler_2d(x3, g3, 0, 0, False)",
    "sampler_3d_on_4d": "torch.grid_sampler_3d(x, g, 0, 0, False)",
    "affine_integer": "F.affine_grid(th.long(), (1, 1, 2, 2), align_corners=False)",
    "affine_wrong_theta_2d": "F.affine_grid(th, (1, 1, 2, 2, 2), align_corners=False)",
    "affine_wrong_theta_3d": "F.affine_grid(th.view(1, 3, 2), (1, 1, 2, 2), align_corners=False)",
    "affine_size_3": "F.affine_grid(th, (1, 1, 2), align_corners=False)",
    "affine_zero_size": "F.affine_grid(th, (1, 1, 0, 2), align_corners=False)",
    "generator_batch": "torch.affine_grid_generator(th, (2, 1, 3, 2), False)",
    "generator_size_3": "torch.affine_grid_generator(th, (1, 1, 3), False)",
}

# name: a call that warns, with the warning's message.
WARNINGS = {
    "grid_sample_align_none": "F.grid_sample(x, g)",
    "affine_grid_align_none": "F.affine_grid(th, (1, 1, 2, 2))",
    "affine_grid_unit_size": "F.affine_grid(th, (1, 1, 1, 3), align_corners=True)",
}


def main():
    gen = torch.Generator().manual_seed(1616)
    samples = {}
    for dim, mode, padding, align in itertools.product((2, 3), MODES, PADDINGS, (False, True)):
        samples[f"{dim}d_{mode}_{padding}_{'align' if align else 'noalign'}"] = sample_case(gen, dim, mode, padding, align)
    samples["2d_bilinear_zeros_noalign_float32"] = sample_case(gen, 2, "bilinear", "zeros", False, torch.float32)
    samples["2d_bicubic_reflection_align_float32"] = sample_case(gen, 2, "bicubic", "reflection", True, torch.float32)
    samples["3d_nearest_border_noalign_float32"] = sample_case(gen, 3, "nearest", "border", False, torch.float32)
    affine = {}
    for size, align in itertools.product([(2, 3, 3, 4), (1, 1, 1, 3), (2, 1, 2, 3, 2), (1, 2, 1, 1, 2)], (False, True)):
        affine[f"{'x'.join(map(str, size))}_{'align' if align else 'noalign'}"] = affine_case(gen, size, align)
    env = {"F": F, "torch": torch, "x": torch.rand(1, 2, 3, 3), "g": torch.rand(1, 2, 2, 2) * 2 - 1,
           "x3": torch.rand(1, 2, 3, 3, 3), "g3": torch.rand(1, 2, 2, 2, 3) * 2 - 1, "th": torch.rand(1, 2, 3)}
    errors = {}
    for name, expr in ERRORS.items():
        try:
            eval(expr, env)
        except Exception as e:  # noqa: BLE001 - recording whatever PyTorch raises
            errors[name] = {"call": expr, "type": type(e).__name__, "message": str(e)}
        else:
            raise SystemExit(f"{name}: {expr} did not raise")
    warned = {}
    for name, expr in WARNINGS.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            eval(expr, env)
        warned[name] = {"call": expr, "messages": [str(w.message) for w in caught]}
    result = {"torch": torch.__version__.split("+")[0], "samples": samples, "affine": affine,
              "stn": stn_case(gen), "errors": errors, "warnings": warned}
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bindings" / "python" / "tests" / "data" / "gridsample_layers.json"
    lines = ["{"]
    keys = list(result)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(result[key], dict) and key != "stn":
            lines.append(f" {json.dumps(key)}: {{")
            entries = list(result[key].items())
            for j, (name, value) in enumerate(entries):
                c2 = "," if j < len(entries) - 1 else ""
                lines.append(f"  {json.dumps(name)}: {json.dumps(value, separators=(',', ':'))}{c2}")
            lines.append(" }" + comma)
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(result[key], separators=(',', ':'))}{comma}")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())  # well formed


if __name__ == "__main__":
    main()
