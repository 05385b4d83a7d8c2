"""The training kit's cases, ordinary PyTorch code run by both PyTorch
(scripts/trainkit_reference.py stores the results in data/trainkit_reference.json) and swiftgrad
(test_trainkit.py replays them and compares): learning-rate schedulers over 30 steps (rates and
cycled momenta), optimizers over 8 float64 steps on fixed parameters (parameters and every state
tensor after each step, the state_dict's keys), gradient clipping and the deterministic parts of
nn.init (values, gains, error messages).

Each case is a function of the torch module returning JSON-able data: floats, lists, strings."""
CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def run(torch, names=None):
    """{name: result} for every case (or those named); an exception becomes its type and message."""
    results = {}
    for name in sorted(names or CASES):
        try:
            results[name] = CASES[name](torch)
        except Exception as error:  # noqa: BLE001 - the error is the result
            results[name] = {"error": type(error).__name__, "message": str(error)}
    return results


def _error(fn):
    try:
        fn()
    except Exception as error:  # noqa: BLE001
        return [type(error).__name__, str(error)]
    return None


def _values(t):
    return t.detach().double().reshape(-1).tolist()


# ---- schedulers ----------------------------------------------------------------------------------


def _optimizer(torch, kind="sgd", groups=2, lr=0.1):
    params = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    group_list = [{"params": [p], "lr": lr * (i + 1)} for i, p in enumerate(params)]
    if kind == "sgd":
        return torch.optim.SGD(group_list, lr=lr, momentum=0.9)
    if kind == "adam":
        return torch.optim.Adam(group_list, lr=lr)
    if kind == "rmsprop":
        return torch.optim.RMSprop(group_list, lr=lr, momentum=0.5)
    raise ValueError(kind)


def _trace(opt, scheduler, steps=30, metric=None, epochs=None):
    """The rates (and momenta or beta1) of each group after construction and after each step."""
    def snapshot():
        row = {"lr": [g["lr"] for g in opt.param_groups], "last": list(scheduler.get_last_lr())}
        if "betas" in opt.param_groups[0]:
            row["beta1"] = [g["betas"][0] for g in opt.param_groups]
        elif "momentum" in opt.param_groups[0]:
            row["momentum"] = [g["momentum"] for g in opt.param_groups]
        return row

    rows = [snapshot()]
    for i in range(steps):
        opt.step()
        if metric is not None:
            scheduler.step(metric(i))
        elif epochs is not None:
            scheduler.step(epochs[i])
        else:
            scheduler.step()
        rows.append(snapshot())
    return rows


@case
def sched_onecycle_cos(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[1.0, 0.5], total_steps=30)
    return _trace(opt, s, 29)


@case
def sched_onecycle_linear_three_phase_adam(torch):
    opt = _optimizer(torch, "adam")
    s = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.3, epochs=3, steps_per_epoch=10, pct_start=0.25,
                                            anneal_strategy="linear", three_phase=True, div_factor=10.0,
                                            final_div_factor=100.0)
    return _trace(opt, s, 30)


@case
def sched_onecycle_no_momentum(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=20, cycle_momentum=False)
    rows = _trace(opt, s, 20)
    return {"rows": rows, "overrun": _error(lambda: (opt.step(), s.step()))}


@case
def sched_onecycle_errors(torch):
    opt = _optimizer(torch)
    lr = torch.optim.lr_scheduler
    return [
        _error(lambda: lr.OneCycleLR(opt, max_lr=1.0)),
        _error(lambda: lr.OneCycleLR(opt, max_lr=1.0, total_steps=0)),
        _error(lambda: lr.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=1)),
        _error(lambda: lr.OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="exp")),
        _error(lambda: lr.OneCycleLR(opt, max_lr=[1.0], total_steps=10)),
        _error(lambda: lr.OneCycleLR(opt, max_lr=1.0, epochs=2, steps_per_epoch=0)),
        _error(lambda: lr.OneCycleLR(object(), max_lr=1.0, total_steps=10)),
    ]


def _plateau_metric(i):
    # Improves, stalls, improves a little (under the threshold), worsens, improves again.
    sequence = [10, 9, 9, 9, 9, 8.9995, 9, 9, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5, 5]
    return sequence[i]


@case
def sched_plateau_min_rel(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1, min_lr=[0.01, 0.05])
    rows = _trace(opt, s, 30, metric=_plateau_metric)
    return {"rows": rows, "best": s.best, "bad": s.num_bad_epochs, "cooldown": s.cooldown_counter}


