"""torch.optim: SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam and RAdam with PyTorch's interface, computed by libswiftgrad's optimizers
(sg_optimizer_*). `param_groups` is a list of dicts as in PyTorch: change a group's "lr" (or any
other hyperparameter) between steps and the next step() uses it.

    opt = swiftgrad.optim.Adam(model.parameters(), lr=1e-3)
    for x, y in batches:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
"""
from __future__ import annotations

import ctypes

from .. import _lib as L
from .._tensor import Tensor, _wrap
from .._creation import tensor
from .._grad_mode import enable_grad

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
           "lr_scheduler"]


class _Required:
    """The default of a hyperparameter that has none (PyTorch's `required`)."""

    def __repr__(self):
        return "<required parameter>"


required = _Required()


def _check(status):
    # PyTorch raises ValueError for bad hyperparameters and parameter lists.
    L.check(status, ValueError if status == L.SG_ERR_INVALID_ARGUMENT else None)


class Optimizer:
    """The base class: parameter groups, zero_grad, step and the link to the C optimizer.
    Subclasses name their C constructor and how their options map to the library's."""

    # Options stored in each group that only select an implementation in PyTorch; accepted and
    # kept, with the same results whatever their value.
    _IMPLEMENTATION_OPTIONS = {"foreach": None, "fused": None, "differentiable": False}

    def __init__(self, params, defaults):
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {params.type()}")
        self.defaults = defaults
        self.param_groups = []
        self._synced = []
        handle = ctypes.c_void_p()
        _check(self._create(None, 0, handle))
        self._handle = handle.value
        param_groups = list(params)
        if not param_groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __del__(self, _free=L.sg_optimizer_free):
        handle = getattr(self, "_handle", None)
        if handle:
            _free(handle)

    def _create(self, params, count, out):
        raise NotImplementedError

    def _library_options(self, group):
        """The group's options as the library names them (betas become beta1 and beta2)."""
        raise NotImplementedError

    def add_param_group(self, param_group: dict) -> None:
        """Adds a group of parameters, with options defaulting to the optimizer's."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
        group = dict(param_group, params=params)
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            group.setdefault(name, default)
        handles = (ctypes.c_void_p * len(params))(*[p._handle for p in params])
        _check(L.sg_optimizer_add_param_group(self._handle, handles, len(params)))
        index = len(self.param_groups)
        self.param_groups.append(group)
        self._synced.append({})
        try:
            self._sync(index)
        except Exception:
            self.param_groups.pop()
            self._synced.pop()
            raise

    def _sync(self, index):
        """Sends the group's options that changed since the last step to the library, all at
        once (so that options valid only together, like momentum and nesterov, change together),
        after checking that the group's parameters are still the tensors the library holds."""
        group, synced = self.param_groups[index], self._synced[index]
        for name in ("differentiable", "capturable"):
            if group.get(name):
                raise ValueError(f"swiftgrad's optimizers do not support {name}=True")
        handles = [p._handle for p in group["params"]]
        if handles != synced.setdefault("handles", handles):
            raise RuntimeError("a parameter of this optimizer was replaced or converted (Module.to/double/float) after "
                               "the optimizer was made; create the optimizer after converting the model")
        changed = [(name, value) for name, value in self._library_options(group).items() if synced.get(name) != value]
        if changed:
            names = (ctypes.c_char_p * len(changed))(*[name.encode() for name, _ in changed])
            values = (ctypes.c_double * len(changed))(*[float(value) for _, value in changed])
            _check(L.sg_optimizer_set_options(self._handle, index, names, values, len(changed)))
            synced.update(changed)

    # Per-parameter state names, as PyTorch's optimizer.state[p] keys.
    _STATE = ()

    def _state_of(self, group, index):
        """The state the library keeps for one parameter ({} before its first step)."""
        result = {}
        for name in self._STATE:
            out = ctypes.c_void_p()
            _check(L.sg_optimizer_get_state(self._handle, group, index, name.encode(), ctypes.byref(out)))
            if out.value:
                result[name] = _wrap(out.value)
        return result

    @property
    def state(self):
        """Each parameter's state (momentum buffers, moment estimates, step), keyed by parameter
        as PyTorch's optimizer.state; the tensors are the optimizer's own. A snapshot: assign
        through load_state_dict."""
        return {p: s for g, group in enumerate(self.param_groups) for i, p in enumerate(group["params"])
                if (s := self._state_of(g, i))}

    def state_dict(self):
        """PyTorch's checkpoint format: {"state": {param number: {name: tensor}}, "param_groups":
        [options with "params": [param numbers]]}, parameters numbered in group order."""
        state, groups, number = {}, [], 0
        for g, group in enumerate(self.param_groups):
            numbers = []
            for i in range(len(group["params"])):
                entry = self._state_of(g, i)
                if entry:
                    state[number] = entry
                numbers.append(number)
                number += 1
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": numbers})
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restores options and state saved by state_dict() (tensors are copied into the
        parameters' dtypes)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(saved["params"]) != len(own["params"]) for saved, own in zip(groups, self.param_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        for g, (saved, own) in enumerate(zip(groups, self.param_groups)):
            own.update({k: v for k, v in saved.items() if k != "params"})
            self._sync(g)
            for i, number in enumerate(saved["params"]):
                entry = state_dict["state"].get(number, state_dict["state"].get(str(number), {}))
                for name in self._STATE:
                    value = entry.get(name)
                    if value is not None and not isinstance(value, Tensor):
                        value = tensor(value)
                    _check(L.sg_optimizer_set_state(self._handle, g, i, name.encode(),
                                                    value._handle if value is not None else None))

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Resets the gradients of all parameters: to None (the default) or to zeros."""
        _check(L.sg_optimizer_zero_grad(self._handle, bool(set_to_none)))

    def step(self, closure=None):  # -> the closure's loss, or None
        """One optimization step. `closure` re-evaluates the model and returns the loss (run
        with grad mode on); its result is returned."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for index in range(len(self.param_groups)):
            self._sync(index)
        _check(L.sg_optimizer_step(self._handle))
        return loss

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight
    decay (torch.optim.SGD)."""

    _STATE = ("momentum_buffer",)

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0, dampening: float = 0, weight_decay: float = 0,
                 nesterov: bool = False, *, maximize: bool = False, foreach=None, differentiable: bool = False,
                 fused=None):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        super().__init__(params, defaults)

    def _create(self, params, count, out):
        d = self.defaults
        options = L.sg_sgd_default_options()
        options.lr, options.momentum, options.dampening = d["lr"], d["momentum"], d["dampening"]
        options.weight_decay, options.nesterov, options.maximize = d["weight_decay"], bool(d["nesterov"]), bool(d["maximize"])
        return L.sg_optimizer_sgd(params, count, ctypes.byref(options), ctypes.byref(out))

    def _library_options(self, group):
        return {name: group[name] for name in ("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize")}


class Adam(Optimizer):
    """Adam (torch.optim.Adam); weight_decay is an L2 penalty unless decoupled_weight_decay,
    which makes it AdamW."""

    _decoupled = False
    _STATE = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, foreach=None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False, fused=None,
                 decoupled_weight_decay: bool | None = None):
        if decoupled_weight_decay is None:
            decoupled_weight_decay = self._decoupled
        self._decoupled = decoupled_weight_decay
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _create(self, params, count, out):
        d = self.defaults
        beta1, beta2 = _betas(d["betas"])
        options = L.sg_adam_default_options()
        options.lr, options.beta1, options.beta2, options.eps = d["lr"], beta1, beta2, d["eps"]
        options.weight_decay, options.amsgrad, options.maximize = d["weight_decay"], bool(d["amsgrad"]), bool(d["maximize"])
        create = L.sg_optimizer_adamw if self._decoupled else L.sg_optimizer_adam
        return create(params, count, ctypes.byref(options), ctypes.byref(out))

    def _library_options(self, group):
        if bool(group["decoupled_weight_decay"]) != bool(self._decoupled):
            raise ValueError("swiftgrad: decoupled_weight_decay is fixed when the optimizer is created")
        beta1, beta2 = _betas(group["betas"])
        return {"lr": group["lr"], "beta1": beta1, "beta2": beta2, "eps": group["eps"],
                "weight_decay": group["weight_decay"], "amsgrad": group["amsgrad"], "maximize": group["maximize"]}


class AdamW(Adam):
    """Adam with decoupled weight decay (torch.optim.AdamW)."""

    _decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False, foreach=None,
                 capturable: bool = False, differentiable: bool = False, fused=None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         foreach=foreach, maximize=maximize, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)


def _betas(betas):
    try:
        beta1, beta2 = betas
        return float(beta1), float(beta2)
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a pair of floats, got {betas!r}") from None


def _validate(*checks):
    """PyTorch's constructor checks, in its order: (ok, message) pairs; the first failing one
    raises ValueError (the library checks again, but formats numbers as Swift does)."""
    for ok, message in checks:
        if not ok:
            raise ValueError(message)


def _adam_like_checks(lr, eps, betas, weight_decay):
    return [(0.0 <= lr, f"Invalid learning rate: {lr}"), (0.0 <= eps, f"Invalid epsilon value: {eps}"),
            (0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}"),
            (0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}"),
            (0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")]


class _LibraryOptimizer(Optimizer):
    """An optimizer whose C constructor takes an options struct filled from `defaults`
    (`_FIELDS`: library name -> group key; betas become beta1 and beta2)."""

    _CREATE = _DEFAULTS = None
    _FIELDS = ()

    def _create(self, params, count, out):
        options = getattr(L, self._DEFAULTS)()
        for name, value in self._library_options(self.defaults).items():
            setattr(options, name, type(getattr(options, name))(value))
        return getattr(L, self._CREATE)(params, count, ctypes.byref(options), ctypes.byref(out))

    def _library_options(self, group):
        result = {}
        for name in self._FIELDS:
            if name in ("beta1", "beta2"):
                result["beta1"], result["beta2"] = _betas(group["betas"])
            else:
                result[name] = group[name]
        return result


class RMSprop(_LibraryOptimizer):
    """RMSprop (torch.optim.RMSprop): steps scaled by a running average of squared gradients
    (centered: by the estimated variance), optionally through a momentum buffer."""

    _CREATE, _DEFAULTS = "sg_optimizer_rmsprop", "sg_rmsprop_default_options"
    _FIELDS = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize")
    _STATE = ("step", "square_avg", "momentum_buffer", "grad_avg")

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0,
                 momentum: float = 0, centered: bool = False, capturable: bool = False, foreach=None,
                 maximize: bool = False, differentiable: bool = False):
        _validate((0.0 <= lr, f"Invalid learning rate: {lr}"), (0.0 <= eps, f"Invalid epsilon value: {eps}"),
                  (0.0 <= momentum, f"Invalid momentum value: {momentum}"),
                  (0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}"),
                  (0.0 <= alpha, f"Invalid alpha value: {alpha}"))
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)


class Adagrad(_LibraryOptimizer):
    """Adagrad (torch.optim.Adagrad): steps scaled by the root of the sum of squared gradients,
    the rate decayed by lr_decay per step. Its state exists from the start, as PyTorch's."""

    _CREATE, _DEFAULTS = "sg_optimizer_adagrad", "sg_adagrad_default_options"
    _FIELDS = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize")
    _STATE = ("step", "sum")

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach=None, *, maximize: bool = False,
                 differentiable: bool = False, fused=None):
        _validate((0.0 <= lr, f"Invalid learning rate: {lr}"), (0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}"),
                  (0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}"),
                  (0.0 <= initial_accumulator_value,
                   f"Invalid initial_accumulator_value value: {initial_accumulator_value}"),
                  (0.0 <= eps, f"Invalid epsilon value: {eps}"))
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def add_param_group(self, param_group: dict) -> None:
        super().add_param_group(param_group)
        # The library fills a new group's sums with the optimizer's initial_accumulator_value;
        # a group with its own starts from that instead.
        g = len(self.param_groups) - 1
        group = self.param_groups[g]
        if group["initial_accumulator_value"] != self.defaults["initial_accumulator_value"]:
            for i, p in enumerate(group["params"]):
                start = tensor(float(group["initial_accumulator_value"]), dtype=p.dtype).expand(p.shape)
                _check(L.sg_optimizer_set_state(self._handle, g, i, b"sum", start._handle))


