"""Writes PyTorch's results for the CTC loss (torch.nn.CTCLoss / F.ctc_loss) to
bindings/python/tests/data/ctc_layers.json, or to the path given: for each configuration (shapes,
padded or concatenated targets, repeated labels, blank not 0, each reduction, zero_infinity with
an impossible alignment, unbatched input, log-probabilities that are not normalised, lengths as
lists or tensors, float32 and float64), with a fixed seed: the log-probabilities, targets and
lengths, the loss, its grad_fn, the gradient of a fixed weighted sum of the loss with respect to
the log-probabilities, and the module's printed form; then PyTorch's exception and message for
bad arguments. The module has no parameters or buffers. bindings/python/tests/test_ctc_layers.py
replays them in swiftgrad. Run it with a Python that has PyTorch:

    $TORCH_PYTHON scripts/ctc_reference.py [output.json]
"""
import json
import pathlib
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parents[1]

# name: T, N (None: unbatched), C, padded target width (None: concatenated), input and target
# lengths, options. "labels" fixes the targets (else random labels other than the blank),
# "raw" leaves the inputs unnormalised, "tensor_lengths" passes the lengths as int64 tensors.
CASES = {
    "padded_mean": dict(T=8, N=3, C=5, S=4, il=[8, 7, 6], tl=[4, 3, 2]),
    "padded_sum_tensor_lengths": dict(T=8, N=3, C=5, S=4, il=[8, 7, 6], tl=[4, 3, 2], reduction="sum",
                                      tensor_lengths=True),
    "padded_none": dict(T=7, N=4, C=6, S=3, il=[7, 5, 6, 3], tl=[3, 2, 3, 1], reduction="none"),
    "concat_none": dict(T=8, N=3, C=5, S=None, il=[8, 6, 7], tl=[3, 4, 2], reduction="none"),
    "concat_mean_tensor_lengths": dict(T=9, N=2, C=4, S=None, il=[9, 8], tl=[4, 3], tensor_lengths=True),
    "repeated_labels": dict(T=9, N=3, C=4, S=4, il=[9, 9, 7], tl=[4, 3, 3], reduction="none",
                            labels=[[1, 1, 2, 2], [3, 3, 3, 0], [2, 1, 1, 0]]),
    "blank_last": dict(T=8, N=3, C=5, S=3, il=[8, 8, 5], tl=[3, 2, 2], blank=4, reduction="sum"),
    "blank_middle_mean": dict(T=8, N=2, C=5, S=3, il=[8, 6], tl=[3, 3], blank=2),
    "zero_infinity_impossible_none": dict(T=6, N=3, C=4, S=4, il=[3, 6, 4], tl=[4, 2, 3], reduction="none",
                                          zero_infinity=True, labels=[[1, 2, 3, 1], [2, 3, 0, 0], [1, 1, 1, 0]]),
    "zero_infinity_impossible_mean": dict(T=6, N=3, C=4, S=4, il=[3, 6, 4], tl=[4, 2, 3], zero_infinity=True,
                                          labels=[[1, 2, 3, 1], [2, 3, 0, 0], [1, 1, 1, 0]]),
    "impossible_without_zero_infinity": dict(T=5, N=2, C=4, S=3, il=[2, 5], tl=[3, 2], reduction="none"),
    "empty_target_and_input": dict(T=6, N=3, C=4, S=2, il=[6, 0, 0], tl=[0, 0, 2], reduction="none"),
    "unbatched_none": dict(T=7, N=None, C=5, S=None, il=[7], tl=[3], reduction="none"),
    "unbatched_mean_padded": dict(T=7, N=None, C=5, S=3, il=[6], tl=[3]),
    "unnormalised_sum": dict(T=7, N=3, C=5, S=3, il=[7, 6, 7], tl=[3, 2, 3], reduction="sum", raw=True),
    "unnormalised_blank_labels": dict(T=6, N=2, C=4, S=3, il=[6, 6], tl=[3, 2], reduction="none", raw=True,
                                      labels=[[1, 0, 2], [0, 0, 0]]),
    "float32_mean": dict(T=10, N=3, C=6, S=5, il=[10, 9, 7], tl=[5, 4, 3], dtype="float32"),
    "float32_concat_none_zero_infinity": dict(T=6, N=3, C=5, S=None, il=[6, 2, 5], tl=[2, 3, 3], reduction="none",
                                             zero_infinity=True, dtype="float32"),
}

