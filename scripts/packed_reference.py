"""Writes PyTorch's results for the packed-sequence cases (bindings/python/tests/packed_cases.py)
to bindings/python/tests/data/packed_reference.json: for each case, in float64 with a fixed
seed, the state dict, the inputs, every tensor of the result (floating ones with the weight of a
weighted sum), and after backward of that sum the input and parameter gradients. Run it with a
Python that has PyTorch:

    $TORCH_PYTHON scripts/packed_reference.py [output.json]
"""
import importlib.util
import json
import pathlib
import sys

import torch
from torch.nn.utils import rnn as R

ROOT = pathlib.Path(__file__).resolve().parents[1]
TESTS = ROOT / "bindings" / "python" / "tests"


def encode(t):
    if t is None:
        return None
    if t.is_floating_point():
        return {"shape": list(t.shape), "values": [float(f"{v:.12g}") for v in t.detach().reshape(-1).tolist()]}
    return {"shape": list(t.shape), "ints": t.reshape(-1).tolist()}


def run(cases, name, case, mode):
    torch.manual_seed(sum(map(ord, name)))
    m = None
    if case["ctor"]:
        m = eval(case["ctor"], {"nn": torch.nn, "torch": torch}).double()  # noqa: S307 - our own cases
        m.train(mode == "train")
    inputs = {k: torch.randn(*shape, dtype=torch.float64, requires_grad=True) for k, shape in case["inputs"].items()}
    scope = {"m": m, "torch": torch, "R": R, **inputs}
    exec(case["code"], scope)  # noqa: S102 - our own cases
    outputs = cases.flatten(scope["result"])
    weights = [torch.randn(o.shape, dtype=torch.float64) if o is not None and o.is_floating_point() else None
               for o in outputs]
    sum((o * w).sum() for o, w in zip(outputs, weights) if w is not None).backward()
    return {
        "state": {k: encode(v) for k, v in m.state_dict().items()} if m is not None else {},
        "inputs": {k: encode(v) for k, v in inputs.items()},
        "weights": [encode(w) for w in weights],
        "outputs": [encode(o) for o in outputs],
        "input_grads": {k: encode(v.grad) for k, v in inputs.items()},
        "param_grads": {k: encode(p.grad) for k, p in m.named_parameters() if p.grad is not None} if m else {},
    }


def main():
    spec = importlib.util.spec_from_file_location("packed_cases", TESTS / "packed_cases.py")
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    results = {}
    for name, case in sorted(cases.CASES.items()):
        modes = case.get("modes", ("train", "eval"))
        runs = {mode: run(cases, name, case, mode) for mode in modes}
        # Dropout is 0 in the cases replayed in train mode: both modes compute the same
        # function, so one stored result serves both (checked here).
        first = runs[modes[0]]
        for other in modes[1:]:
            if json.dumps(runs[other]) != json.dumps(first):
                raise SystemExit(f"{name}: train and eval modes differ in torch")
        results[name] = first
    lines = ["{", f' "torch": {json.dumps(torch.__version__.split("+")[0])},', ' "cases": {']
    for i, key in enumerate(sorted(results)):
        comma = "," if i < len(results) - 1 else ""
        lines.append(f"  {json.dumps(key)}: {json.dumps(results[key], separators=(',', ':'))}{comma}")
    lines += [" }", "}"]
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else TESTS / "data" / "packed_reference.json"
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())


if __name__ == "__main__":
    main()
