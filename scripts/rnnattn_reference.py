"""Writes PyTorch's results for the rnn-attention family's layer cases
(bindings/python/tests/rnnattn_cases.py) to bindings/python/tests/data/rnnattn_layers.json:
for each case, in float64 with a fixed seed, the state dict, the inputs, the outputs, and after backward of a fixed weighted sum of the outputs the
input and parameter gradients. Train mode (dropout 0) and eval mode give the same results in
torch (checked here), so one result per case is stored and the test replays both modes. Run it with a Python that has PyTorch:

    $TORCH_PYTHON scripts/rnnattn_reference.py
"""
import importlib.util
import json
import pathlib

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
TESTS = ROOT / "bindings" / "python" / "tests"


def encode(t):
    return {"shape": list(t.shape), "values": [float(f"{v:.10g}") for v in t.detach().reshape(-1).tolist()]}


def run(cases, name, case, mode):
    torch.manual_seed(sum(map(ord, name)))
    m = eval(case["ctor"], {"nn": torch.nn, "torch": torch}).double()  # noqa: S307 - our own cases
    m.train(mode == "train")
    inputs = {k: torch.randn(*shape, dtype=torch.float64, requires_grad=True) for k, shape in case["inputs"].items()}
    masks = {k: eval(e, {"torch": torch}) for k, e in case.get("masks", {}).items()}  # noqa: S307
    outputs = cases.flatten(eval(case["call"], {"m": m, "torch": torch, **inputs, **masks}))  # noqa: S307
    weights = [torch.randn(o.shape, dtype=torch.float64) for o in outputs]
    sum((o * w).sum() for o, w in zip(outputs, weights)).backward()
    return {
        "state": {k: encode(v) for k, v in m.state_dict().items()},
        "inputs": {k: encode(v) for k, v in inputs.items()},
        "weights": [encode(w) for w in weights],
        "outputs": [encode(o) for o in outputs],
        "input_grads": {k: encode(v.grad) for k, v in inputs.items()},
        "param_grads": {k: encode(p.grad) for k, p in m.named_parameters() if p.grad is not None},
    }


def check_same(a, b, name):
    if json.dumps(a["state"]) != json.dumps(b["state"]):
        raise SystemExit(f"{name}: the two modes were given different weights")
    for key in ("outputs", "input_grads", "param_grads"):
        xs = a[key].values() if isinstance(a[key], dict) else a[key]
        ys = b[key].values() if isinstance(b[key], dict) else b[key]
        for x, y in zip(xs, ys):
            if x["shape"] != y["shape"] or any(abs(u - v) > 1e-9 * (1 + abs(u)) for u, v in zip(x["values"], y["values"])):
                raise SystemExit(f"{name}: train and eval modes differ in torch ({key})")


def main():
    spec = importlib.util.spec_from_file_location("rnnattn_cases", TESTS / "rnnattn_cases.py")
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    results = {}
    for name, case in sorted(cases.CASES.items()):
        runs = {mode: run(cases, name, case, mode) for mode in ("train", "eval")}
        # Dropout is 0 and these layers keep no running statistics, so both modes compute the
        # same function: one stored result serves both (the test replays each mode).
        check_same(runs["train"], runs["eval"], name)
        results[name] = runs["train"]
    lines = ["{", f' "torch": {json.dumps(torch.__version__.split("+")[0])},', ' "cases": {']
    for i, key in enumerate(sorted(results)):
        comma = "," if i < len(results) - 1 else ""
        lines.append(f"  {json.dumps(key)}: {json.dumps(results[key], separators=(',', ':'))}{comma}")
    lines += [" }", "}"]
    path = TESTS / "data" / "rnnattn_layers.json"
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())


if __name__ == "__main__":
    main()