# name: a call of F.ctc_loss / torch.ctc_loss / nn.CTCLoss with bad arguments (evaluated with
# lp [5, 2, 4] float64, tg [[1, 2, 2], [3, 1, 0]]).
ERRORS = {
    "input_length_above_T": "F.ctc_loss(lp, tg, [6, 4], [3, 2])",
    "negative_input_length": "F.ctc_loss(lp, tg, [-1, 4], [3, 2])",
    "negative_target_length": "F.ctc_loss(lp, tg, [5, 4], [3, -1])",
    "target_length_above_width": "F.ctc_loss(lp, tg, [5, 4], [4, 2])",
    "concatenated_too_short": "F.ctc_loss(lp, torch.tensor([1, 2, 3]), [5, 4], [3, 2])",
    "input_lengths_count": "F.ctc_loss(lp, tg, [5, 4, 3], [3, 2])",
    "target_lengths_count": "F.ctc_loss(lp, tg, [5, 4], [3])",
    "blank_too_large": "F.ctc_loss(lp, tg, [5, 4], [3, 2], blank=4)",
    "blank_negative": "F.ctc_loss(lp, tg, [5, 4], [3, 2], blank=-1)",
    "log_probs_4d": "F.ctc_loss(lp.unsqueeze(0), tg, [5, 4], [3, 2])",
    "log_probs_1d": "F.ctc_loss(lp[0, 0], tg, [5, 4], [3, 2])",
    "targets_3d": "F.ctc_loss(lp, tg.unsqueeze(0), [5, 4], [3, 2])",
    "targets_batch": "F.ctc_loss(lp, tg[:1], [5, 4], [3, 2])",
    "float_lengths": "F.ctc_loss(lp, tg, torch.tensor([5.0, 4.0]), torch.tensor([3, 2]))",
    "bool_target_lengths": "F.ctc_loss(lp, tg, torch.tensor([5, 4]), torch.tensor([True, True]))",
    "half_input": "F.ctc_loss(lp.half(), tg, [5, 4], [3, 2])",
    "integer_input": "F.ctc_loss(lp.long(), tg, [5, 4], [3, 2])",
    "empty_input": "F.ctc_loss(lp[:0], tg, [0, 0], [0, 1])",
    "bad_reduction": "F.ctc_loss(lp, tg, [5, 4], [3, 2], reduction='avg')",
    "mixed_lengths": "F.ctc_loss(lp, tg, [5, 4], torch.tensor([3, 2]))",
    "int_lengths": "torch.ctc_loss(lp, tg, 5, 3)",
    "string_reduction_code": "torch.ctc_loss(lp, tg, [5, 4], [3, 2], 0, 'mean')",
    "double_backward": "torch.autograd.grad(torch.autograd.grad(F.ctc_loss(lp, tg, [5, 4], [3, 2]), lp, "
                       "create_graph=True)[0].sum(), lp)",
}


def listed(t, digits):
    return {"shape": list(t.shape), "values": [float(f"{v:.{digits}g}") for v in t.detach().reshape(-1).tolist()]}


def make_case(i, spec):
    torch.manual_seed(1600 + i)
    dtype = getattr(torch, spec.get("dtype", "float64"))
    digits = 9 if dtype == torch.float32 else 17  # exact round trips of the inputs
    T, N, C, S, blank = spec["T"], spec["N"], spec["C"], spec["S"], spec.get("blank", 0)
    batch = 1 if N is None else N
    raw = torch.randn(T, batch, C, dtype=torch.float64)
    lp = (raw * 0.7 - 0.4) if spec.get("raw") else raw.log_softmax(2)
    lp = lp.to(dtype)
    if N is None:
        lp = lp[:, 0]
    lp = lp.detach().requires_grad_()
    if "labels" in spec:
        rows = spec["labels"]
    else:
        others = [c for c in range(C) if c != blank]
        width = S if S is not None else max(spec["tl"])
        rows = [[others[int(k)] for k in torch.randint(0, len(others), (width,))] for _ in range(batch)]
    if S is not None:
        targets = torch.tensor(rows, dtype=torch.long)
        if N is None:
            targets = targets[0]
            assert len(targets) == S
            targets = targets.unsqueeze(0)  # unbatched padded targets: [1, S]
    else:
        targets = torch.tensor([label for row, n in zip(rows, spec["tl"]) for label in row[:n]], dtype=torch.long)
    il, tl = spec["il"], spec["tl"]
    if spec.get("tensor_lengths"):
        il, tl = torch.tensor(il), torch.tensor(tl)
    options = dict(blank=blank, reduction=spec.get("reduction", "mean"), zero_infinity=spec.get("zero_infinity", False))
    module = torch.nn.CTCLoss(**options)
    loss = module(lp, targets, il, tl)
    weights = torch.randn(loss.shape, dtype=torch.float64).to(dtype)
    (loss * weights).sum().backward()
    return {
        "options": options, "dtype": spec.get("dtype", "float64"), "tensor_lengths": bool(spec.get("tensor_lengths")),
        "repr": repr(module), "log_probs": listed(lp, digits), "targets": {"shape": list(targets.shape),
                                                                         "values": targets.reshape(-1).tolist()},
        "input_lengths": spec["il"], "target_lengths": spec["tl"], "loss": listed(loss, digits),
        "grad_fn": type(loss.grad_fn).__name__, "weights": listed(weights, digits), "grad": listed(lp.grad, digits),
    }


def error_case(code):
    torch.manual_seed(7)
    lp = torch.randn(5, 2, 4, dtype=torch.float64).log_softmax(2).requires_grad_()
    tg = torch.tensor([[1, 2, 2], [3, 1, 0]])
    try:
        eval(code, {"F": torch.nn.functional, "torch": torch, "lp": lp, "tg": tg})
    except Exception as e:  # noqa: BLE001 - PyTorch's exception is the reference
        return {"code": code, "type": type(e).__name__, "message": str(e).split("\n")[0]}
    raise AssertionError(f"{code} did not raise")


def main():
    cases = {name: make_case(i, spec) for i, (name, spec) in enumerate(CASES.items())}
    errors = {name: error_case(code) for name, code in ERRORS.items()}
    lines = ["{", f' "torch": {json.dumps(torch.__version__.split("+")[0])},', ' "cases": {']
    for i, (name, entry) in enumerate(cases.items()):
        comma = "," if i < len(cases) - 1 else ""
        lines.append(f"  {json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}{comma}")
    lines += [" },", ' "errors": {']
    for i, (name, entry) in enumerate(errors.items()):
        comma = "," if i < len(errors) - 1 else ""
        lines.append(f"  {json.dumps(name)}: {json.dumps(entry, separators=(',', ':'))}{comma}")
    lines += [" }", "}"]
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bindings" / "python" / "tests" / "data" / "ctc_layers.json"
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())  # well formed


if __name__ == "__main__":
    main()
