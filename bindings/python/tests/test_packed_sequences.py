"""torch.nn.utils.rnn (PackedSequence, pack/pad/unpad, invert_permutation) and RNN, LSTM, GRU on
packed batches.

Three kinds of checks: values and messages derived by hand; the property that defines packing (a
layer run on a packed batch gives, for each sequence, the outputs, final states and gradients of
running that sequence alone, unpadded); and PyTorch's results for the cases of packed_cases.py
(data/packed_reference.json, written by scripts/packed_reference.py), replayed with torch's
weights and inputs and compared at 1e-6. With TORCH_PYTHON set, the stored results are also
checked against a fresh run of that PyTorch."""
import importlib.util
import json
import os
import pathlib
import subprocess

import pytest

import swiftgrad as torch
from swiftgrad import nn
from swiftgrad.nn.utils import rnn as R
from swiftgrad.nn.utils.rnn import (PackedSequence, invert_permutation, pack_padded_sequence, pack_sequence,
                                    pad_packed_sequence, pad_sequence, unpack_sequence, unpad_sequence)

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
_spec = importlib.util.spec_from_file_location("packed_cases", HERE / "packed_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE_PATH = HERE / "data" / "packed_reference.json"
REFERENCE = json.loads(REFERENCE_PATH.read_text())["cases"]


def assert_close(got, want, tol=1e-10, what=""):
    assert list(got.shape) == list(want.shape), f"{what}: shape {list(got.shape)} != {list(want.shape)}"
    if got.numel():
        difference = (got.detach() - want.detach()).abs().max().item()
        assert difference <= tol, f"{what}: differs by {difference}"


# ---- PyTorch's results, replayed ------------------------------------------------------------

def _decode(encoded, requires_grad=False):
    if encoded is None:
        return None
    if "ints" in encoded:
        return torch.tensor(encoded["ints"], dtype=torch.int64).reshape(encoded["shape"])
    return torch.tensor(encoded["values"], dtype=torch.float64).reshape(encoded["shape"]).requires_grad_(requires_grad)


def _matches(got, want, what):
    if want is None:
        assert got is None, f"{what}: torch has None"
        return
    assert list(got.shape) == want["shape"], f"{what}: shape {list(got.shape)}, torch {want['shape']}"
    if "ints" in want:
        assert got.dtype == torch.int64 and got.reshape(-1).tolist() == want["ints"], f"{what}: {got} != {want}"
        return
    assert got.dtype == torch.float64, f"{what}: dtype {got.dtype}"
    expected = _decode(want)
    difference = (got.detach() - expected).abs().max().item() if got.numel() else 0.0
    assert difference <= 1e-6 * (1 + (expected.abs().max().item() if got.numel() else 0)), \
        f"{what}: differs from torch by {difference}"


def test_every_case_has_a_reference():
    assert sorted(REFERENCE) == sorted(cases.CASES)


@pytest.mark.parametrize("name,mode", [(n, mode) for n in sorted(cases.CASES)
                                       for mode in cases.CASES[n].get("modes", ("train", "eval"))])
def test_case_matches_torch(name, mode):
    case, ref = cases.CASES[name], REFERENCE[name]
    m = None
    if case["ctor"]:
        m = eval(case["ctor"], {"nn": nn, "torch": torch}).double()  # noqa: S307 - our own cases
        m.train(mode == "train")
        assert sorted(k for k, _ in m.state_dict().items()) == sorted(ref["state"]), "parameter names differ"
        m.load_state_dict({k: _decode(v) for k, v in ref["state"].items()})
    inputs = {k: _decode(v, True) for k, v in ref["inputs"].items()}
    scope = {"m": m, "torch": torch, "R": R, **inputs}
    exec(case["code"], scope)  # noqa: S102 - our own cases
    outputs = cases.flatten(scope["result"])
    assert len(outputs) == len(ref["outputs"])
    for i, (o, want) in enumerate(zip(outputs, ref["outputs"])):
        _matches(o, want, f"output {i}")
    loss = sum((o * _decode(w)).sum() for o, w in zip(outputs, ref["weights"]) if w is not None)
    loss.backward()
    for k, want in ref["input_grads"].items():
        _matches(inputs[k].grad, want, f"grad of {k}")
    if m is not None:
        grads = {k: p.grad for k, p in m.named_parameters()}
        assert sorted(k for k, g in grads.items() if g is not None) == sorted(ref["param_grads"])
        for k, want in ref["param_grads"].items():
            _matches(grads[k], want, f"grad of {k}")


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_stored_reference_is_what_torch_computes(tmp_path):
    fresh = tmp_path / "packed_reference.json"
    subprocess.run([os.environ["TORCH_PYTHON"], str(ROOT / "scripts" / "packed_reference.py"), str(fresh)],
                   check=True, timeout=600)
    assert json.loads(fresh.read_text()) == json.loads(REFERENCE_PATH.read_text())


# ---- packing and padding, by hand -------------------------------------------------------------

def _rows_by_hand(x, lengths):
    """The packed rows of a time-first padded x, by definition: step by step, the sequences
    still running (lengths sorted decreasing)."""
    return [(t, b) for t in range(max(lengths)) for b in range(len(lengths)) if lengths[b] > t]


def test_pack_padded_sequence_unsorted_batch_first():
    # Lengths 2, 1, 3: sorted by length the batch is (2, 0, 1); step 0 holds all three, step 1
    # sequences 2 and 0, step 2 sequence 2 alone.
    seq = torch.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]])
    p = pack_padded_sequence(seq, [2, 1, 3], batch_first=True, enforce_sorted=False)
    assert isinstance(p, PackedSequence) and isinstance(p, tuple)
    assert p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert p.data.tolist() == [4, 1, 3, 5, 2, 6]
    assert p.batch_sizes.tolist() == [3, 2, 1] and p.batch_sizes.dtype == torch.int64
    assert p.sorted_indices.tolist() == [2, 0, 1]
    assert p.unsorted_indices.tolist() == [1, 2, 0]
    assert repr(p) == ("PackedSequence(data=tensor([4, 1, 3, 5, 2, 6]), batch_sizes=tensor([3, 2, 1]), "
                       "sorted_indices=tensor([2, 0, 1]), unsorted_indices=tensor([1, 2, 0]))")
    padded, lengths = pad_packed_sequence(p, batch_first=True)
    assert padded.tolist() == [[1, 2, 0], [3, 0, 0], [4, 5, 6]]
    assert lengths.tolist() == [2, 1, 3]
    padded, lengths = pad_packed_sequence(p, padding_value=-7, total_length=5)
    assert padded.tolist() == [[1, 3, 4], [2, -7, 5], [-7, -7, 6], [-7, -7, -7], [-7, -7, -7]]


