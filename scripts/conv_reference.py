"""Writes PyTorch's results for the convolution layers (nn.Conv1d/2d/3d, nn.ConvTranspose1d/2d/3d,
nn.Unfold, nn.Fold) to bindings/python/tests/data/conv_layers.json, or to the path given: for each
configuration, in float64 with a fixed seed, the state dict, the input, the output, and the
gradients of a fixed weighted sum of the output with respect to the input and every parameter,
in train or eval mode. bindings/python/tests/test_conv_layers.py loads the state dict into
swiftgrad's module and compares. Run it with a Python that has PyTorch:

    $TORCH_PYTHON scripts/conv_reference.py [output.json]
"""
import json
import pathlib
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings" / "python" / "tests"))
from conv_layer_cases import CASES  # noqa: E402


def listed(t):
    # 12 significant digits: the comparison is at 1e-6, and the file stays a few KB per case.
    return {"shape": list(t.shape), "values": [float(f"{v:.12g}") for v in t.detach().reshape(-1).tolist()]}


def main():
    torch.set_default_dtype(torch.float64)
    results = {}
    for i, (name, constructor, input_shape, call, mode) in enumerate(CASES):
        torch.manual_seed(1000 + i)
        module = eval(constructor, {"nn": torch.nn}).double()
        module.train(mode == "train")
        x = torch.randn(*input_shape, dtype=torch.float64, requires_grad=True)
        y = module(x, **call)
        weights = torch.randn(*y.shape, dtype=torch.float64)
        (y * weights).sum().backward()
        results[name] = {
            "state": {k: listed(v) for k, v in module.state_dict().items()},
            "input": listed(x), "output": listed(y), "weights": listed(weights), "input_grad": listed(x.grad),
            "param_grads": {k: listed(p.grad) for k, p in module.named_parameters()},
            "repr": repr(module),
        }
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bindings" / "python" / "tests" / "data" / "conv_layers.json"
    lines = ["{", f' "torch": {json.dumps(torch.__version__.split("+")[0])},', ' "cases": {']
    for i, name in enumerate(sorted(results)):
        comma = "," if i < len(results) - 1 else ""
        lines.append(f"  {json.dumps(name)}: {json.dumps(results[name], separators=(',', ':'))}{comma}")
    lines += [" }", "}"]
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())  # well formed


if __name__ == "__main__":
    main()