@case
def sched_plateau_max_abs(torch):
    opt = _optimizer(torch, "adam")
    s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.3, patience=1, threshold=0.5,
                                                   threshold_mode="abs", min_lr=0.001, eps=1e-3)
    return _trace(opt, s, 30, metric=lambda i: -_plateau_metric(i) + (i % 3))


@case
def sched_plateau_errors(torch):
    opt = _optimizer(torch)
    lr = torch.optim.lr_scheduler
    return [
        _error(lambda: lr.ReduceLROnPlateau(opt, factor=1.0)),
        _error(lambda: lr.ReduceLROnPlateau(opt, mode="up")),
        _error(lambda: lr.ReduceLROnPlateau(opt, threshold_mode="pct")),
        _error(lambda: lr.ReduceLROnPlateau(opt, min_lr=[0.1])),
    ]


@case
def sched_linear(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, end_factor=0.75, total_iters=7)
    return _trace(opt, s)


@case
def sched_linear_errors(torch):
    opt = _optimizer(torch)
    lr = torch.optim.lr_scheduler
    return [_error(lambda: lr.LinearLR(opt, start_factor=0)), _error(lambda: lr.LinearLR(opt, end_factor=1.5)),
            _error(lambda: lr.ConstantLR(opt, factor=2.0))]


@case
def sched_constant(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.ConstantLR(opt, factor=0.4, total_iters=4)
    return _trace(opt, s)


@case
def sched_sequential(torch):
    opt = _optimizer(torch)
    lr = torch.optim.lr_scheduler
    warm = lr.LinearLR(opt, start_factor=0.1, total_iters=5)
    decay = lr.ExponentialLR(opt, gamma=0.9)
    cosine = lr.CosineAnnealingLR(opt, T_max=8, eta_min=0.001)
    s = lr.SequentialLR(opt, schedulers=[warm, decay, cosine], milestones=[5, 15])
    return _trace(opt, s)


@case
def sched_sequential_errors(torch):
    opt = _optimizer(torch)
    other = _optimizer(torch)
    lr = torch.optim.lr_scheduler
    a = lr.StepLR(opt, 3)
    return [
        _error(lambda: lr.SequentialLR(opt, [], [])),
        _error(lambda: lr.SequentialLR(opt, [a, lr.StepLR(opt, 2)], [])),
        _error(lambda: lr.SequentialLR(opt, [a, lr.ReduceLROnPlateau(opt)], [2])),
        _error(lambda: lr.ChainedScheduler([])),
    ] + [len(_error(lambda: lr.SequentialLR(opt, [a, lr.StepLR(other, 2)], [2])))]


@case
def sched_chained(torch):
    opt = _optimizer(torch)
    lr = torch.optim.lr_scheduler
    s = lr.ChainedScheduler([lr.ConstantLR(opt, factor=0.1, total_iters=2), lr.ExponentialLR(opt, gamma=0.9),
                             lr.StepLR(opt, step_size=7, gamma=0.5)])
    return _trace(opt, s)


@case
def sched_warm_restarts(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.01)
    return _trace(opt, s)


@case
def sched_warm_restarts_epochs(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=2, eta_min=0.001)
    epochs = [i * 0.75 for i in range(30)]
    rows = _trace(opt, s, epochs=epochs)
    opt2 = _optimizer(torch)
    s2 = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt2, T_0=5)
    rows2 = _trace(opt2, s2, epochs=[(i * 7) % 23 + 0.5 for i in range(30)])
    return {"tmult2": rows, "tmult1": rows2, "negative": _error(lambda: s2.step(-1)),
            "errors": [_error(lambda: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)),
                       _error(lambda: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0))]}


@case
def sched_polynomial(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=12, power=2.5)
    return _trace(opt, s)


@case
def sched_cyclic_triangular2(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=4, step_size_down=3,
                                          mode="triangular2")
    return _trace(opt, s)


@case
def sched_cyclic_exp_range_adam(torch):
    opt = _optimizer(torch, "adam")
    s = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=0.001, max_lr=0.01, step_size_up=5, mode="exp_range",
                                          gamma=0.97, base_momentum=0.7, max_momentum=0.95)
    return _trace(opt, s)


@case
def sched_cyclic_custom(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                          scale_fn=lambda x: 1.0 / (1 + x), scale_mode="iterations",
                                          cycle_momentum=False)
    return {"rows": _trace(opt, s),
            "errors": [_error(lambda: torch.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode="sine"))]}