def test_pack_and_pad_trailing_dims_and_gradients():
    lengths = [4, 2, 2, 1]
    x = torch.randn(5, 4, 3, dtype=torch.float64, requires_grad=True)
    p = pack_padded_sequence(x, torch.tensor(lengths))
    rows = _rows_by_hand(x, lengths)
    assert p.sorted_indices is None and p.unsorted_indices is None
    assert p.batch_sizes.tolist() == [4, 3, 1, 1]
    assert list(p.data.shape) == [len(rows), 3]
    for i, (t, b) in enumerate(rows):
        assert p.data[i].tolist() == x[t, b].tolist()
    w = torch.randn(len(rows), 3, dtype=torch.float64)
    (p.data * w).sum().backward()
    # d/dx of sum(data * w): w at each packed position, 0 in the padding
    expected = torch.zeros(5, 4, 3, dtype=torch.float64)
    for i, (t, b) in enumerate(rows):
        expected[t, b] = w[i]
    assert x.grad.tolist() == expected.tolist()

    data = torch.randn(len(rows), 3, dtype=torch.float64, requires_grad=True)
    padded, got_lengths = pad_packed_sequence(PackedSequence(data, p.batch_sizes), batch_first=True,
                                              padding_value=2.5, total_length=6)
    assert got_lengths.tolist() == lengths and list(padded.shape) == [4, 6, 3]
    by_position = {tb: i for i, tb in enumerate(rows)}
    for b in range(4):
        for t in range(6):
            want = data[by_position[t, b]].tolist() if (t, b) in by_position else [2.5] * 3
            assert padded[b, t].tolist() == want
    v = torch.randn(4, 6, 3, dtype=torch.float64)
    (padded * v).sum().backward()
    assert data.grad.tolist() == [v[b, t].tolist() for t, b in rows]


