"""torch.nn.modules.lazy.LazyModuleMixin: modules whose parameter shapes come from their first
input. Until the first forward they hold UninitializedParameter/UninitializedBuffer
placeholders; a forward pre-hook then calls `initialize_parameters(*args, **kwargs)`, which
materializes them, and the module becomes `cls_to_become` (LazyLinear becomes Linear).

A lazy version of any layer takes a few lines, as in PyTorch (LazyLinear in _linear.py is the
model)::

    class LazyConv2d(LazyModuleMixin, Conv2d):
        cls_to_become = Conv2d

        def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                     bias=True, padding_mode="zeros", device=None, dtype=None):
            # in_channels=0 makes no real tensors; the placeholders replace them
            super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                             padding_mode, device=device, dtype=dtype)
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            self.out_channels = out_channels
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)

        def reset_parameters(self):  # Conv2d.__init__ calls it before there is a shape
            if not self.has_uninitialized_params() and self.in_channels != 0:
                super().reset_parameters()

        def initialize_parameters(self, input, *args, **kwargs):
            if self.has_uninitialized_params():
                with torch.no_grad():
                    self.in_channels = input.shape[1]   # (N, C, H, W) or (C, H, W): input.shape[-3]
                    self.weight.materialize((self.out_channels, self.in_channels // self.groups,
                                             *self.kernel_size))
                    if self.bias is not None:
                        self.bias.materialize((self.out_channels,))
                    self.reset_parameters()

A lazy BatchNorm holds UninitializedBuffer running statistics in the same way
(`self.running_mean = UninitializedBuffer(device=device, dtype=dtype)`) and materializes
them to (num_features,) in initialize_parameters. state_dict() of a module not yet
initialized contains the placeholders themselves; load_state_dict() of an initialized state
into it materializes each placeholder to the loaded shape first, as PyTorch does."""
from __future__ import annotations

import itertools

from .parameter import is_lazy

__all__ = ["LazyModuleMixin"]


class LazyModuleMixin:
    """Mixed in before the layer class (`class LazyLinear(LazyModuleMixin, Linear)`); the
    subclass defines initialize_parameters(*forward_args) and sets cls_to_become."""

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters, with_kwargs=True)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if is_lazy(param) or keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if is_lazy(buf) or keep_vars else buf.detach()

    def _lazy_load_hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
        """Before loading: each placeholder whose entry in `state_dict` is a real tensor takes
        that tensor's shape, so that the copy that follows succeeds."""
        for name, param in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if key in state_dict and param is not None:
                value = state_dict[key]
                if is_lazy(param) and not is_lazy(value):
                    param.materialize(value.shape)

    def initialize_parameters(self, *args, **kwargs):
        """Materializes the placeholders from the first forward's arguments (the subclass's)."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def has_uninitialized_params(self):
        """Whether a parameter or buffer is still a placeholder."""
        return any(is_lazy(p) for p in itertools.chain(self._parameters.values(), self._buffers.values()))

    def _infer_parameters(self, module, args, kwargs=None):
        """The forward pre-hook: initialize from the arguments, check that nothing is left
        uninitialized, remove both hooks, and become cls_to_become."""
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        module._load_hook.remove()
        delattr(module, "_initialize_hook")
        delattr(module, "_load_hook")
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _replicate_for_data_parallel(self):
        raise RuntimeError("Modules with uninitialized parameters can't be used with `DataParallel`. Run a dummy "
                           "forward pass to correctly initialize the modules")
