"""torch.nn's recurrent layers: RNN (tanh / relu), LSTM (with proj_size), GRU and their cells,
with PyTorch's parameter names, shapes, gate orders (LSTM i, f, g, o; GRU r, z, n), initialisation
(uniform in +-1/sqrt(hidden_size)), argument checks and messages.

Each layer and direction projects the inputs of every time step at once (one matrix product over
the whole sequence, both biases folded in where the cell allows), then runs the recurrence one
step at a time in library ops, so autograd differentiates it as PyTorch's does.

The layers take a padded batch or a PackedSequence (torch.nn.utils.rnn). Both run through the
same code: a padded batch of T steps of N sequences is the packed batch whose T steps all have
batch size N. At a step where the batch shrinks, the sequences that ended keep their state as
their final one; the reverse direction starts each sequence at its own last step."""
from __future__ import annotations

import math
import numbers
import warnings

from .._creation import zeros
from .._functions import cat, stack
from .._grad_mode import no_grad
from .. import _lib as L
from .._tensor import _values_indices
from . import functional as F
from .modules import Module, Parameter
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


class RNNBase(Module):
    """The parameters and the multi-layer, bidirectional driver shared by RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        if not isinstance(dropout, numbers.Number) or isinstance(dropout, bool) or not 0 <= dropout <= 1:
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an element "
                             "being zeroed")
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          stacklevel=2)
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._all_weights = []
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = [("weight_ih_l{}{}", (gate_size, layer_input)), ("weight_hh_l{}{}", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr_l{}{}", (proj_size, hidden_size))]
                names = []
                for pattern, shape in shapes:
                    name = pattern.format(layer, suffix)
                    setattr(self, name, Parameter(zeros(*shape, dtype=dtype)))
                    names.append(name)
                self._all_weights.append(names)
                self._flat_weights_names.extend(names)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for weight in self.parameters():
                weight.uniform_(-stdv, stdv)

    @property
    def _flat_weights(self):
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op, as PyTorch's off cuDNN."""

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # ---- checks, as PyTorch's ----------------------------------------------------------------

    def check_input(self, input, batch_sizes=None):  # noqa: A002 - PyTorch's names
        weight = self._flat_weights[0]
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                             f"Convert input: input.to({weight.dtype}), or convert model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                               f"got {input.size(-1)}")

    def _mini_batch(self, input, batch_sizes):  # noqa: A002
        if batch_sizes is not None:
            return int(batch_sizes[0])
        return input.size(0) if self.batch_first else input.size(1)

    def get_expected_hidden_size(self, input, batch_sizes=None):  # noqa: A002
        mini_batch = self._mini_batch(input, batch_sizes)
        directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * directions, mini_batch, size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes=None):  # noqa: A002
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    # ---- the computation ---------------------------------------------------------------------

    def _run(self, x, batch_sizes, hx, cx=None):
        """x: packed rows (sum(batch_sizes), H_in), the time steps one after the other, step t
        holding the first batch_sizes[t] sequences; hx (layers * D, batch_sizes[0], H_out) and for
        LSTM cx. Returns the output rows (the same layout, D * H_out wide), h_n and c_n (each
        sequence's state after its last step)."""
        if not batch_sizes:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        directions = 2 if self.bidirectional else 1
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                weights = [getattr(self, name) for name in self._all_weights[index]]
                c0 = None if cx is None else cx[index]
                out, h, c = self._direction(x, batch_sizes, hx[index], c0, weights, reverse=direction == 1)
                outputs.append(out)
                h_n.append(h)
                if c is not None:
                    c_n.append(c)
            x = outputs[0] if directions == 1 else cat(outputs, dim=1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, stack(h_n), (stack(c_n) if cx is not None else None)

    def _run_padded(self, input, hx, cx=None):  # noqa: A002
        """_run over a batched padded input: T steps of batch size N. Returns the output in the
        input's layout, h_n and c_n."""
        x = input.transpose(0, 1) if self.batch_first else input
        steps, batch = x.size(0), x.size(1)
        out, h_n, c_n = self._run(x.reshape(steps * batch, x.size(2)), [batch] * steps, hx, cx)
        out = out.view(steps, batch, out.size(1))
        return (out.transpose(0, 1) if self.batch_first else out), h_n, c_n

    def _run_packed(self, packed, hx, cx=None):
        """_run over a PackedSequence whose hx (and cx) are already in its sorted order. Returns
        the output PackedSequence and h_n, c_n in the batch's original order, as PyTorch's."""
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        out, h_n, c_n = self._run(data, batch_sizes.tolist(), hx, cx)
        return (PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices), _permute(h_n, unsorted_indices),
                _permute(c_n, unsorted_indices))

    def _unpack(self, weights):
        w_ih, w_hh = weights[0], weights[1]
        b_ih = b_hh = w_hr = None
        rest = weights[2:]
        if self.bias:
            b_ih, b_hh, rest = rest[0], rest[1], rest[2:]
        if self.proj_size > 0:
            w_hr = rest[0]
        return w_ih, w_hh, b_ih, b_hh, w_hr

    def _direction(self, x, batch_sizes, h, c, weights, reverse):
        """One layer in one direction over packed rows x. Returns the output rows and the final
        h and c (c None but for LSTM), one row per sequence."""
        w_ih, w_hh, b_ih, b_hh, w_hr = self._unpack(weights)
        if self.mode == "GRU":
            # r and z take both biases; n takes b_in outside and b_hn inside r * (...).
            gi = F.linear(x, w_ih, b_ih)
        else:
            gi = F.linear(x, w_ih, None if b_ih is None else b_ih + b_hh)
        per_step = _split_steps(gi, batch_sizes)
        outputs = [None] * len(batch_sizes)
        w_hh_t = w_hh.t()
        if reverse:
            # Backwards in time, each sequence starts at its own last step: when the batch grows,
            # the sequences that join start from their initial state.
            h0, c0 = h, c
            h, c = _rows(h0, 0, batch_sizes[-1]), _rows(c0, 0, batch_sizes[-1])
            for t in range(len(batch_sizes) - 1, -1, -1):
                running, size = h.size(0), batch_sizes[t]
                if size > running:
                    h = cat([h, _rows(h0, running, size)])
                    c = None if c is None else cat([c, _rows(c0, running, size)])
                h, c = self._step(per_step[t], h, c, w_hh_t, b_hh, w_hr)
                outputs[t] = h
            return cat(outputs), h, c
        # Forwards in time, when the batch shrinks, the sequences that ended (the last rows)
        # keep their state as their final one.
        ended_h, ended_c = [], []
        for t, size in enumerate(batch_sizes):
            if size < h.size(0):
                ended_h.append(_rows(h, size, h.size(0)))
                ended_c.append(_rows(c, size, h.size(0)))
                h, c = _rows(h, 0, size), _rows(c, 0, size)
            h, c = self._step(per_step[t], h, c, w_hh_t, b_hh, w_hr)
            outputs[t] = h
        if ended_h:
            h = cat([h] + ended_h[::-1])
            c = None if c is None else cat([c] + ended_c[::-1])
        return cat(outputs), h, c

    def _step(self, g, h, c, w_hh_t, b_hh, w_hr):
        """One time step from the projected input g; returns the new h and c."""
        if self.mode == "LSTM":
            # The gates' nonlinearities and the state update as one op (FusedLstmCellBackward0;
            # PyTorch's nn.LSTM output shows its own fused node too).
            gates = g.addmm(h, w_hh_t)
            h, c = _values_indices(L.sg_lstm_cell_fused, "lstm_cell", gates._handle, c._handle, fields=("hidden", "cell"))
            if w_hr is not None:
                h = h.matmul(w_hr.t())
            return h, c
        if self.mode == "GRU":
            hidden = self.hidden_size
            gh = h.matmul(w_hh_t) if b_hh is None else b_hh.addmm(h, w_hh_t)
            i_rz, i_n = g[:, :2 * hidden], g[:, 2 * hidden:]
            h_rz, h_n = gh[:, :2 * hidden], gh[:, 2 * hidden:]
            r, z = (i_rz + h_rz).sigmoid().chunk(2, 1)
            n = (i_n + r * h_n).tanh()
            return n + z * (h - n), None
        pre = g.addmm(h, w_hh_t)
        return (pre.tanh() if self.mode == "RNN_TANH" else pre.relu()), None

    def _forward_single_state(self, input, hx):  # noqa: A002
        """RNN's and GRU's forward (one state tensor)."""
        directions = 2 if self.bidirectional else 1
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices = input.data, input.batch_sizes, input.sorted_indices
            if hx is None:
                hx = zeros(self.num_layers * directions, int(batch_sizes[0]), self.hidden_size, dtype=data.dtype)
            else:
                # hx is given in the batch's original order
                hx = _permute(hx, sorted_indices)
            self.check_forward_args(data, hx, batch_sizes)
            output, h_n, _ = self._run_packed(input, hx)
            return output, h_n
        is_batched = input.dim() == 3
        if not is_batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        if hx is not None:
            if not is_batched and hx.dim() != 2:
                raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
            if is_batched and hx.dim() != 3:
                raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
            if not is_batched:
                hx = hx.unsqueeze(1)
        batch = input.size(0) if self.batch_first else input.size(1)
        if hx is None:
            hx = zeros(self.num_layers * directions, batch, self.hidden_size, dtype=input.dtype)
        self.check_forward_args(input, hx)
        output, h_n, _ = self._run_padded(input, hx)
        if not is_batched:
            output, h_n = output.squeeze(0 if self.batch_first else 1), h_n.squeeze(1)
        return output, h_n