def test_pack_padded_sequence_ties_keep_their_order():
    # Equal lengths: the sort is stable here (PyTorch's sort of a small tensor), so 1 before 3.
    x = torch.arange(8.0).reshape(2, 4)
    p = pack_padded_sequence(x, [1, 2, 1, 2], enforce_sorted=False)
    assert p.sorted_indices.tolist() == [1, 3, 0, 2] and p.unsorted_indices.tolist() == [2, 0, 3, 1]
    assert p.data.tolist() == [1.0, 3.0, 0.0, 2.0, 5.0, 7.0] and p.batch_sizes.tolist() == [4, 2]


def test_lengths_longer_than_the_input_are_cut_as_pytorch():
    # PyTorch slices the input: steps past its end add batch sizes but no rows.
    p = pack_padded_sequence(torch.zeros(3, 2), [4, 1])
    assert p.batch_sizes.tolist() == [2, 1, 1, 1] and p.data.tolist() == [0.0] * 4


@pytest.mark.parametrize("args,kwargs,error,message", [
    ((torch.zeros(3, 2), [1, 3]), {}, RuntimeError,
     "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
     "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do "
     "not need ONNX exportability."),
    ((torch.zeros(3, 2), [3, 0]), {}, RuntimeError,
     "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"),
    ((torch.zeros(3, 2), [3, -1]), {"enforce_sorted": False}, RuntimeError,
     "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"),
    ((torch.zeros(3, 2), [3, 1, 1]), {}, RuntimeError,
     "Expected `len(lengths)` to be equal to batch_size, but got 3 (batch_size=2)"),
    ((torch.zeros(0, 2), [0, 0]), {}, RuntimeError, "Cannot pack empty tensors."),
    ((torch.zeros(3, 2), torch.tensor([[3, 1]])), {}, RuntimeError,
     "'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor"),
    ((torch.zeros(3), [3]), {}, IndexError, "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    ((torch.zeros(3), [3]), {"batch_first": True}, IndexError,
     "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
])
def test_pack_padded_sequence_errors(args, kwargs, error, message):
    with pytest.raises(error) as info:
        pack_padded_sequence(*args, **kwargs)
    assert str(info.value) == message


def test_lengths_of_other_types():
    x = torch.arange(6.0).reshape(3, 2)
    for lengths in ([3, 1], torch.tensor([3.0, 1.0]), torch.tensor([3, 1], dtype=torch.int32), (3, 1)):
        p = pack_padded_sequence(x, lengths)
        assert p.data.tolist() == [0.0, 1.0, 2.0, 4.0] and p.batch_sizes.tolist() == [2, 1, 1]


def test_pad_packed_sequence_errors():
    p = PackedSequence(torch.arange(3.0), torch.tensor([2, 1]))
    with pytest.raises(ValueError, match=r"^Expected total_length to be at least the length of the longest sequence "
                                         r"in input, but got total_length=1 and max sequence length being 2$"):
        pad_packed_sequence(p, total_length=1)
    with pytest.raises(RuntimeError, match="^batch_sizes can not be empty$"):
        pad_packed_sequence(PackedSequence(torch.zeros(3), torch.tensor([], dtype=torch.int64)))
    with pytest.raises(RuntimeError, match=r"^'lengths' argument should be a 1D CPU int64 tensor, but got 1D cpu Int "
                                           r"tensor$"):
        pad_packed_sequence(PackedSequence(torch.zeros(3), torch.tensor([2, 1], dtype=torch.int32)))


def test_pad_sequence_sides_dtype_and_gradients():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([[7.0, 8.0]], dtype=torch.float64, requires_grad=True)
    right = pad_sequence([a, b], padding_value=-1.0)
    assert right.tolist() == [[[1, 2], [7, 8]], [[3, 4], [-1, -1]], [[5, 6], [-1, -1]]]
    left = pad_sequence([a, b], batch_first=True, padding_side="left")
    assert left.tolist() == [[[1, 2], [3, 4], [5, 6]], [[0, 0], [0, 0], [7, 8]]]
    w = torch.arange(12.0, dtype=torch.float64).reshape(2, 3, 2)
    (left * w).sum().backward()
    assert a.grad.tolist() == w[0].tolist() and b.grad.tolist() == [w[1, 2].tolist()]
    # the first sequence's dtype; later ones are converted, padding too
    assert pad_sequence([torch.tensor([1, 2]), torch.tensor([3.5])], padding_value=0.7).tolist() == [[1, 3], [2, 0]]
    mixed = pad_sequence([torch.tensor([1.0, 2.0]), torch.tensor([3])], padding_value=0.5, batch_first=True)
    assert mixed.dtype == torch.float32 and mixed.tolist() == [[1.0, 2.0], [3.0, 0.5]]
    # trailing dimensions broadcast as in a copy; a tensor is a sequence of its rows
    assert pad_sequence([torch.zeros(2, 3), torch.ones(1, 1)]).tolist() == [[[0] * 3, [1] * 3], [[0] * 3, [0] * 3]]
    assert pad_sequence(torch.tensor([[1, 2], [3, 4]])).tolist() == [[1, 3], [2, 4]]
    assert pad_sequence([torch.zeros(1), torch.zeros(2)], padding_value=torch.tensor(2.0)).tolist() == [[0, 0], [2, 0]]


@pytest.mark.parametrize("args,error,message", [
    (([],), RuntimeError, "received an empty list of sequences"),
    (([torch.tensor([1])], False, 0, "up"), RuntimeError,
     "Expected padding_side to be one of left or right, but got up."),
    ((5,), RuntimeError, "pad_sequence: Expected iterable for input sequences, but got arg of type: <class 'int'>"),
    (([torch.tensor(1)],), RuntimeError, "ArrayRef: invalid slice, N = 1; size = 0"),
    (([torch.zeros(2), torch.tensor(1.0)],), IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    (([torch.zeros(2, 3), torch.zeros(1, 4)],), RuntimeError,
     "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"),
    (([torch.zeros(2, 1), torch.ones(1, 3)],), RuntimeError,
     "output with shape [1, 1] doesn't match the broadcast shape [1, 3]"),
    (([torch.zeros(2), 3],), TypeError, "expected Tensor as element 1 in argument 0, but got int"),
    (([torch.zeros(2)], False, "x"), TypeError,
     "pad_sequence(): argument 'padding_value' (position 3) must be float, not str"),
    (([torch.zeros(2)], False, 0, 5), TypeError,
     "pad_sequence(): argument 'padding_side' (position 4) must be str, not int"),
])
def test_pad_sequence_errors(args, error, message):
    with pytest.raises(error) as info:
        pad_sequence(*args)
    assert str(info.value) == message


def test_unpad_pack_unpack_round_trips():
    seqs = [torch.randn(n, 2, dtype=torch.float64, requires_grad=True) for n in (2, 4, 1, 4)]
    padded = pad_sequence(seqs)
    back = unpad_sequence(padded, torch.tensor([2, 4, 1, 4]))
    assert list(padded.shape) == [4, 4, 2]  # left as it was (PyTorch transposes it in place)
    assert [s.tolist() for s in back] == [s.tolist() for s in seqs]
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        pack_sequence(seqs)
    p = pack_sequence(seqs, enforce_sorted=False)
    assert p.batch_sizes.tolist() == [4, 3, 2, 2] and p.sorted_indices.tolist() == [1, 3, 0, 2]
    unpacked = unpack_sequence(p)
    assert [s.tolist() for s in unpacked] == [s.tolist() for s in seqs]
    sum((s * (i + 1)).sum() for i, s in enumerate(unpacked)).backward()
    for i, s in enumerate(seqs):
        assert s.grad.tolist() == torch.full(s.shape, float(i + 1), dtype=torch.float64).tolist()
    with pytest.raises(ValueError):
        unpad_sequence(torch.zeros(3, 2), torch.tensor([3]), batch_first=True)  # zip(strict=True)


def test_invert_permutation():
    assert invert_permutation(None) is None
    for n in (1, 5, 40):
        perm = torch.randperm(n)
        inverse = invert_permutation(perm)
        assert inverse.dtype == torch.int64
        assert [inverse[perm[i]].item() for i in range(n)] == list(range(n))


def test_packed_sequence_conversions():
    p = pack_sequence([torch.tensor([1, 2, 3]), torch.tensor([4, 5])])
    assert repr(p) == ("PackedSequence(data=tensor([1, 4, 2, 5, 3]), batch_sizes=tensor([2, 2, 1]), "
                       "sorted_indices=None, unsorted_indices=None)")
    # data is unchanged, so the same PackedSequence (its data is made by cat: Tensor.to must see
    # that a dtype not yet looked up is the one asked for)
    assert p.long() is p and p.to(torch.int64) is p and p.cpu() is p and p.is_cuda is False
    for convert, dtype in ((PackedSequence.double, torch.float64), (PackedSequence.float, torch.float32),
                           (PackedSequence.half, torch.float16), (PackedSequence.int, torch.int32),
                           (PackedSequence.short, torch.int16), (PackedSequence.char, torch.int8),
                           (PackedSequence.byte, torch.uint8)):
        q = convert(p)
        assert type(q) is PackedSequence and q.data.dtype == dtype and q.data.tolist() == [1, 4, 2, 5, 3]
        assert q.batch_sizes is p.batch_sizes and q.batch_sizes.dtype == torch.int64
    q = pack_sequence([torch.tensor([1.0]), torch.tensor([2.0, 3.0])], enforce_sorted=False).to(torch.float64)
    assert q.data.dtype == torch.float64
    assert q.sorted_indices.tolist() == [1, 0] and q.unsorted_indices.tolist() == [1, 0]
    # the (data, batch_sizes) form, and unsorted_indices derived from sorted_indices
    r = PackedSequence((torch.zeros(3), torch.tensor([2, 1])), sorted_indices=torch.tensor([1, 0]))
    assert r.batch_sizes.tolist() == [2, 1] and r.unsorted_indices.tolist() == [1, 0]
    with pytest.raises(AssertionError, match="^Expected data to be a list or tuple of length 2$"):
        PackedSequence(torch.zeros(2))


# ---- the recurrent layers: a packed batch is each sequence run alone --------------------------

LAYERS = [
    "nn.RNN(3, 4)",
    "nn.RNN(3, 4, num_layers=2, nonlinearity='relu', bidirectional=True)",
    "nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)",
    "nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)",
    "nn.GRU(3, 4, bidirectional=True, bias=False)",
    "nn.GRU(3, 4, num_layers=2, batch_first=True)",
]


def _states(hidden):
    return list(hidden) if isinstance(hidden, tuple) else [hidden]


@pytest.mark.parametrize("ctor", LAYERS)
@pytest.mark.parametrize("with_h0", [False, True])
def test_packed_batch_is_each_sequence_alone(ctor, with_h0):
    _check_each_sequence_alone(ctor, with_h0, [3, 5, 1, 5, 2])


def test_long_packed_sequences_are_each_sequence_alone():
    # more steps than one split takes sizes (64), in both directions
    _check_each_sequence_alone("nn.GRU(2, 3, bidirectional=True)", True, [70, 150, 1, 66, 150])


def _check_each_sequence_alone(ctor, with_h0, lengths):
    torch.manual_seed(7)
    m = eval(ctor, {"nn": nn}).double()  # noqa: S307 - our own cases
    steps, batch = max(lengths), len(lengths)
    layers = m.num_layers * (2 if m.bidirectional else 1)
    h_size = m.proj_size or m.hidden_size
    x = torch.randn(steps, batch, m.input_size, dtype=torch.float64, requires_grad=True)
    h0 = [torch.randn(layers, batch, h_size, dtype=torch.float64, requires_grad=True)]
    if isinstance(m, nn.LSTM):
        h0.append(torch.randn(layers, batch, m.hidden_size, dtype=torch.float64, requires_grad=True))
    hx = None if not with_h0 else (tuple(h0) if len(h0) == 2 else h0[0])
    # the padding holds garbage: it must not matter
    packed_in = pack_padded_sequence(x.transpose(0, 1) if m.batch_first else x, lengths,
                                     batch_first=m.batch_first, enforce_sorted=False)
    out, hidden = m(packed_in, hx)
    assert isinstance(out, PackedSequence)
    assert out.batch_sizes.tolist() == [sum(n > t for n in lengths) for t in range(steps)]
    padded, got_lengths = pad_packed_sequence(out)
    assert got_lengths.tolist() == lengths
    w = torch.randn(padded.shape, dtype=torch.float64)
    v = [torch.randn(s.shape, dtype=torch.float64) for s in _states(hidden)]
    ((padded * w).sum() + sum((s * vs).sum() for s, vs in zip(_states(hidden), v))).backward()
    grads = {k: p.grad.clone() for k, p in m.named_parameters()}
    x_grad, h0_grads = x.grad.clone(), [h.grad.clone() if with_h0 else None for h in h0]
    m.zero_grad()
    x.grad = None
    for h in h0:
        h.grad = None

    loss = 0
    for b, n in enumerate(lengths):
        alone_hx = None if not with_h0 else (tuple(h[:, b] for h in h0) if len(h0) == 2 else h0[0][:, b])
        alone_out, alone_hidden = m(x[:n, b], alone_hx)  # unbatched, unpadded
        assert_close(padded[:n, b], alone_out, what=f"output of sequence {b}")
        assert padded[n:, b].abs().max().item() == 0 if n < steps else True
        for s, a in zip(_states(hidden), _states(alone_hidden)):
            assert_close(s[:, b], a, what=f"final state of sequence {b}")
        loss = loss + (alone_out * w[:n, b]).sum() + sum((a * vs[:, b]).sum()
                                                         for a, vs in zip(_states(alone_hidden), v))
    loss.backward()
    assert_close(x_grad, x.grad, what="input gradient")
    for b, n in enumerate(lengths):
        assert x_grad[n:, b].abs().max().item() == 0 if n < steps else True  # nothing reaches the padding
    if with_h0:
        for got, want in zip(h0_grads, h0):
            assert_close(got, want.grad, what="h0 gradient")
    for k, p in m.named_parameters():
        assert_close(grads[k], p.grad, what=f"gradient of {k}")


@pytest.mark.parametrize("ctor", ["nn.LSTM(3, 4, num_layers=2, bidirectional=True)", "nn.GRU(3, 4, batch_first=True)"])
@pytest.mark.parametrize("steps", [3, 100])
def test_packed_batch_of_equal_lengths_is_the_padded_batch(ctor, steps):
    torch.manual_seed(3)
    m = eval(ctor, {"nn": nn}).double()  # noqa: S307 - our own cases
    x = torch.randn(*((4, steps) if m.batch_first else (steps, 4)), 3, dtype=torch.float64)
    padded_out, padded_hidden = m(x)
    packed_out, packed_hidden = m(pack_padded_sequence(x, [steps] * 4, batch_first=m.batch_first))
    unpacked, _ = pad_packed_sequence(packed_out, batch_first=m.batch_first)
    assert_close(unpacked, padded_out, what="output")
    for a, b in zip(_states(packed_hidden), _states(padded_hidden)):
        assert_close(a, b, what="final state")


def test_dropout_between_layers_on_packed_data():
    torch.manual_seed(5)
    m = nn.LSTM(3, 4, num_layers=2, dropout=1.0).double()
    second = nn.LSTM(4, 4).double()
    second.load_state_dict({k.replace("_l1", "_l0"): v for k, v in m.state_dict().items() if "_l1" in k})
    first = nn.LSTM(3, 4).double()
    first.load_state_dict({k: v for k, v in m.state_dict().items() if "_l0" in k})
    p = pack_padded_sequence(torch.randn(4, 3, 3, dtype=torch.float64), [2, 4, 3], enforce_sorted=False)
    out, (h, c) = m(p)
    # dropout 1 zeroes the first layer's output: the second layer runs on zeros
    zero_out, (zero_h, zero_c) = second(PackedSequence(torch.zeros(9, 4, dtype=torch.float64), p.batch_sizes,
                                                       p.sorted_indices, p.unsorted_indices))
    first_out, (first_h, first_c) = first(p)
    assert_close(out.data, zero_out.data, what="output")
    assert_close(h, torch.cat([first_h, zero_h]), what="h_n")
    assert_close(c, torch.cat([first_c, zero_c]), what="c_n")
    m.eval()  # no dropout: the second layer runs on the first one's output
    out, _ = m(p)
    assert_close(out.data, second(first_out)[0].data, what="eval output")


def test_recurrent_layer_errors_on_packed_input():
    p = pack_padded_sequence(torch.randn(3, 2, 4), [3, 2])
    for layer in (nn.RNN(4, 5), nn.GRU(4, 5)):
        with pytest.raises(RuntimeError, match=r"^Expected hidden size \(1, 2, 5\), got \[1, 3, 5\]$"):
            layer(p, torch.zeros(1, 3, 5))
        with pytest.raises(RuntimeError, match="^input must have 2 dimensions, got 3$"):
            layer(PackedSequence(p.data.unsqueeze(0), p.batch_sizes))
        with pytest.raises(RuntimeError, match="^input.size\\(-1\\) must be equal to input_size. Expected 4, got 3$"):
            layer(PackedSequence(p.data[:, :3], p.batch_sizes))
        with pytest.raises(ValueError, match=r"^RNN input dtype \(torch.float64\) does not match weight dtype"):
            layer(p.double())
        # hx in the original order is permuted first: a longer hx loses the rows not selected
        unsorted = pack_padded_sequence(torch.randn(3, 2, 4), [3, 2], enforce_sorted=False)
        _, h = layer(unsorted, torch.zeros(1, 3, 5))
        assert list(h.shape) == [1, 2, 5]
    lstm = nn.LSTM(4, 5)
    with pytest.raises(RuntimeError, match=r"^Expected hidden\[1\] size \(1, 2, 5\), got \[1, 2, 6\]$"):
        lstm(p, (torch.zeros(1, 2, 5), torch.zeros(1, 2, 6)))
    with pytest.raises(RuntimeError, match="^Expected sequence length to be larger than 0 in RNN$"):
        lstm(torch.zeros(0, 2, 4))
    out, (h, c) = lstm(torch.zeros(3, 0, 4))  # an empty batch is fine
    assert list(out.shape) == [3, 0, 5] and list(h.shape) == [1, 0, 5]
