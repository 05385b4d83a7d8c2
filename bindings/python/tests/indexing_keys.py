"""Indexing keys over a [4, 5, 3] tensor and what `x[key]` gives for each, written once for
both libraries (`T` is torch or swiftgrad): scripts/indexing_reference.py stores PyTorch's
outcomes in tests/data/indexing_reference.json, and test_operators.py replays them."""


def keys(T):
    """Ints, slices (whole and partial, negative and out-of-range bounds, steps), None and an
    ellipsis, lone and in tuples, too many entries; then int64 index tensors and masks mixed
    with them, 0-d tensors, True and False. (Not here: repeated ellipses, which PyTorch 2.15
    accepts with odd results and swiftgrad refuses as NumPy does, and int32 index tensors,
    which the core refuses, and nested lists, which PyTorch still reads as a tuple with a
    deprecation notice.)"""
    ints = [0, 2, -1, -4, 4, 5, -6]
    slices = [slice(None), slice(0, 5), slice(0, 9), slice(1, 3), slice(None, 3), slice(-2, None),
              slice(None, None, 2), slice(0, None, 1), slice(7, 9), slice(None, -7), slice(3, 1), slice(None, None, -1)]
    out = [*ints, *slices, None, Ellipsis, ()]
    entries = [0, -1, 3, slice(None), slice(0, 3), slice(1, None, 2), slice(0, 99), None, Ellipsis]
    out += [(a, b) for a in entries for b in entries if not (a is Ellipsis and b is Ellipsis)]
    out += [(a, b, c) for a in (1, slice(None), None, Ellipsis) for b in (slice(1, 4), 0, Ellipsis, None)
            for c in (2, slice(None), None, slice(0, 2)) if (a, b, c).count(Ellipsis) < 2]
    out += [(0, 0, 0, 0), (slice(None),) * 4, (None, 0, None, 1, 2, None), (Ellipsis, 0, 0, 0, 0), (5, 0, 0, 0),
            (slice(None, None, -1), 0, 0, 0), (None, 9), (None, None, 0, 9), (0, None, Ellipsis, 9)]
    rows, cols, grid = T.tensor([3, 0, -1]), T.tensor([[1], [4]]), T.tensor([[0, 2], [1, 1]])
    far, mask = T.tensor([0, 9]), T.tensor([True, False, True, True])
    out += [rows, grid, (rows,), (slice(None), cols), (rows, 2), (1, rows), (rows, slice(1, 3)), (slice(None), rows, 0),
            (rows, cols), (rows, slice(None), grid[0]), (Ellipsis, rows), (None, rows), (rows, None, 1),
            (slice(0, 9), Ellipsis, cols), (far,), (slice(None), far), (rows, 7), (rows, rows, rows, rows), (0, rows, rows),
            (5, rows, rows, rows), mask, (slice(None), T.tensor([True] * 5)), (mask, 1), (mask, rows), (None, mask, slice(1, None)),
            T.tensor(1), (T.tensor(1), 2), (1, T.tensor(2)), (Ellipsis, T.tensor(1)), T.tensor(9), True, False,
            T.tensor(True), (1, True), (True, 1), (None, False, 0), (T.tensor(2), T.tensor([0, 3])),
            (T.tensor([0.0, 1.0]),), (T.tensor([0.0, 1.0]), 9), (rows, slice(None, None, -1)), [0, 2]]
    return out


def describe(key):
    """A key as text both libraries write alike (tensors as their values)."""
    if isinstance(key, tuple):
        return "(" + ", ".join(describe(k) for k in key) + ("," if len(key) == 1 else "") + ")"
    if hasattr(key, "tolist") and hasattr(key, "dtype"):
        return f"tensor({key.tolist()}, {str(key.dtype).replace('torch.', '')})"
    return repr(key)


def outcome(T, key):
    """x[key]'s shape, strides, offset (when a view of x), values, node and x's gradient of a
    weighted sum, or the error's type and message."""
    x = T.arange(60.0, dtype=T.float64).reshape(4, 5, 3).requires_grad_()
    try:
        out = x[key]
    except (IndexError, ValueError, RuntimeError, TypeError) as e:
        return {"error": type(e).__name__, "message": str(e)}
    (out * T.arange(float(out.numel()), dtype=T.float64).reshape(out.shape)).sum().backward()
    shares = out.data_ptr() == x.data_ptr() + out.storage_offset() * 8 if out.numel() else False
    return {"shape": list(out.shape), "stride": list(out.stride()) if shares else None,
            "offset": out.storage_offset() if shares else None, "values": out.tolist(),
            "grad_fn": type(out.grad_fn).__name__, "grad": x.grad.tolist()}