class Adadelta(_LibraryOptimizer):
    """Adadelta (torch.optim.Adadelta): steps whose scale is the ratio of running averages of
    squared updates and squared gradients."""

    _CREATE, _DEFAULTS = "sg_optimizer_adadelta", "sg_adadelta_default_options"
    _FIELDS = ("lr", "rho", "eps", "weight_decay", "maximize")
    _STATE = ("step", "square_avg", "acc_delta")

    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0,
                 foreach=None, *, capturable: bool = False, maximize: bool = False, differentiable: bool = False):
        _validate((0.0 <= lr, f"Invalid learning rate: {lr}"), (0.0 <= rho <= 1.0, f"Invalid rho value: {rho}"),
                  (0.0 <= eps, f"Invalid epsilon value: {eps}"),
                  (0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}"))
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, capturable=capturable,
                        foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)


class Adamax(_LibraryOptimizer):
    """Adamax (torch.optim.Adamax): Adam with the infinity norm in place of the second moment."""

    _CREATE, _DEFAULTS = "sg_optimizer_adamax", "sg_adamax_default_options"
    _FIELDS = ("lr", "beta1", "beta2", "eps", "weight_decay", "maximize")
    _STATE = ("step", "exp_avg", "exp_inf")

    def __init__(self, params, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach=None, *, maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False):
        _validate(*_adam_like_checks(lr, eps, betas, weight_decay))
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)


