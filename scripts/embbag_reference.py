"""Writes PyTorch's results for nn.EmbeddingBag and F.embedding_bag to
bindings/python/tests/data/embbag_layers.json, or to the path given. For each configuration
(CASES below: every mode, padding_idx, per_sample_weights, include_last_offset, 2-D input, empty
bags, max_norm, scale_grad_by_freq, int32 indices, from_pretrained), in float64 with a fixed
seed: the module's printed form, its state dict, the input (indices, offsets, per-sample
weights), the output, the gradients of a fixed weighted sum of the output with respect to the
weight and the per-sample weights, and the weight after the step (max_norm renormalises it in
place), in train and in eval mode. Then ERRORS: calls PyTorch refuses, with its exception type
and message. bindings/python/tests/test_embbag_layers.py replays them in swiftgrad. Run it with
a Python that has PyTorch:

    $TORCH_PYTHON scripts/embbag_reference.py [output.json]
"""
import json
import pathlib
import sys
import warnings

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]

# name: (constructor, input (a list, 1-D or 2-D), offsets or None, with per_sample_weights, int32 indices)
CASES = {
    "sum": ("nn.EmbeddingBag(10, 4, mode='sum')", [1, 2, 4, 5, 4, 3, 2, 9], [0, 4], False, False),
    "mean": ("nn.EmbeddingBag(10, 4)", [1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 5], False, False),
    "max": ("nn.EmbeddingBag(10, 4, mode='max')", [1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 5], False, False),
    "sum_per_sample_weights": ("nn.EmbeddingBag(10, 4, mode='sum')", [1, 2, 4, 5, 4, 3, 2, 9], [0, 2, 6], True, False),
    "mean_padding": ("nn.EmbeddingBag(10, 4, padding_idx=2)", [2, 2, 4, 5, 2, 3, 2, 9], [0, 2, 5], False, False),
    "sum_padding": ("nn.EmbeddingBag(10, 4, mode='sum', padding_idx=4)", [1, 2, 4, 5, 4, 3, 2, 9], [0, 4], True, False),
    "max_padding_negative": ("nn.EmbeddingBag(10, 4, mode='max', padding_idx=-1)", [9, 9, 4, 5, 4, 3, 2, 9], [0, 2, 5], False, False),
    "sum_include_last_offset": ("nn.EmbeddingBag(10, 4, mode='sum', include_last_offset=True)", [1, 2, 4, 5, 4, 3, 2, 9], [0, 2, 5, 8], True, False),
    "mean_include_last_offset": ("nn.EmbeddingBag(10, 4, include_last_offset=True)", [1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 6], False, False),
    "max_include_last_offset": ("nn.EmbeddingBag(10, 4, mode='max', include_last_offset=True)", [1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 8], False, False),
    "sum_2d": ("nn.EmbeddingBag(10, 4, mode='sum')", [[1, 2, 4], [5, 4, 3], [2, 9, 0]], None, True, False),
    "mean_2d": ("nn.EmbeddingBag(10, 4)", [[1, 2, 4], [5, 4, 3]], None, False, False),
    "max_2d_padding": ("nn.EmbeddingBag(10, 4, mode='max', padding_idx=0)", [[1, 0, 4], [0, 0, 0], [2, 9, 0]], None, False, False),
    "sum_empty_bags": ("nn.EmbeddingBag(10, 4, mode='sum')", [1, 2, 4, 5, 4], [0, 0, 3, 3, 5], True, False),
    "mean_empty_bags": ("nn.EmbeddingBag(10, 4)", [1, 2, 4, 5, 4], [0, 0, 3, 3, 5], False, False),
    "max_empty_bags": ("nn.EmbeddingBag(10, 4, mode='max')", [1, 2, 4, 5, 4], [0, 0, 3, 3, 5], False, False),
    "mean_max_norm": ("nn.EmbeddingBag(10, 4, max_norm=1.0)", [1, 2, 4, 5, 4, 3, 2, 9], [0, 4], False, False),
    "sum_max_norm_l1": ("nn.EmbeddingBag(10, 4, mode='sum', max_norm=1.5, norm_type=1.0)", [[1, 2], [4, 4], [3, 9]], None, False, False),
    "max_max_norm": ("nn.EmbeddingBag(10, 4, mode='max', max_norm=0.8)", [1, 2, 4, 5, 4, 3], [0, 2], False, False),
    "sum_scale_grad_by_freq": ("nn.EmbeddingBag(10, 4, mode='sum', scale_grad_by_freq=True)", [1, 2, 4, 4, 4, 3, 2, 1], [0, 3, 4], True, False),
    "mean_scale_grad_by_freq_padding": ("nn.EmbeddingBag(10, 4, scale_grad_by_freq=True, padding_idx=3)", [1, 3, 4, 4, 3, 3, 2, 1], [0, 3, 4], False, False),
    "sum_int32": ("nn.EmbeddingBag(10, 4, mode='sum')", [1, 2, 4, 5, 4, 3, 2, 9], [0, 3, 5], True, True),
    "max_int32_2d": ("nn.EmbeddingBag(10, 4, mode='max')", [[1, 2], [4, 5]], None, False, True),
    "from_pretrained_sum": ("nn.EmbeddingBag.from_pretrained(torch.randn(6, 3), freeze=False, mode='sum', padding_idx=1)", [1, 2, 4, 5, 1, 3], [0, 2], True, False),
    "from_pretrained_frozen": ("nn.EmbeddingBag.from_pretrained(torch.randn(6, 3))", [1, 2, 4, 5], [0, 2], False, False),
}

