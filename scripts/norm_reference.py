"""Writes PyTorch's results for the normalisation layers' cases
(bindings/python/tests/norm_layer_cases.py) to bindings/python/tests/data/norm_layers.json, or
to the path given: per case, the module's state dict (random parameters and running statistics,
float64, seed 0), the inputs and output weights of each step, and torch's outputs, input and
parameter gradients and buffers after each step. Run it with a Python that has PyTorch:

    /work/torchenv/bin/python scripts/norm_reference.py [output.json]
"""
import importlib.util
import json
import pathlib
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
TESTS = ROOT / "bindings" / "python" / "tests"


def main():
    spec = importlib.util.spec_from_file_location("norm_layer_cases", TESTS / "norm_layer_cases.py")
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    torch.manual_seed(0)
    out = {"torch": torch.__version__.split("+")[0], "cases": {}}
    for name, (_, _, _, shape) in cases.CASES.items():
        module = cases.build(torch, name)
        # Parameters and running statistics other than their initial ones, so that each enters
        # the computation visibly.
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(torch.randn(p.shape, dtype=torch.float64) * 0.5 + 1)
            for key, b in module.named_buffers():
                if key.endswith("running_mean"):
                    b.copy_(torch.randn(b.shape, dtype=torch.float64) * 0.3)
                elif key.endswith("running_var"):
                    b.copy_(torch.rand(b.shape, dtype=torch.float64) + 0.5)
                elif key.endswith("num_batches_tracked"):
                    b.fill_(3)
        state = {k: v.detach().clone() for k, v in module.state_dict().items()}
        inputs = [torch.randn(shape, dtype=torch.float64) * (1 + i) + 0.5 * i for i in range(len(cases.STEPS))]
        weights = [torch.randn(shape, dtype=torch.float64) for _ in cases.STEPS]
        results = cases.run(torch, name, state, inputs, weights)
        out["cases"][name] = {
            "state": {k: cases.encode(v) for k, v in state.items()},
            "inputs": [cases.encode(x) for x in inputs],
            "weights": [cases.encode(w) for w in weights],
            "steps": results,
        }
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else TESTS / "data" / "norm_layers.json"
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    json.loads(path.read_text())  # well formed


if __name__ == "__main__":
    main()