class NAdam(_LibraryOptimizer):
    """NAdam (torch.optim.NAdam): Adam with Nesterov momentum and a momentum schedule
    (momentum_decay); decoupled_weight_decay makes the decay AdamW's."""

    _CREATE, _DEFAULTS = "sg_optimizer_nadam", "sg_nadam_default_options"
    _FIELDS = ("lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize")
    _STATE = ("step", "mu_product", "exp_avg", "exp_avg_sq")

    def __init__(self, params, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3, decoupled_weight_decay: bool = False, *,
                 foreach=None, maximize: bool = False, capturable: bool = False, differentiable: bool = False):
        _validate(*_adam_like_checks(lr, eps, betas, weight_decay),
                  (0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}"))
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)


class RAdam(_LibraryOptimizer):
    """RAdam (torch.optim.RAdam): Adam with the adaptive step rectified by the variance of its
    estimate (plain momentum steps while it is intractable); decoupled_weight_decay makes the
    decay AdamW's."""

    _CREATE, _DEFAULTS = "sg_optimizer_radam", "sg_radam_default_options"
    _FIELDS = ("lr", "beta1", "beta2", "eps", "weight_decay", "decoupled_weight_decay", "maximize")
    _STATE = ("step", "exp_avg", "exp_avg_sq")

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *, foreach=None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False):
        _validate(*_adam_like_checks(lr, eps, betas, weight_decay))
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)


from . import lr_scheduler  # noqa: E402,F401 - torch.optim.lr_scheduler

lr_scheduler.Optimizer = Optimizer
