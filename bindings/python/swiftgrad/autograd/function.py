"""torch.autograd.Function: user-defined differentiable operations, riding on the library's
custom functions through ctypes callbacks."""
import ctypes

from .. import _lib as L
from .. import _callbacks
from .._tensor import Tensor, _wrap, _check


class FunctionCtx:
    """What forward and backward share (`ctx`): saved tensors, which inputs need gradients, and
    any attributes the function sets on it."""

    def __init__(self):
        self._handle = None
        self._to_save = None
        self.needs_input_grad = ()

    def save_for_backward(self, *tensors):
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError("save_for_backward can only save variables, but argument is not a tensor")
        self._to_save = tensors

    @property
    def saved_tensors(self):
        if self._handle is None:
            raise RuntimeError("saved_tensors is only available in backward")
        count = ctypes.c_size_t()
        _check(L.sg_function_ctx_saved_count(self._handle, ctypes.byref(count)))
        result = []
        for i in range(count.value):
            out = ctypes.c_void_p()
            _check(L.sg_function_ctx_saved(self._handle, i, ctypes.byref(out)))
            result.append(_wrap(out.value))
        return tuple(result)

    def mark_non_differentiable(self, *tensors):
        """Accepted for compatibility: integer and bool outputs are never differentiable here."""

    def set_materialize_grads(self, value):
        """Missing output gradients are always given as zeros here (PyTorch's default)."""


class _Call:
    """One application of a Function: the callbacks the library makes for it."""

    def __init__(self, function, args, kwargs):
        self.function, self.args, self.kwargs = function, args, kwargs
        self.ctx = FunctionCtx()
        self.positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.tuple_output = False

    def forward(self, handle, inputs):
        ctx = self.ctx
        ctx._handle = handle
        try:
            needs = []
            for i in range(len(inputs)):
                flag = ctypes.c_bool()
                _check(L.sg_function_ctx_needs_input_grad(handle, i, ctypes.byref(flag)))
                needs.append(flag.value)
            flags = [False] * len(self.args)
            for position, flag in zip(self.positions, needs):
                flags[position] = flag
            ctx.needs_input_grad = tuple(flags)
            result = self.function.forward(ctx, *self.args, **self.kwargs)
            self.tuple_output = isinstance(result, tuple)
            outputs = result if self.tuple_output else (result,)
            for t in outputs:
                if not isinstance(t, Tensor):
                    raise TypeError(f"{self.function.__name__}.forward must return Tensors, not {type(t).__name__}")
            if ctx._to_save:
                saved = [t for t in ctx._to_save if t is not None]
                array = (ctypes.c_void_p * len(saved))(*[t._handle for t in saved])
                _check(L.sg_function_ctx_save(handle, array, len(saved)))
            return outputs
        finally:
            ctx._handle = None

    def backward(self, handle, grads):
        ctx = self.ctx
        ctx._handle = handle
        try:
            result = self.function.backward(ctx, *grads)
        finally:
            ctx._handle = None
        result = result if isinstance(result, tuple) else (result,)
        if len(result) != len(self.args):
            raise RuntimeError(f"function {self.function.__name__}Backward returned an incorrect number of gradients "
                               f"(expected {len(self.args)}, got {len(result)})")
        return [result[p] for p in self.positions]


class Function:
    """Subclass with static `forward(ctx, *args)` and `backward(ctx, *grad_outputs)`, then call
    `apply(*args)`; the result's grad_fn is `<ClassName>Backward`."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        call = _Call(cls, args, kwargs)
        key = _callbacks.register(call)
        inputs = [args[p] for p in call.positions]
        array = (ctypes.c_void_p * len(inputs))(*[t._handle for t in inputs])
        capacity = 64
        outputs = (ctypes.c_void_p * capacity)()
        count = ctypes.c_size_t()
        _check(L.sg_function_apply(cls.__name__.encode(), _callbacks.forward_entry, _callbacks.backward_entry, key,
                                   _callbacks.free_entry, array, len(inputs), outputs, capacity, ctypes.byref(count)))
        results = tuple(_wrap(outputs[i]) for i in range(count.value))
        return results if call.tuple_output else results[0]
