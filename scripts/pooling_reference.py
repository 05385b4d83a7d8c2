"""Writes PyTorch's results for the pooling, resizing and padding layers
(bindings/python/tests/pooling_layer_cases.py, and its functional cases) to bindings/python/tests/data/pooling_layers.json,
or to the path given: for each configuration, in float64 with a fixed seed, the input (and for
MaxUnpool the indices), the output (and indices of a module built with return_indices), the
gradient of a fixed weighted sum of the output with respect to the input, and the printed form.
The layers have no parameters or buffers. bindings/python/tests/test_pooling_layers.py replays
them in swiftgrad. Run it with a Python that has PyTorch:

    $TORCH_PYTHON scripts/pooling_reference.py [output.json]
"""
import json
import pathlib
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings" / "python" / "tests"))
from pooling_layer_cases import CASES, FUNCTIONAL_CASES  # noqa: E402


def listed(t):
    # 12 significant digits: the comparison is at 1e-6, and the file stays small.
    return {"shape": list(t.shape), "values": [float(f"{v:.12g}") for v in t.detach().reshape(-1).tolist()]}


def indices(t):
    return {"shape": list(t.shape), "values": [int(v) for v in t.reshape(-1).tolist()]}


def main():
    torch.set_default_dtype(torch.float64)
    results = {}
    for i, (name, constructor, input_shape, mode, extra) in enumerate(CASES):
        torch.manual_seed(2000 + i)
        module = eval(constructor, {"nn": torch.nn}).double()
        module.train(mode == "train")
        entry = {"repr": repr(module)}
        x = torch.randn(*input_shape, dtype=torch.float64)
        if "pool" in extra:
            pooled, where = eval(extra["pool"], {"nn": torch.nn})(x)
            x = pooled.detach().requires_grad_()
            entry["indices"] = indices(where)
            y = module(x, where, output_size=extra.get("output_size"))
        else:
            x.requires_grad_()
            y = module(x)
        if isinstance(y, tuple):
            y, where = y
            entry["output_indices"] = indices(where)
        weights = torch.randn(*y.shape, dtype=torch.float64)
        (y * weights).sum().backward()
        entry.update({"input": listed(x), "output": listed(y), "weights": listed(weights), "input_grad": listed(x.grad)})
        results[name] = entry
    for i, (name, call, input_shape) in enumerate(FUNCTIONAL_CASES):
        torch.manual_seed(3000 + i)
        x = torch.randn(*input_shape, dtype=torch.float64, requires_grad=True)
        y = eval(call, {"F": torch.nn.functional, "x": x})
        weights = torch.randn(*y.shape, dtype=torch.float64)
        (y * weights).sum().backward()
        results[name] = {"input": listed(x), "output": listed(y), "weights": listed(weights), "input_grad": listed(x.grad),
                         "grad_fn": type(y.grad_fn).__name__}
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bindings" / "python" / "tests" / "data" / "pooling_layers.json"
    lines = ["{", f' "torch": {json.dumps(torch.__version__.split("+")[0])},', ' "cases": {']
    for i, name in enumerate(sorted(results)):
        comma = "," if i < len(results) - 1 else ""
        lines.append(f"  {json.dumps(name)}: {json.dumps(results[name], separators=(',', ':'))}{comma}")
    lines += [" }", "}"]
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())  # well formed


if __name__ == "__main__":
    main()
