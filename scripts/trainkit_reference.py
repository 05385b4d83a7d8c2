"""Writes PyTorch's results for the training kit's cases (bindings/python/tests/trainkit_cases.py:
schedulers, optimizers, gradient clipping, nn.init) to
bindings/python/tests/data/trainkit_reference.json, or to the path given. Run it with a Python
that has PyTorch:

    $TORCH_PYTHON scripts/trainkit_reference.py [output.json]
"""
import importlib.util
import json
import pathlib
import sys
import warnings

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
TESTS = ROOT / "bindings" / "python" / "tests"


def main():
    spec = importlib.util.spec_from_file_location("trainkit_cases", TESTS / "trainkit_cases.py")
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    torch.set_default_dtype(torch.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = {"torch": torch.__version__.split("+")[0], "cases": cases.run(torch)}
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else TESTS / "data" / "trainkit_reference.json"
    path.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
