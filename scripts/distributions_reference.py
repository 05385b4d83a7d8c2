"""Writes PyTorch's results for the torch.distributions cases
(bindings/python/tests/distributions_cases.py) to
bindings/python/tests/data/distributions_reference.json, or to the path given. Run it with a
Python that has PyTorch:

    $TORCH_PYTHON scripts/distributions_reference.py [output.json]
"""
import importlib.util
import json
import pathlib
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
TESTS = ROOT / "bindings" / "python" / "tests"


def main():
    spec = importlib.util.spec_from_file_location("distributions_cases", TESTS / "distributions_cases.py")
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    torch.set_default_dtype(torch.float32)
    results = {"torch": torch.__version__.split("+")[0], "cases": cases.run(torch)}
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else TESTS / "data" / "distributions_reference.json"
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
