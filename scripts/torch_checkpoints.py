#!/usr/bin/env python3
"""Writes small checkpoints with PyTorch's own torch.save, and what PyTorch sees in them, for
swiftgrad's test of torch.load on files PyTorch wrote (bindings/python/tests/test_save_load.py).
Needs `torch` importable:

    /path/to/python-with-torch scripts/torch_checkpoints.py [OUT_DIR]

OUT_DIR defaults to bindings/python/tests/data/torch_checkpoints (the copies the suite reads
without torch); the suite also runs it into a temporary folder when TORCH_PYTHON is set.
expected.json describes every tensor as PyTorch has it (dtype, shape, strides, storage offset,
requires_grad, Parameter or not, values, which tensors share a storage) and every other value
by its repr; for the model checkpoint also the model's output on the saved input and the
parameters after one more optimizer step with the saved gradients."""
import argparse
import collections
import json
import math
import pathlib
import sys

import torch

DEFAULT = pathlib.Path(__file__).resolve().parent.parent / "bindings" / "python" / "tests" / "data" / "torch_checkpoints"


def describe(value):
    """A JSON description of a checkpoint's object."""
    if isinstance(value, torch.Tensor):
        return {"tensor": True, "dtype": str(value.dtype), "shape": list(value.shape), "stride": list(value.stride()),
                "offset": value.storage_offset(), "requires_grad": value.requires_grad,
                "parameter": isinstance(value, torch.nn.Parameter),
                "values": [v if not isinstance(v, float) or math.isfinite(v) else repr(v)
                           for v in value.detach().flatten().tolist()]}
    if isinstance(value, dict):
        return {"dict": type(value).__name__, "items": [[key, describe(item)] for key, item in value.items()]}
    if type(value) in (list, tuple):
        return {type(value).__name__: [describe(item) for item in value]}
    return {"repr": repr(value)}


def sharing(value):
    """The paths (lists of keys and indices) of the tensors that share a storage, in groups."""
    paths = {}

    def walk(value, path):
        if isinstance(value, torch.Tensor):
            storage = value.untyped_storage()
            if storage.nbytes():
                paths.setdefault(storage.data_ptr(), []).append(path)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + [key])
        elif type(value) in (list, tuple):
            for i, item in enumerate(value):
                walk(item, path + [i])

    walk(value, [])
    return [group for group in paths.values() if len(group) > 1]


def tensors():
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.5 - 1
    row = torch.tensor([1.0, 2.0])
    return {
        "float32": torch.tensor([0.5, -1.25, 3e38, -0.0, float("inf"), float("nan")]),
        "float64": torch.tensor([1 / 3, -2.5e-300, 1e300], dtype=torch.float64),
        "float16": torch.tensor([0.5, -65504.0, 6e-8, 1 / 3], dtype=torch.float16),
        "bfloat16": torch.tensor([1 / 3, -3e38, 1e-38], dtype=torch.bfloat16),
        "int8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "int16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "int32": torch.tensor([-2**31, 2**31 - 1], dtype=torch.int32),
        "int64": torch.tensor([-2**63, 2**63 - 1, 5], dtype=torch.int64),
        "uint8": torch.tensor([0, 255, 7], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(2.5),
        "scalar_int": torch.tensor(7),
        "empty": torch.zeros(0, 3),
        "matrix": base,
        "row": base[1],
        "column": base[:, 2],
        "transposed": base.t(),
        "corner": base[1:, 2:],
        "expanded": row.expand(3, 2),
        "requires_grad": torch.tensor([1.0, 2.0], requires_grad=True),
        "parameter": torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]])),
        "frozen": torch.nn.Parameter(torch.ones(2, dtype=torch.float64), requires_grad=False),
        "others": {"size": torch.Size([2, 3]), "dtype": torch.bfloat16, "device": torch.device("cpu"),
                   "nested": [1, 2.5, "text", None, True, (1, (2, 3)), b"bytes", {4, 5}, 2**70, 1e-300],
                   "ordered": collections.OrderedDict(b=1, a=2)},
    }


def model_and_optimizer(path):
    """Saves an nn.Sequential after one Adam step, its optimizer's state, an input and the
    gradients of the next step to `path`; returns their description and what PyTorch computes
    from them: the model's output, and the parameters after the next step."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1, betas=(0.8, 0.9), weight_decay=0.01)
    x = torch.randn(5, 3)
    model(x).pow(2).sum().backward()
    optimizer.step()
    optimizer.zero_grad()
    output = model(x)
    output.pow(2).sum().backward()
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "input": x,
                  "grads": [p.grad.clone() for p in model.parameters()]}
    torch.save(checkpoint, path)
    description = {"object": describe(checkpoint), "sharing": sharing(checkpoint)}
    optimizer.step()  # (the state dicts share memory with the model and optimizer: saved before)
    return {**description, "output": output.detach().flatten().tolist(),
            "parameters_after_step": [p.detach().flatten().tolist() for p in model.parameters()]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", type=pathlib.Path, default=DEFAULT)
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    expected = {"torch": torch.__version__}

    objects = tensors()
    torch.save(objects, out / "tensors.pt")
    expected["tensors.pt"] = {"object": describe(objects), "sharing": sharing(objects)}

    expected["model_optimizer.pt"] = model_and_optimizer(out / "model_optimizer.pt")

    matrix = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    legacy = {"matrix": matrix, "column": matrix[:, 1], "ints": torch.tensor([1, -2, 3], dtype=torch.int32),
              "flag": torch.tensor(True)}
    torch.save(legacy, out / "legacy.pt", _use_new_zipfile_serialization=False)
    expected["legacy.pt"] = {"object": describe(legacy), "sharing": sharing(legacy)}

    # Checkpoints swiftgrad refuses, each with the reason.
    torch.save({"z": torch.tensor([1 + 2j, -0.5j])}, out / "complex.pt")
    torch.save({"u": torch.tensor([1, 65535], dtype=torch.uint16)}, out / "uint16.pt")
    torch.save({"options": argparse.Namespace(lr=0.5), "w": torch.ones(2)}, out / "namespace.pt")
    torch.manual_seed(0)
    torch.save(torch.nn.Sequential(torch.nn.Linear(2, 1)), out / "whole_module.pt")  # a torch.nn class
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 1)), out / "scripted.pt")  # TorchScript
    torch.serialization.register_package(-1, lambda storage: "cuda:0" if storage.device.type == "cpu" else None,
                                         lambda storage, location: None)
    torch.save({"w": torch.tensor([1.0, 2.0])}, out / "cuda.pt")  # storages tagged cuda:0
    (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"wrote {out} with torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