ERRORS = [
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([1, 2]))",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([0, 4]))",
    "F.embedding_bag(torch.tensor([0, 7, 2]), torch.randn(5, 3), torch.tensor([0, 2]), mode='sum')",
    "F.embedding_bag(torch.tensor([0, 7, 2]), torch.randn(5, 3), torch.tensor([0, 2]), mode='max')",
    "F.embedding_bag(torch.tensor([0, -1, 2]), torch.randn(5, 3, dtype=torch.float64), torch.tensor([0, 2]))",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([[0, 2]]))",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3))",
    "F.embedding_bag(torch.tensor([[0, 1, 2]]), torch.randn(5, 3), torch.tensor([0]))",
    "F.embedding_bag(torch.tensor([[[0, 1, 2]]]), torch.randn(5, 3))",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5), torch.tensor([0]))",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([0]), mode='min')",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([0]), mode='max', scale_grad_by_freq=True)",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([0]), mode='max', sparse=True)",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([0]), mode='mean', per_sample_weights=torch.ones(3))",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([0]), mode='sum', per_sample_weights=torch.ones(2))",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([0]), mode='sum', per_sample_weights=torch.ones(3, dtype=torch.float64))",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([0]), padding_idx=5)",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([0]), padding_idx=-6)",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.randn(5, 3), torch.tensor([], dtype=torch.int64), include_last_offset=True)",
    "F.embedding_bag(torch.tensor([0.0, 1.0]), torch.randn(5, 3), torch.tensor([0]))",
    "F.embedding_bag(torch.tensor([0, 1], dtype=torch.int16), torch.randn(5, 3), torch.tensor([0], dtype=torch.int16))",
    "F.embedding_bag(torch.tensor([0, 1, 2]), torch.tensor([[1, 2], [3, 4], [5, 6]]), torch.tensor([0]))",
    "F.embedding_bag(torch.zeros(3, 0, dtype=torch.int64), torch.randn(5, 3))",
    "nn.EmbeddingBag(5, 3, padding_idx=5)",
    "nn.EmbeddingBag(5, 3, padding_idx=-6)",
    "nn.EmbeddingBag(5, 3, _weight=torch.randn(4, 3))",
    "nn.EmbeddingBag.from_pretrained(torch.randn(4))",
]


def listed(t):
    # 12 significant digits: the comparison is at 1e-6, and the file stays small.
    return {"shape": list(t.shape), "values": [float(f"{v:.12g}") for v in t.detach().reshape(-1).tolist()]}


def run_case(i, name, constructor, data, offsets, with_weights, int32, train):
    torch.manual_seed(1600 + i)
    module = eval(constructor, {"nn": torch.nn, "torch": torch}).double()
    module.train(train)
    entry = {"constructor": constructor, "train": train, "repr": repr(module),
             "state_dict": {k: listed(v) for k, v in module.state_dict().items()},
             "input": data, "offsets": offsets, "int32": int32}
    dtype = torch.int32 if int32 else torch.int64
    x = torch.tensor(data, dtype=dtype)
    o = None if offsets is None else torch.tensor(offsets, dtype=dtype)
    psw = None
    if with_weights:
        psw = torch.randn(*x.shape, dtype=torch.float64, requires_grad=True)
        entry["per_sample_weights"] = listed(psw)
    y = module(x, o, per_sample_weights=psw)
    weights = torch.randn(*y.shape, dtype=torch.float64)
    if y.requires_grad:
        (y * weights).sum().backward()
    entry.update({"output": listed(y), "weights": listed(weights),
                  "grad_fn": None if y.grad_fn is None else type(y.grad_fn).__name__,
                  "weight_after": listed(module.weight)})
    entry["weight_grad"] = None if module.weight.grad is None else listed(module.weight.grad)
    if psw is not None:
        entry["per_sample_weights_grad"] = listed(psw.grad)
    return entry


def main():
    torch.set_default_dtype(torch.float64)
    results = {}
    for i, (name, case) in enumerate(sorted(CASES.items())):
        for train in (True, False):
            results[f"{name}_{'train' if train else 'eval'}"] = run_case(i, name, *case, train)
    torch.set_default_dtype(torch.float32)
    errors = []
    for call in ERRORS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                eval(call, {"F": torch.nn.functional, "nn": torch.nn, "torch": torch})
            except Exception as e:  # noqa: BLE001 - the exception is the reference
                errors.append({"call": call, "type": type(e).__name__, "message": str(e).split("\n")[0]})
            else:
                raise AssertionError(f"PyTorch accepts {call}")
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bindings" / "python" / "tests" / "data" / "embbag_layers.json"
    lines = ["{", f' "torch": {json.dumps(torch.__version__.split("+")[0])},', ' "cases": {']
    for i, name in enumerate(sorted(results)):
        comma = "," if i < len(results) - 1 else ""
        lines.append(f"  {json.dumps(name)}: {json.dumps(results[name], separators=(',', ':'))}{comma}")
    lines += [" },", ' "errors": [']
    for i, e in enumerate(errors):
        comma = "," if i < len(errors) - 1 else ""
        lines.append(f"  {json.dumps(e)}{comma}")
    lines += [" ]", "}"]
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())  # well formed


if __name__ == "__main__":
    main()
