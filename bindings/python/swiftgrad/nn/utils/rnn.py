"""torch.nn.utils.rnn: batches of sequences of different lengths, padded or packed.

A PackedSequence holds the time steps of a batch one after the other, each step keeping only the
sequences still running: `data` has one row per (step, sequence) pair, `batch_sizes[t]` says how
many sequences step t has. The sequences are sorted by decreasing length (`sorted_indices` says
where each came from, `unsorted_indices` puts them back).

Everything here is built from library ops on the data (slicing, cat, stack, index_select), so
gradients reach the padded or listed inputs as in PyTorch; Python only does the bookkeeping of
lengths and batch sizes, as PyTorch's C++ loops do. Argument checks and messages are PyTorch's.
The results' grad_fn are those ops' nodes (CatBackward0, StackBackward0, ...), not PyTorch's fused
PackPaddedSequenceBackward0 or CopySlices."""
from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import NamedTuple, Optional

from ..._creation import arange, as_tensor, empty_like, full, tensor
from ..._dtype import float16, float32, float64, int8, int16, int32, int64, uint8
from ..._functions import cat, stack
from ..._ops import sort
from ..._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Optional[Tensor]
    unsorted_indices: Optional[Tensor]


def _bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(PackedSequence_):
    """The data and batch sizes of a packed batch of sequences (made by pack_padded_sequence or
    pack_sequence, not by hand). A named tuple (data, batch_sizes, sorted_indices,
    unsorted_indices); conversions apply to `data` only, as PyTorch's."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes, sorted_indices, unsorted_indices))

    def to(self, *args, **kwargs):
        """`data.to(...)`; the index tensors follow data's device; `self` when data is unchanged.
        batch_sizes stay as they are (always int64 on the CPU)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self

        def follow(t):
            return t.to(data.device)

        return type(self)(data, self.batch_sizes, _bind(self.sorted_indices, follow),
                          _bind(self.unsorted_indices, follow))

    def cuda(self, *args, **kwargs):
        probe = tensor((), dtype=self.data.dtype, device=self.data.device).to(*args, **kwargs)
        if probe.is_cuda:
            return self.to(*args, **kwargs)
        kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        probe = tensor((), dtype=self.data.dtype, device=self.data.device).to(*args, **kwargs)
        if probe.device.type == "cpu":
            return self.to(*args, **kwargs)
        kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def double(self):
        return self.to(dtype=float64)

    def float(self):
        return self.to(dtype=float32)

    def half(self):
        return self.to(dtype=float16)

    def long(self):
        return self.to(dtype=int64)

    def int(self):
        return self.to(dtype=int32)

    def short(self):
        return self.to(dtype=int16)

    def char(self):
        return self.to(dtype=int8)

    def byte(self):
        return self.to(dtype=uint8)

    @property
    def is_cuda(self):
        """Whether `data` is on a GPU."""
        return self.data.is_cuda


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    # unsorted_indices, when given, is trusted to be the inverse of sorted_indices (as PyTorch).
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        return data, batch_sizes, sorted_indices, unsorted_indices
    # PackedSequence((data, batch_sizes), sorted_indices=...)
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def _packed_sequence_init(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    return PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)


def invert_permutation(permutation):
    """The inverse of a 1-D permutation tensor (None for None): out[permutation[i]] = i."""
    if permutation is None:
        return None
    output = empty_like(permutation)
    output.scatter_(0, permutation, arange(0, permutation.numel(), device=permutation.device))
    return output


_TYPE_NAMES = {"torch.int64": "Long", "torch.int32": "Int", "torch.int16": "Short", "torch.int8": "Char",
               "torch.uint8": "Byte", "torch.bool": "Bool", "torch.float64": "Double", "torch.float32": "Float",
               "torch.float16": "Half", "torch.bfloat16": "BFloat16"}


def _check_long_vector(t):
    """PyTorch's check of `lengths` (and of batch_sizes, under the same name)."""
    if t.dim() != 1 or t.dtype != int64:
        kind = _TYPE_NAMES.get(str(t.dtype), str(t.dtype))
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {t.dim()}D "
                           f"{t.device.type} {kind} tensor")


