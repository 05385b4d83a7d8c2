"""Module full backward hooks and backward pre-hooks, as PyTorch builds them
(torch.utils.hooks.BackwardHook): the module's positional tensor inputs and its tensor outputs
each pass through an identity autograd Function; the outputs' Function sees grad_output (and
runs the pre-hooks, which may replace it), the inputs' Function sees grad_input (and runs the
full hooks, which may replace it). The forward therefore receives, and the caller gets back,
new tensors sharing the originals' memory, as in PyTorch."""
from __future__ import annotations

from .._tensor import Tensor
from .._creation import zeros
from ..autograd.function import Function

__all__ = ["BackwardHook"]


class BackwardHookFunction(Function):
    """Identity on its tensors; its backward hands the incoming gradients to a callback that
    may return replacements."""

    @staticmethod
    def forward(ctx, callback, *tensors):
        ctx.callback = callback
        ctx.count = len(tensors)
        outputs = tuple(t.view_as(t) for t in tensors)
        return outputs

    @staticmethod
    def backward(ctx, *grads):
        new = ctx.callback(grads)
        grads = tuple(grads) if new is None else tuple(new)
        return (None, *grads)


def _apply_identity(values, callback):
    """(new values, indices of the tensors replaced): each tensor that requires grad in
    `values` (a tuple) is replaced by an identity Function's output whose backward calls back."""
    positions = [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]
    if not positions:
        return values, positions
    outputs = BackwardHookFunction.apply(callback, *[values[i] for i in positions])
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    new = list(values)
    for i, out in zip(positions, outputs):
        new[i] = out
    return tuple(new), positions


class BackwardHook:
    """The backward hooks of one call of a module."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_positions = []
        self.constants = []
        self.n_outputs = 0
        self.output_positions = []

    def _pack(self, grads, positions, count):
        full = [None] * count
        for i, g in zip(positions, grads):
            full[i] = g
        return tuple(full)

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        if not self.user_hooks:
            return args

        def on_input_grads(grads):
            grad_input = list(self._pack(grads, self.input_positions, self.n_inputs))
            # a tensor argument that does not require grad gets zeros, as PyTorch materializes
            # the gradient of its non-differentiable identity output
            for i, shape, dtype in self.constants:
                grad_input[i] = zeros(shape, dtype=dtype)
            grad_input = tuple(grad_input)
            changed = False
            for hook in self.user_hooks:
                result = hook(self.module, grad_input, self.grad_outputs)
                if result is not None:
                    result = result if isinstance(result, tuple) else (result,)
                    if len(result) != len(grad_input):
                        raise RuntimeError("Backward hook returned an invalid number of grad_input, got "
                                           f"{len(result)}, but expected {len(grad_input)}")
                    grad_input = result
                    changed = True
            return tuple(grad_input[i] for i in self.input_positions) if changed else None

        # Shapes, not tensors: the callback lives as long as the graph node, and a tensor made
        # by that node, held here, would keep both alive for good (a cycle through the library).
        self.constants = [(i, a.shape, a.dtype) for i, a in enumerate(args)
                          if isinstance(a, Tensor) and not a.requires_grad]
        args, self.input_positions = _apply_identity(tuple(args), on_input_grads)
        return args

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        values = (result,) if single else result
        if not isinstance(values, tuple):
            return result
        self.n_outputs = len(values)

        def on_output_grads(grads):
            grad_output = self._pack(grads, self.output_positions, self.n_outputs)
            changed = False
            for hook in self.user_pre_hooks:
                new = hook(self.module, grad_output)
                if new is not None:
                    new = new if isinstance(new, tuple) else (new,)
                    if len(new) != len(grad_output):
                        raise RuntimeError("Backward pre hook returned an invalid number of grad_output, got "
                                           f"{len(new)}, but expected {len(grad_output)}")
                    grad_output = new
                    changed = True
            self.grad_outputs = grad_output
            if self.user_hooks and not self.input_positions:
                grad_input = (None,) * self.n_inputs
                for hook in self.user_hooks:
                    out = hook(self.module, grad_input, self.grad_outputs)
                    if out is not None and not all(g is None for g in (out if isinstance(out, tuple) else (out,))):
                        raise RuntimeError("Backward hook for Modules where no input requires gradient should always "
                                           "return None or None for all gradients.")
            return tuple(grad_output[i] for i in self.output_positions) if changed else None

        values, self.output_positions = _apply_identity(values, on_output_grads)
        return values[0] if single else values