@case
def sched_multiplicative(torch):
    opt = _optimizer(torch)
    s = torch.optim.lr_scheduler.MultiplicativeLR(opt, lr_lambda=[lambda e: 0.95, lambda e: 1.0 - 0.01 * e])
    return {"rows": _trace(opt, s),
            "errors": [_error(lambda: torch.optim.lr_scheduler.MultiplicativeLR(opt, lr_lambda=3)),
                       _error(lambda: torch.optim.lr_scheduler.MultiplicativeLR(opt, lr_lambda=[lambda e: 1]))]}


@case
def sched_closed_forms(torch):
    """step(epoch): the closed forms, jumping around."""
    lr = torch.optim.lr_scheduler
    epochs = [3, 0, 7, 7, 12, 1, 25, 4]
    out = {}
    makers = {
        "step": lambda o: lr.StepLR(o, step_size=3, gamma=0.5),
        "multistep": lambda o: lr.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.5),
        "constant": lambda o: lr.ConstantLR(o, factor=0.5, total_iters=4),
        "linear": lambda o: lr.LinearLR(o, start_factor=0.2, total_iters=10),
        "exponential": lambda o: lr.ExponentialLR(o, gamma=0.9),
        "polynomial": lambda o: lr.PolynomialLR(o, total_iters=10, power=2.0),
        "cosine": lambda o: lr.CosineAnnealingLR(o, T_max=10, eta_min=0.01),
    }
    for name, make in makers.items():
        opt = _optimizer(torch)
        out[name] = _trace(opt, make(opt), len(epochs), epochs=epochs)
    return out


@case
def sched_cosine_and_steps(torch):
    """The schedulers that existed before, stepped 30 times (regression against PyTorch)."""
    lr = torch.optim.lr_scheduler
    out = {}
    makers = {
        "cosine": lambda o: lr.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
        "step": lambda o: lr.StepLR(o, step_size=4, gamma=0.7),
        "multistep": lambda o: lr.MultiStepLR(o, milestones=[3, 8, 8, 20]),
        "exponential": lambda o: lr.ExponentialLR(o, gamma=0.95),
        "lambda": lambda o: lr.LambdaLR(o, lambda e: 1 / (1 + e)),
    }
    for name, make in makers.items():
        opt = _optimizer(torch)
        out[name] = _trace(opt, make(opt))
    return out


@case
def sched_state_dict(torch):
    """A scheduler restored from another's state_dict continues identically."""
    lr = torch.optim.lr_scheduler
    opt = _optimizer(torch)
    s = lr.OneCycleLR(opt, max_lr=1.0, total_steps=20)
    for _ in range(7):
        opt.step()
        s.step()
    state = s.state_dict()
    opt2 = _optimizer(torch)
    s2 = lr.OneCycleLR(opt2, max_lr=1.0, total_steps=20)
    s2.load_state_dict(state)
    for group, saved in zip(opt2.param_groups, opt.param_groups):
        group["lr"], group["momentum"] = saved["lr"], saved["momentum"]
    after = []
    for _ in range(5):
        opt2.step()
        s2.step()
        after.append(s2.get_last_lr())
    keys = sorted(k for k in state if not k.startswith("_") or k in ("_last_lr", "_step_count"))
    plateau = lr.ReduceLROnPlateau(opt)
    return {"after": after, "keys": keys, "last_epoch": state["last_epoch"],
            "plateau_keys": sorted(plateau.state_dict())}


# ---- gradient clipping ---------------------------------------------------------------------------


def _grads(torch):
    a = torch.tensor([[3.0, -4.0], [1.0, 2.0]], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([12.0, -0.5, 0.25], dtype=torch.float64, requires_grad=True)
    c = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)  # no gradient
    (a * torch.tensor([[1.0, 2.0], [-3.0, 0.5]], dtype=torch.float64)).sum().backward()
    (b * b).sum().backward()
    return a, b, c


