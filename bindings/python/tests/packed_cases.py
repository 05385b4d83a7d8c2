"""Cases for torch.nn.utils.rnn and the recurrent layers on packed batches: ordinary PyTorch
code, run on torch by scripts/packed_reference.py (which stores the results in
data/packed_reference.json) and on swiftgrad by test_packed_sequences.py, which loads torch's
state dict and inputs and compares.

Each case builds a module (`ctor`, evaluated with `nn` = torch.nn or swiftgrad.nn; None for the
utilities alone), makes float64 inputs that require grad (`inputs`: name -> shape), and runs
`code` (statements over `m`, `torch`, `R` = torch.nn.utils.rnn and the inputs) that sets
`result`. Every tensor in `result` (PackedSequences and lists are walked) is compared; backward
runs on a fixed weighted sum of its floating-point tensors. `modes`: the module modes replayed
(train has dropout 0 unless the case says eval only)."""

CASES = {
    "rnn_tanh_unsorted_h0": dict(
        ctor="nn.RNN(3, 4)", inputs={"x": (5, 4, 3), "h0": (1, 4, 4)},
        code="p = R.pack_padded_sequence(x, [4, 2, 5, 1], enforce_sorted=False)\n"
             "out, h = m(p, h0)\n"
             "result = [p, out, h, R.pad_packed_sequence(out)]"),
    "rnn_relu_2layer_bidir_batch_first": dict(
        ctor="nn.RNN(3, 4, num_layers=2, nonlinearity='relu', bidirectional=True, batch_first=True)",
        inputs={"x": (4, 5, 3)},
        code="p = R.pack_padded_sequence(x, torch.tensor([2, 5, 5, 3]), batch_first=True, enforce_sorted=False)\n"
             "out, h = m(p)\n"
             "result = [out, h, R.pad_packed_sequence(out, batch_first=True, padding_value=0.5, total_length=7)]"),
    "lstm_sorted_h0c0": dict(
        ctor="nn.LSTM(3, 4)", inputs={"x": (5, 3, 3), "h0": (1, 3, 4), "c0": (1, 3, 4)},
        code="p = R.pack_padded_sequence(x, [5, 3, 1])\n"
             "out, (h, c) = m(p, (h0, c0))\n"
             "result = [out, h, c, R.pad_packed_sequence(out)]"),
    "lstm_2layer_bidir_batch_first_unsorted_h0c0": dict(
        ctor="nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)",
        inputs={"x": (5, 6, 3), "h0": (4, 5, 4), "c0": (4, 5, 4)},
        code="p = R.pack_padded_sequence(x, [3, 6, 1, 6, 2], batch_first=True, enforce_sorted=False)\n"
             "out, (h, c) = m(p, (h0, c0))\n"
             "result = [out, h, c, R.pad_packed_sequence(out, batch_first=True)]"),
    "lstm_proj_2layer_bidir_unsorted": dict(
        ctor="nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)",
        inputs={"x": (4, 3, 3), "h0": (4, 3, 2), "c0": (4, 3, 5)},
        code="p = R.pack_padded_sequence(x, [2, 4, 3], enforce_sorted=False)\n"
             "out, (h, c) = m(p, (h0, c0))\n"
             "result = [out, h, c, R.pad_packed_sequence(out, total_length=5)]"),
    "lstm_2layer_dropout_eval": dict(
        ctor="nn.LSTM(3, 4, num_layers=2, dropout=0.4)", inputs={"x": (4, 3, 3)}, modes=("eval",),
        code="p = R.pack_padded_sequence(x, [4, 1, 3], enforce_sorted=False)\n"
             "out, (h, c) = m(p)\n"
             "result = [out, h, c]"),
    "gru_unsorted_h0": dict(
        ctor="nn.GRU(3, 4)", inputs={"x": (6, 4, 3), "h0": (1, 4, 4)},
        code="p = R.pack_padded_sequence(x, [6, 1, 3, 3], enforce_sorted=False)\n"
             "out, h = m(p, h0)\n"
             "result = [out, h, R.pad_packed_sequence(out, padding_value=-3.0)]"),
    "gru_2layer_bidir_batch_first_no_bias_h0": dict(
        ctor="nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True, bias=False)",
        inputs={"x": (3, 4, 3), "h0": (4, 3, 4)},
        code="p = R.pack_padded_sequence(x, [4, 1, 2], batch_first=True, enforce_sorted=False)\n"
             "out, h = m(p, h0)\n"
             "result = [out, h, R.pad_packed_sequence(out, batch_first=True)]"),
    "lstm_bidir_pack_sequence_list": dict(
        ctor="nn.LSTM(2, 3, bidirectional=True)", inputs={"a": (4, 2), "b": (1, 2), "c": (3, 2)},
        code="p = R.pack_sequence([b, a, c], enforce_sorted=False)\n"
             "out, (h, cell) = m(p)\n"
             "result = [p, out, h, cell, R.unpack_sequence(out)]"),
    "gru_equal_lengths_sorted": dict(
        ctor="nn.GRU(3, 4, num_layers=2)", inputs={"x": (3, 2, 3)},
        code="out, h = m(R.pack_padded_sequence(x, [3, 3]))\n"
             "result = [out, h]"),
    "pack_many_ties_unsorted": dict(
        # 25 sequences with many equal lengths: the order of ties is that of PyTorch's sort
        ctor=None, inputs={"x": (5, 25, 2)},
        code="lengths = [2, 5, 2, 5, 1, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4]\n"
             "p = R.pack_padded_sequence(x, lengths, enforce_sorted=False)\n"
             "result = [p, R.pad_packed_sequence(p, batch_first=True, padding_value=-1.0)]"),
    "pad_sequence_sides": dict(
        ctor=None, inputs={"a": (3, 2), "b": (1, 2), "c": (2, 2)},
        code="result = [R.pad_sequence([a, b, c], batch_first=True, padding_value=-2.0, padding_side='left'),\n"
             "          R.pad_sequence([a, b, c], padding_value=1.5),\n"
             "          R.unpad_sequence(R.pad_sequence([c, a, b], batch_first=True), torch.tensor([2, 3, 1]),"
             " batch_first=True)]"),
}


def flatten(result):
    """The tensors of a case's result, in order: PackedSequences, tuples and lists are walked;
    None stays (a PackedSequence without indices)."""
    out = []
    for item in result if isinstance(result, (list, tuple)) else [result]:
        if isinstance(item, (list, tuple)):
            out.extend(flatten(item))
        else:
            out.append(item)
    return out