def _pack_padded(input, lengths, batch_first):  # noqa: A002 - PyTorch's name
    """(data, batch_sizes) of a time-first padded input whose sequences are sorted by length.
    Cuts the input into blocks of steps that have the same batch size, as PyTorch's kernel."""
    if batch_first:
        input.size(1)  # a 1-D input: PyTorch's IndexError from transpose
        input = input.transpose(0, 1)
    _check_long_vector(lengths)
    batch = input.size(1)
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    if lengths.size(0) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.size(0)} "
                           f"(batch_size={batch})")
    lens = lengths.tolist()
    if lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if any(lens[i + 1] > lens[i] for i in range(batch - 1)):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep "
                           "this requirement if you do not need ONNX exportability.")
    trailing = list(input.shape[2:])
    blocks, batch_sizes = [], []
    done = 0  # steps already taken
    # From the shortest sequence up: each new, longer length adds the steps up to it, for the
    # sequences at least that long (the first `running` ones).
    for running in range(batch, 0, -1):
        length = lens[running - 1]
        if length > done:
            blocks.append(input[done:length, :running].reshape(-1, *trailing))
            batch_sizes += [running] * (length - done)
            done = length
    return cat(blocks), tensor(batch_sizes, dtype=int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):  # noqa: A002
    """Packs a padded batch (T x B x * or, batch_first, B x T x *) of sequences of the given
    lengths. With enforce_sorted the lengths must be decreasing; otherwise the batch is sorted
    (stably for ties, as PyTorch's sort) and the PackedSequence records the permutation."""
    if not isinstance(lengths, Tensor):
        lengths = as_tensor(lengths, dtype=int64, device="cpu")
    else:
        lengths = lengths.to(dtype=int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = sort(lengths, descending=True)
        sorted_indices = sorted_indices.to(input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    data, batch_sizes = _pack_padded(input, lengths, batch_first)
    return _packed_sequence_init(data, batch_sizes, sorted_indices, None)


def _pad_packed(data, batch_sizes, batch_first, padding_value, total_length):
    """(padded, lengths) in sorted order: the blocks of steps with the same batch size, each
    widened to the full batch with padding, then padded in time to total_length."""
    _check_long_vector(batch_sizes)
    sizes = batch_sizes.tolist()
    if not sizes:
        raise RuntimeError("batch_sizes can not be empty")
    full_batch, trailing = sizes[0], list(data.shape[1:])

    def padding(steps, count):
        return full((steps, count, *trailing), padding_value, dtype=data.dtype, device=data.device)

    blocks, lengths = [], [0] * full_batch
    offset = start = 0
    for step in range(1, len(sizes) + 1):
        size, previous = (sizes[step] if step < len(sizes) else 0), sizes[step - 1]
        if size != previous:  # steps start..step-1 have batch size `previous`
            rows = previous * (step - start)
            block = data[offset:offset + rows].reshape(step - start, previous, *trailing)
            if previous < full_batch:
                block = cat([block, padding(step - start, full_batch - previous)], 1)
            blocks.append(block)
            offset, start = offset + rows, step
            lengths[size:previous] = [step] * max(previous - size, 0)
    if total_length > len(sizes):
        blocks.append(padding(total_length - len(sizes), full_batch))
    output = cat(blocks) if len(blocks) > 1 else blocks[0]
    if batch_first:
        output = output.transpose(0, 1)
    return output, tensor(lengths, dtype=int64)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The inverse of pack_padded_sequence: (padded batch, lengths), in the batch's original
    order, T x B x * (or B x T x *), padded with padding_value up to total_length steps if
    given (at least the longest sequence's length)."""
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    padded, lengths = _pad_packed(sequence.data, sequence.batch_sizes, batch_first, padding_value, max_seq_length)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        return padded.index_select(0 if batch_first else 1, unsorted_indices), lengths[unsorted_indices.cpu()]
    return padded, lengths


def _broadcast_as_copy(source, shape):
    """`source` broadcast to `shape` as Tensor.copy_ into a tensor of that shape would, with its
    messages (PyTorch's pad_sequence copies each sequence into the output)."""
    shape, given = tuple(shape), tuple(source.shape)
    if given == shape:
        return source
    ndim = max(len(shape), len(given))
    a, b = (1,) * (ndim - len(shape)) + shape, (1,) * (ndim - len(given)) + given
    for i in range(ndim):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            raise RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) at "
                               f"non-singleton dimension {i}")
    broadcast = tuple(max(x, y) if min(x, y) != 0 else 0 for x, y in zip(a, b))
    if broadcast != shape:
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(broadcast)}")
    return source.expand(*shape)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stacks sequences of sizes L_i x * into T x B x * (B x T x * if batch_first), T the longest
    L_i, padding each on the right (or left) with padding_value. The result has the first
    sequence's dtype; trailing dimensions broadcast as in a copy."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    for i, s in enumerate(sequences):
        if not isinstance(s, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(s).__name__}")
    if isinstance(padding_value, Tensor) and padding_value.numel() == 1:
        padding_value = padding_value.item()
    if not isinstance(padding_value, numbers.Real):
        raise TypeError("pad_sequence(): argument 'padding_value' (position 3) must be float, not "
                        f"{type(padding_value).__name__}")
    if not isinstance(padding_side, str):
        raise TypeError("pad_sequence(): argument 'padding_side' (position 4) must be str, not "
                        f"{type(padding_side).__name__}")
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    first = sequences[0]
    if first.dim() == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    trailing = tuple(first.shape[1:])
    for s in sequences:
        if s.dim() == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    max_len = max(s.size(0) for s in sequences)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    columns = []
    for s in sequences:
        length = s.size(0)
        piece = _broadcast_as_copy(s, (length, *trailing)).to(first.dtype)
        if length < max_len:
            pad = full((max_len - length, *trailing), padding_value, dtype=first.dtype, device=first.device)
            piece = cat([piece, pad] if padding_side == "right" else [pad, piece])
        columns.append(piece)
    return stack(columns, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences of a padded batch, each cut to its length (copies). PyTorch also
    transposes `padded_sequences` in place when batch_first is False; swiftgrad leaves the
    caller's tensor as it is (it has no in-place transpose)."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    max_length = padded_sequences.shape[1]
    idx = arange(max_length, device=lengths.device)
    return [seq[idx < length] for seq, length in zip(padded_sequences, lengths, strict=True)]


def pack_sequence(sequences, enforce_sorted=True):
    """pack_padded_sequence(pad_sequence(sequences), their lengths, enforce_sorted)."""
    lengths = as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences of a PackedSequence, in their original order."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