@case
def clip_norms(torch):
    out = {}
    for norm_type in [2.0, 1, 0.5, 3, float("inf"), 0]:
        a, b, c = _grads(torch)
        total = torch.nn.utils.clip_grad_norm_([a, b, c], max_norm=5.0, norm_type=norm_type)
        out[str(norm_type)] = {"total": total.item(), "a": _values(a.grad), "b": _values(b.grad),
                               "dtype": str(total.dtype)}
    a, b, c = _grads(torch)
    total = torch.nn.utils.clip_grad_norm_(b, 1000.0)
    out["unclipped"] = {"total": total.item(), "b": _values(b.grad)}
    a, b, c = _grads(torch)
    out["get_total_norm"] = torch.nn.utils.get_total_norm([a.grad, b.grad], 2.0).item()
    torch.nn.utils.clip_grads_with_norm_([a, b], 1.0, torch.tensor(10.0, dtype=torch.float64))
    out["with_norm"] = _values(a.grad) + _values(b.grad)
    out["empty"] = torch.nn.utils.clip_grad_norm_([c], 1.0).item()
    b.grad[0] = float("nan")
    out["nonfinite"] = _error(lambda: torch.nn.utils.clip_grad_norm_([a, b], 1.0, error_if_nonfinite=True))
    return out


@case
def clip_values(torch):
    a, b, c = _grads(torch)
    torch.nn.utils.clip_grad_value_([a, b, c], 2.5)
    return _values(a.grad) + _values(b.grad)


@case
def vector_round_trip(torch):
    a, b, c = _grads(torch)
    v = torch.nn.utils.parameters_to_vector([a, b, c])
    torch.nn.utils.vector_to_parameters(v * 2, [a, b, c])
    return {"vector": _values(v), "a": _values(a), "b": _values(b), "c": _values(c),
            "error": _error(lambda: torch.nn.utils.vector_to_parameters([1.0], [a]))}


# ---- nn.init -------------------------------------------------------------------------------------


@case
def init_deterministic(torch):
    init = torch.nn.init
    gains = [init.calculate_gain(n) for n in ["linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]]
    gains.append(init.calculate_gain("leaky_relu", 0.2))
    gains.append(init.calculate_gain("leaky_relu", 3))
    w = torch.empty(3, 5, requires_grad=True)
    out = {
        "gains": gains,
        "eye": _values(init.eye_(w)),
        "eye_requires_grad": w.requires_grad,
        "eye_tall": _values(init.eye_(torch.empty(4, 2))),
        "constant": _values(init.constant_(torch.empty(2, 2, dtype=torch.float64), 0.3)),
        "ones": _values(init.ones_(torch.empty(3))),
        "zeros": _values(init.zeros_(torch.full((3,), 5.0))),
        "dirac3": _values(init.dirac_(torch.empty(4, 2, 3), groups=2)),
        "dirac4": _values(init.dirac_(torch.empty(2, 3, 3, 2))),
        "dirac5": _values(init.dirac_(torch.empty(3, 2, 1, 3, 3))),
    }
    errors = [
        lambda: init.calculate_gain("softmax"),
        lambda: init.calculate_gain("leaky_relu", "a"),
        lambda: init.xavier_uniform_(torch.empty(3)),
        lambda: init.kaiming_normal_(torch.empty(3, 4), mode="fan_avg"),
        lambda: init.eye_(torch.empty(2, 2, 2)),
        lambda: init.dirac_(torch.empty(2, 2)),
        lambda: init.dirac_(torch.empty(3, 2, 2), groups=2),
        lambda: init.orthogonal_(torch.empty(3)),
        lambda: init.sparse_(torch.empty(2, 2, 2), 0.5),
    ]
    out["errors"] = [_error(e) for e in errors]
    return out


# ---- optimizers ----------------------------------------------------------------------------------


OPTIMIZERS = {
    "rmsprop": ("RMSprop", dict(lr=0.01)),
    "rmsprop_all": ("RMSprop", dict(lr=0.02, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.8, centered=True)),
    "rmsprop_centered_max": ("RMSprop", dict(lr=0.01, centered=True, maximize=True)),
    "adagrad": ("Adagrad", dict(lr=0.1)),
    "adagrad_all": ("Adagrad", dict(lr=0.2, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3,
                                    eps=1e-5, maximize=True)),
    "adadelta": ("Adadelta", dict()),
    "adadelta_all": ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.2, maximize=True)),
    "adamax": ("Adamax", dict(lr=0.01)),
    "adamax_all": ("Adamax", dict(lr=0.02, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.1, maximize=True)),
    "nadam": ("NAdam", dict(lr=0.01)),
    "nadam_all": ("NAdam", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1, momentum_decay=0.01,
                                maximize=True)),
    "nadam_decoupled": ("NAdam", dict(lr=0.02, weight_decay=0.1, decoupled_weight_decay=True)),
    "radam": ("RAdam", dict(lr=0.01)),
    "radam_all": ("RAdam", dict(lr=0.02, betas=(0.5, 0.8), eps=1e-6, weight_decay=0.1, maximize=True)),
    "radam_decoupled": ("RAdam", dict(lr=0.02, betas=(0.5, 0.8), weight_decay=0.1, decoupled_weight_decay=True)),
}


