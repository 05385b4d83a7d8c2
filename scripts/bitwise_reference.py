"""Writes PyTorch's results for the bitwise family's cases (bindings/python/tests/bitwise_cases.py)
to bindings/python/tests/data/bitwise_reference.json, or to the path given. Run it with a Python
that has PyTorch:

    $TORCH_PYTHON scripts/bitwise_reference.py [output.json]
"""
import importlib.util
import json
import pathlib
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]
TESTS = ROOT / "bindings" / "python" / "tests"


def main():
    spec = importlib.util.spec_from_file_location("bitwise_cases", TESTS / "bitwise_cases.py")
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    results = cases.run(torch)
    # One result per line: the file is large, and a change shows as the lines that changed.
    lines = ["{", f' "torch": {json.dumps(torch.__version__.split("+")[0])},', ' "cases": {']
    for i, name in enumerate(sorted(results)):
        lines.append(f"  {json.dumps(name)}: {{")
        entries = sorted(results[name].items())
        for j, (key, value) in enumerate(entries):
            comma = "," if j < len(entries) - 1 else ""
            lines.append(f"   {json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}{comma}")
        lines.append("  }" + ("," if i < len(results) - 1 else ""))
    lines += [" }", "}"]
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else TESTS / "data" / "bitwise_reference.json"
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())  # well formed


if __name__ == "__main__":
    main()
