"""The rnn-attention family's layer cases: ordinary PyTorch code, run on torch by
scripts/rnnattn_reference.py (which stores the results in data/rnnattn_layers.json) and on
swiftgrad by test_rnnattn_layers.py, which loads torch's state dict and compares.

Each case builds a module (`ctor`, evaluated with `nn` = torch.nn or swiftgrad.nn), makes its
float64 inputs (`inputs`: name -> shape, float inputs require grad; `masks`: name -> a Python
expression over `torch`), calls it (`call`, an expression over `m` and the inputs), and backward
runs on a fixed weighted sum of every tensor output. Modes: train (dropout 0, so deterministic)
and eval."""

CASES = {
    # ---- nn.MultiheadAttention ----
    "mha_self_weights": dict(
        ctor="nn.MultiheadAttention(8, 2)", inputs={"x": (4, 3, 8)}, call="m(x, x, x)"),
    "mha_batch_first_kvdim_padding": dict(
        ctor="nn.MultiheadAttention(8, 4, kdim=5, vdim=6, batch_first=True)",
        inputs={"q": (2, 3, 8), "k": (2, 4, 5), "v": (2, 4, 6)},
        masks={"pad": "torch.tensor([[False, False, True, False], [False, True, True, False]])"},
        call="m(q, k, v, key_padding_mask=pad, average_attn_weights=False)"),
    "mha_bias_kv_zero_attn_float_mask": dict(
        ctor="nn.MultiheadAttention(6, 3, add_bias_kv=True, add_zero_attn=True)",
        inputs={"q": (3, 2, 6), "kv": (5, 2, 6), "mask": (3, 5)},
        call="m(q, kv, kv, attn_mask=mask, need_weights=False)"),
    "mha_no_bias_causal_unbatched": dict(
        ctor="nn.MultiheadAttention(4, 2, bias=False)", inputs={"x": (5, 4)},
        masks={"causal": "torch.ones(5, 5, dtype=torch.bool).triu(1)"},
        call="m(x, x, x, attn_mask=causal, is_causal=True, need_weights=False)"),
    "mha_cross_3d_mask_padding": dict(
        ctor="nn.MultiheadAttention(4, 2, batch_first=True)",
        inputs={"q": (2, 3, 4), "kv": (2, 4, 4)},
        masks={"mask": "torch.tensor([[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]], dtype=torch.bool).repeat(4, 1, 1)",
               "pad": "torch.tensor([[False, False, False, True], [False, False, False, False]])"},
        call="m(q, kv, kv, attn_mask=mask, key_padding_mask=pad)"),
    # ---- recurrent layers ----
    "rnn_tanh_2layer_bidir_batch_first_h0": dict(
        ctor="nn.RNN(3, 4, num_layers=2, bidirectional=True, batch_first=True)",
        inputs={"x": (2, 5, 3), "h0": (4, 2, 4)}, call="m(x, h0)"),
    "rnn_relu_no_bias_unbatched": dict(
        ctor="nn.RNN(3, 4, nonlinearity='relu', bias=False)", inputs={"x": (5, 3)}, call="m(x)"),
    "lstm_2layer_bidir_batch_first_h0c0": dict(
        ctor="nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)",
        inputs={"x": (2, 5, 3), "h0": (4, 2, 4), "c0": (4, 2, 4)}, call="m(x, (h0, c0))"),
    "lstm_proj_bidir": dict(
        ctor="nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)",
        inputs={"x": (4, 2, 3), "h0": (4, 2, 2), "c0": (4, 2, 5)}, call="m(x, (h0, c0))"),
    "lstm_no_bias_unbatched": dict(
        ctor="nn.LSTM(3, 4, bias=False)", inputs={"x": (5, 3)}, call="m(x)"),
    "gru_2layer_bidir_batch_first_h0": dict(
        ctor="nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)",
        inputs={"x": (2, 5, 3), "h0": (4, 2, 4)}, call="m(x, h0)"),
    "gru_no_bias_unbatched_h0": dict(
        ctor="nn.GRU(3, 4, bias=False)", inputs={"x": (5, 3), "h0": (1, 4)}, call="m(x, h0)"),
    "rnn_cell_relu": dict(
        ctor="nn.RNNCell(3, 4, nonlinearity='relu')", inputs={"x": (2, 3), "h": (2, 4)}, call="m(x, h)"),
    "lstm_cell": dict(
        ctor="nn.LSTMCell(3, 4)", inputs={"x": (2, 3), "h": (2, 4), "c": (2, 4)}, call="m(x, (h, c))"),
    "gru_cell_unbatched": dict(
        ctor="nn.GRUCell(3, 4)", inputs={"x": (3,)}, call="m(x)"),
    "gru_cell_no_bias": dict(
        ctor="nn.GRUCell(3, 4, bias=False)", inputs={"x": (2, 3), "h": (2, 4)}, call="m(x, h)"),
    # ---- transformer layers (dropout 0) ----
    "encoder_layer_post_norm_causal": dict(
        ctor="nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0)", inputs={"x": (5, 2, 4)},
        masks={"mask": "torch.nn.Transformer.generate_square_subsequent_mask(5)"},
        call="m(x, src_mask=mask, is_causal=True)"),
    "encoder_layer_norm_first_gelu_batch_first_padding": dict(
        ctor="nn.TransformerEncoderLayer(4, 4, 8, 0.0, 'gelu', batch_first=True, norm_first=True)",
        inputs={"x": (2, 5, 4)},
        masks={"pad": "torch.tensor([[False] * 4 + [True], [False] * 2 + [True] * 3])"},
        call="m(x, src_key_padding_mask=pad)"),
    "encoder_layer_callable_no_bias_eps_unbatched": dict(
        ctor="nn.TransformerEncoderLayer(6, 3, 12, 0.0, activation=torch.tanh, layer_norm_eps=1e-3, bias=False)",
        inputs={"x": (4, 6)}, call="m(x)"),
    "decoder_layer_post_norm_masks": dict(
        ctor="nn.TransformerDecoderLayer(4, 2, dim_feedforward=8, dropout=0.0)",
        inputs={"tgt": (4, 2, 4), "memory": (5, 2, 4)},
        masks={"mask": "torch.nn.Transformer.generate_square_subsequent_mask(4)",
               "pad": "torch.tensor([[False] * 4 + [True], [False] * 5])"},
        call="m(tgt, memory, tgt_mask=mask, memory_key_padding_mask=pad)"),
    "decoder_layer_norm_first_gelu_batch_first_causal": dict(
        ctor="nn.TransformerDecoderLayer(4, 4, 8, 0.0, 'gelu', batch_first=True, norm_first=True)",
        inputs={"tgt": (2, 4, 4), "memory": (2, 3, 4)},
        masks={"mask": "torch.nn.Transformer.generate_square_subsequent_mask(4)"},
        call="m(tgt, memory, tgt_mask=mask, tgt_is_causal=True)"),
    "encoder_stack_norm_detected_causal": dict(
        ctor="nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, 0.0), 2, norm=nn.LayerNorm(4), "
             "enable_nested_tensor=False)",
        inputs={"x": (5, 2, 4)}, masks={"mask": "torch.nn.Transformer.generate_square_subsequent_mask(5)"},
        call="m(x, mask=mask)"),
    "decoder_stack_norm": dict(
        ctor="nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 8, 0.0, batch_first=True), 2, "
             "norm=nn.LayerNorm(4))",
        inputs={"tgt": (2, 3, 4), "memory": (2, 4, 4)}, call="m(tgt, memory)"),
    "transformer": dict(
        ctor="nn.Transformer(d_model=4, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=8, "
             "dropout=0.0, batch_first=True)",
        inputs={"src": (2, 5, 4), "tgt": (2, 4, 4)},
        masks={"mask": "torch.nn.Transformer.generate_square_subsequent_mask(4)"},
        call="m(src, tgt, tgt_mask=mask)"),
}


def flatten(value):
    """The tensors of a module's result, in order (nested tuples flattened, None skipped)."""
    if value is None:
        return []
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in flatten(v)]
    return [value]