def run_optimizer(torch, name, options, steps=8):
    """Parameters and state after each of `steps` steps on a fixed float64 problem whose
    gradients change with the parameters (and are zero for some entries on some steps)."""
    p = torch.tensor([[0.5, -1.0, 2.0], [0.25, 0.0, -0.75]], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([1.5, -2.0, 0.1, 3.0], dtype=torch.float64, requires_grad=True)
    target = torch.tensor([[1.0, 0.0, -1.0], [2.0, 0.5, 0.0]], dtype=torch.float64)
    opt = getattr(torch.optim, name)([{"params": [p]}, {"params": [q], "lr": options.get("lr", 1.0) * 0.5}],
                                     **options)
    history = []
    for step in range(steps):
        opt.zero_grad()
        loss = ((p - target) ** 2).sum() + (q.sin() * torch.tensor([1.0, -2.0, 0.5, 0.0], dtype=torch.float64)).sum()
        loss = loss + (p * q[:3]).sum() * (0.1 * step)
        loss.backward()
        opt.step()
        state = {}
        for i, t in enumerate([p, q]):
            state[str(i)] = {k: (_values(v) if hasattr(v, "reshape") else [float(v)])
                             for k, v in sorted(opt.state[t].items())}
        history.append({"p": _values(p), "q": _values(q), "state": state})
    sd = opt.state_dict()
    return {"history": history, "state_keys": {str(k): sorted(v) for k, v in sd["state"].items()},
            "step_dtype": str(sd["state"][0]["step"].dtype) if "step" in sd["state"][0] else None,
            "group_keys": sorted(sd["param_groups"][0])}


def _optimizer_case(name, options):
    def run_case(torch):
        return run_optimizer(torch, name, options)
    return run_case


for _key, (_name, _options) in OPTIMIZERS.items():
    CASES["optim_" + _key] = _optimizer_case(_name, _options)


@case
def optim_errors(torch):
    p = [torch.zeros(2, requires_grad=True)]
    o = torch.optim
    errors = [
        lambda: o.RMSprop(p, lr=-1), lambda: o.RMSprop(p, eps=-1), lambda: o.RMSprop(p, momentum=-1),
        lambda: o.RMSprop(p, weight_decay=-1), lambda: o.RMSprop(p, alpha=-1),
        lambda: o.Adagrad(p, lr=-1), lambda: o.Adagrad(p, lr_decay=-1), lambda: o.Adagrad(p, weight_decay=-1),
        lambda: o.Adagrad(p, initial_accumulator_value=-1), lambda: o.Adagrad(p, eps=-1),
        lambda: o.Adadelta(p, lr=-1), lambda: o.Adadelta(p, rho=1.5), lambda: o.Adadelta(p, eps=-1),
        lambda: o.Adadelta(p, weight_decay=-1),
        lambda: o.Adamax(p, lr=-1), lambda: o.Adamax(p, eps=-1), lambda: o.Adamax(p, betas=(1.0, 0.9)),
        lambda: o.Adamax(p, betas=(0.9, -0.1)), lambda: o.Adamax(p, weight_decay=-1),
        lambda: o.NAdam(p, lr=-1), lambda: o.NAdam(p, eps=-1), lambda: o.NAdam(p, betas=(1.0, 0.9)),
        lambda: o.NAdam(p, betas=(0.9, 1.0)), lambda: o.NAdam(p, weight_decay=-1), lambda: o.NAdam(p, momentum_decay=-1),
        lambda: o.RAdam(p, lr=-1), lambda: o.RAdam(p, eps=-1), lambda: o.RAdam(p, betas=(-0.1, 0.9)),
        lambda: o.RAdam(p, betas=(0.9, 1.5)), lambda: o.RAdam(p, weight_decay=-1),
    ]
    return [_error(e) for e in errors]


@case
def optim_reprs(torch):
    p = [torch.zeros(2, requires_grad=True)]
    o = torch.optim
    return {name: sorted(getattr(o, name)(p).param_groups[0]) for name in
            ["RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam"]}