def _split_steps(rows, batch_sizes):
    """The rows of each time step, in one split node: indexing per step would give each step's
    backward a zero tensor the size of the whole sequence."""
    first = batch_sizes[0]
    if all(size == first for size in batch_sizes):  # a padded batch
        return rows.split(first) if first else [rows] * len(batch_sizes)
    return rows.split(batch_sizes)


def _rows(t, start, end):
    """Rows start..end-1 of t (t itself when that is all of it; None for None)."""
    if t is None or (start == 0 and end == t.size(0)):
        return t
    return t[start:end]


def _permute(hx, permutation):
    """The batch dimension (1) of a state in the order `permutation` (None: unchanged)."""
    if hx is None or permutation is None:
        return hx
    return hx.index_select(1, permutation)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def __setattr__(self, name, value):
        if name == "nonlinearity" and "_parameters" not in self.__dict__:
            object.__setattr__(self, name, value)  # set before Module.__init__
            return
        super().__setattr__(name, value)

    def forward(self, input, hx=None):  # noqa: A002
        if not isinstance(input, PackedSequence) and input.dim() not in (2, 3):
            raise ValueError(f"RNN: Expected input to be 2D or 3D, got {input.dim()}D tensor instead")
        return self._forward_single_state(input, hx)


class GRU(RNNBase):
    """Gated recurrent unit: r, z = sigmoid(...), n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
    h' = (1 - z) * n + z * h."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):  # noqa: A002
        if not isinstance(input, PackedSequence) and input.dim() not in (2, 3):
            raise ValueError(f"GRU: Expected input to be 2D or 3D, got {input.dim()}D instead")
        return self._forward_single_state(input, hx)


class LSTM(RNNBase):
    """Long short-term memory, gates i, f, g, o; with proj_size, h = (o * tanh(c)) W_hr^T."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes=None):  # noqa: A002
        mini_batch = self._mini_batch(input, batch_sizes)
        directions = 2 if self.bidirectional else 1
        return (self.num_layers * directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes=None):  # noqa: A002
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def forward(self, input, hx=None):  # noqa: A002
        directions = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices = input.data, input.batch_sizes, input.sorted_indices
            if hx is None:
                batch = int(batch_sizes[0])
                hx = (zeros(self.num_layers * directions, batch, real_hidden, dtype=data.dtype),
                      zeros(self.num_layers * directions, batch, self.hidden_size, dtype=data.dtype))
            else:
                # hx is given in the batch's original order
                hx = (_permute(hx[0], sorted_indices), _permute(hx[1], sorted_indices))
            # PyTorch checks nothing more here (its kernels fail on a wrong hx with their own
            # messages); swiftgrad checks as PyTorch's RNN and GRU do for a PackedSequence.
            self.check_forward_args(data, hx, batch_sizes)
            output, h_n, c_n = self._run_packed(input, hx[0], hx[1])
            return output, (h_n, c_n)
        if input.dim() not in (2, 3):
            raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D instead")
        is_batched = input.dim() == 3
        if not is_batched:
            input = input.unsqueeze(0 if self.batch_first else 1)
        batch = input.size(0) if self.batch_first else input.size(1)
        if hx is None:
            hx = (zeros(self.num_layers * directions, batch, real_hidden, dtype=input.dtype),
                  zeros(self.num_layers * directions, batch, self.hidden_size, dtype=input.dtype))
        else:
            if is_batched:
                if hx[0].dim() != 3 or hx[1].dim() != 3:
                    raise RuntimeError("For batched 3-D input, hx and cx should also be 3-D but got "
                                       f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            else:
                if hx[0].dim() != 2 or hx[1].dim() != 2:
                    raise RuntimeError("For unbatched 2-D input, hx and cx should also be 2-D but got "
                                       f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self.check_forward_args(input, hx)
        output, h_n, c_n = self._run_padded(input, hx[0], hx[1])
        if not is_batched:
            output = output.squeeze(0 if self.batch_first else 1)
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return output, (h_n, c_n)


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(zeros(num_chunks * hidden_size, input_size, dtype=dtype))
        self.weight_hh = Parameter(zeros(num_chunks * hidden_size, hidden_size, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(zeros(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(zeros(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for weight in self.parameters():
                weight.uniform_(-stdv, stdv)

    def _batched(self, name, input, hx):  # noqa: A002
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        return input.dim() == 2

    def _check(self, input, hx, hidden_label=""):  # noqa: A002
        # PyTorch's C++ checks (check_rnn_cell_forward_input / _hidden).
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {self.input_size}")
        if hx.size(0) != input.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{hidden_label} batch size "
                               f"{hx.size(0)}")
        if hx.size(1) != self.hidden_size:
            raise RuntimeError(f"hidden{hidden_label} has inconsistent hidden_size: got {hx.size(1)}, expected "
                               f"{self.hidden_size}")

    def _gates(self, input, hx):  # noqa: A002
        gi = F.linear(input, self.weight_ih, self.bias_ih)
        gh = F.linear(hx, self.weight_hh, self.bias_hh)
        return gi, gh


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):  # noqa: A002
        is_batched = self._batched("RNNCell", input, hx)
        if not is_batched:
            input = input.unsqueeze(0)
        hx = zeros(input.size(0), self.hidden_size, dtype=input.dtype) if hx is None else (
            hx if is_batched else hx.unsqueeze(0))
        self._check(input, hx)
        gi, gh = self._gates(input, hx)
        if self.nonlinearity == "tanh":
            ret = (gi + gh).tanh()
        elif self.nonlinearity == "relu":
            ret = (gi + gh).relu()
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return ret if is_batched else ret.squeeze(0)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        if input.dim() not in (1, 2):
            raise ValueError(f"LSTMCell: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            for i in range(2):
                if hx[i].dim() not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{i}] to be 1D or 2D, got {hx[i].dim()}D instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            z = zeros(input.size(0), self.hidden_size, dtype=input.dtype)
            hx = (z, z)
        elif not is_batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        self._check(input, hx[0], "[0]")
        self._check(input, hx[1], "[1]")
        gi, gh = self._gates(input, hx[0])
        i, f, g, o = (gi + gh).chunk(4, 1)
        c = f.sigmoid() * hx[1] + i.sigmoid() * g.tanh()
        h = o.sigmoid() * c.tanh()
        return (h, c) if is_batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):  # noqa: A002
        is_batched = self._batched("GRUCell", input, hx)
        if not is_batched:
            input = input.unsqueeze(0)
        hx = zeros(input.size(0), self.hidden_size, dtype=input.dtype) if hx is None else (
            hx if is_batched else hx.unsqueeze(0))
        self._check(input, hx)
        gi, gh = self._gates(input, hx)
        i_r, i_z, i_n = gi.chunk(3, 1)
        h_r, h_z, h_n = gh.chunk(3, 1)
        r = (i_r + h_r).sigmoid()
        z = (i_z + h_z).sigmoid()
        n = (i_n + r * h_n).tanh()
        h = n + z * (hx - n)
        return h if is_batched else h.squeeze(0)
