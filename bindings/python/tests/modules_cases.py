"""torch.nn's Module machinery and modules, written as ordinary PyTorch code against a `torch`
module passed in. Run under real PyTorch (`$TORCH_PYTHON bindings/python/tests/modules_cases.py`)
it writes PyTorch's results to tests/data/modules_reference.json; test_modules.py runs the same
cases on swiftgrad and compares (and, with TORCH_PYTHON set, re-runs them under PyTorch).

Each case returns a dict of results: a tensor (shape, dtype, values), a string (a repr, or an
error as "Kind: message"), a number, a bool, None, or a list of these. Weights are set from
fixed Python lists (never from a random generator, which the two libraries do not share), and
the numeric cases run in float64."""
import collections
import json
import pathlib
import sys


def _error(error):
    """An exception as "Kind: message", Kind the first of PyTorch's classes it is an instance of."""
    for kind in (NotImplementedError, AssertionError, KeyError, TypeError, IndexError, ValueError, AttributeError,
                 RuntimeError):
        if isinstance(error, kind):
            return f"{kind.__name__}: {error}"
    return f"{type(error).__name__}: {error}"


def _attempt(function):
    try:
        return function()
    except Exception as error:  # noqa: BLE001 - the error is the result
        return _error(error)


def _values(n, scale=10.0, modulus=11):
    """n fixed values in [-0.5, 0.5] (scaled), the same in both libraries."""
    return [((i * 7 + 3) % modulus - modulus // 2) / scale for i in range(n)]


def _tensor(torch, shape, scale=10.0, modulus=11, requires_grad=False):
    n = 1
    for s in shape:
        n *= s
    t = torch.tensor(_values(n, scale, modulus), dtype=torch.float64).reshape(shape)
    return t.requires_grad_(requires_grad)


def _fill(torch, module):
    """Sets every floating parameter of `module` to fixed values (in place, float64)."""
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_(_tensor(torch, tuple(p.shape), scale=8.0 + i, modulus=13))
    return module


# ---- printed module trees ------------------------------------------------------------------


def _tree(torch):
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Sequential(nn.Linear(4, 8), nn.GELU(approximate="tanh"), nn.Dropout(0.1))
            self.norm = nn.Identity()
            self.heads = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)] + [nn.ReLU(inplace=True), nn.ReLU()])

        def extra_repr(self):
            return "first line\nsecond line"

    class Bare(nn.Module):
        def forward(self, x):
            return x

    return Block, Bare


def reprs(torch):
    nn = torch.nn
    Block, Bare = _tree(torch)
    shared = nn.Linear(2, 2)
    out = {
        "block": repr(Block()),
        "bare": repr(Bare()),
        "ordered": repr(nn.Sequential(collections.OrderedDict([("fc", nn.Linear(3, 2, bias=False)),
                                                                ("act", nn.Tanh())]))),
        "shared": repr(nn.Sequential(shared, shared)),
        "empty_list": repr(nn.ModuleList()),
        "empty_sequential": repr(nn.Sequential()),
        "nested_repeats": repr(nn.ModuleList([nn.Sequential(nn.Linear(2, 2), nn.ReLU()) for _ in range(2)]
                                             + [nn.Sigmoid()] * 2 + [nn.Linear(2, 2)])),
        "module_dict": repr(nn.ModuleDict({"b": nn.ReLU(), "a": nn.Linear(1, 1)})),
        "parameter_list": repr(nn.ParameterList([nn.Parameter(torch.zeros(2, 3)), torch.ones(4, dtype=torch.float64),
                                                 "text"])),
        "parameter_dict": repr(nn.ParameterDict({"w": torch.zeros(2), "b": nn.Parameter(torch.ones(1, 2))})),
        "parameter_dict_one": repr(nn.ParameterDict({"w": torch.zeros(2)})),
        "embedding": repr(nn.Embedding(10, 3)),
        "embedding_options": repr(nn.Embedding(10, 3, padding_idx=-1, max_norm=1.5, norm_type=1.0,
                                               scale_grad_by_freq=True)),
        "bilinear": repr(nn.Bilinear(2, 3, 4, bias=False)),
        "unflatten": repr(nn.Unflatten(1, (2, 5))),
        "unflatten_list": repr(nn.Unflatten(-1, [3, 4])),
        "channel_shuffle": repr(nn.ChannelShuffle(2)),
        "lazy_linear": repr(nn.LazyLinear(7)),
        "flatten": repr(nn.Flatten(0, 2)),
        "pairwise": repr(nn.PairwiseDistance()),
        "cosine": repr(nn.CosineSimilarity()),
    }
    for name, module in ACTIVATIONS(torch).items():
        out["activation." + name] = repr(module)
    for name, (module, _) in LOSSES(torch).items():
        out["loss." + name] = repr(module)
    for cls in ("Dropout", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"):
        out["dropout." + cls] = repr(getattr(nn, cls)(0.25, inplace=cls == "Dropout2d"))
    return out


# ---- traversal and state dicts ---------------------------------------------------------------


def _net(torch):
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.shared = nn.Linear(2, 2)
            self.body = nn.Sequential(self.shared, nn.ReLU(), nn.Linear(2, 3, bias=False))
            self.again = self.shared
            self.register_buffer("steps", torch.zeros(1, dtype=torch.int64))
            self.register_buffer("scratch", torch.ones(2), persistent=False)
            self.register_buffer("empty", None)
            self.register_parameter("unused", None)
            self.scale = nn.Parameter(torch.ones(1))
            self.heads = nn.ModuleDict({"x": nn.Linear(3, 1), "y": nn.Linear(3, 1)})
            self.heads["x"].register_buffer("count", torch.zeros(2))

        def forward(self, x):
            return self.body(x) * self.scale

    return Net()


def traversal(torch):
    net = _net(torch)
    sd = net.state_dict()
    return {
        "state_dict_keys": list(sd),
        "state_dict_metadata": sorted(sd._metadata),
        "metadata_versions": [sd._metadata[k].get("version") for k in sorted(sd._metadata)],
        "keep_vars_requires_grad": [v.requires_grad for v in net.state_dict(keep_vars=True).values()],
        "detached_requires_grad": [v.requires_grad for v in sd.values()],
        "prefixed": list(net.state_dict(prefix="model.")),
        "named_modules": [name for name, _ in net.named_modules()],
        "named_modules_all": [name for name, _ in net.named_modules(remove_duplicate=False)],
        "named_modules_prefix": [name for name, _ in net.named_modules(prefix="root")],
        "modules_count": len(list(net.modules())),
        "named_children": [name for name, _ in net.named_children()],
        "named_parameters": [name for name, _ in net.named_parameters()],
        "named_parameters_all": [name for name, _ in net.named_parameters(remove_duplicate=False)],
        "named_parameters_prefix": [name for name, _ in net.named_parameters(prefix="p")],
        "named_parameters_local": [name for name, _ in net.named_parameters(recurse=False)],
        "parameters_count": len(list(net.parameters())),
        "named_buffers": [name for name, _ in net.named_buffers()],
        "buffers_local": len(list(net.buffers(recurse=False))),
        "get_submodule": type(net.get_submodule("body.2")).__name__,
        "get_submodule_self": net.get_submodule("") is net,
        "get_parameter": list(net.get_parameter("heads.x.bias").shape),
        "get_buffer": list(net.get_buffer("heads.x.count").shape),
        "get_submodule_missing": _attempt(lambda: net.get_submodule("body.7")),
        "get_submodule_not_module": _attempt(lambda: net.get_submodule("scale.x")),
        "get_parameter_missing": _attempt(lambda: net.get_parameter("body.0.gamma")),
        "get_parameter_not_parameter": _attempt(lambda: net.get_parameter("steps")),
        "get_buffer_not_buffer": _attempt(lambda: net.get_buffer("scale")),
        "dir_has_members": all(k in dir(net) for k in ("shared", "steps", "scale", "forward")),
        "dir_sequential_no_digits": any(k.isdigit() for k in dir(net.body)),
        "apply_order": _apply_order(torch, net),
    }


def _apply_order(torch, net):
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    return seen


def _load_errors(torch):
    nn = torch.nn
    net = _net(torch)
    out = {}
    sd = net.state_dict()
    out["round_trip"] = repr(_net(torch).load_state_dict(sd))
    broken = dict(sd)
    del broken["scale"], broken["body.2.weight"]
    broken["extra"] = torch.ones(1)
    broken["heads.z.weight"] = torch.ones(1)
    broken["body.0.bias"] = torch.ones(3)
    broken["shared.weight"] = 1.5
    out["strict"] = _attempt(lambda: _net(torch).load_state_dict(broken))
    lenient = dict(sd)
    del lenient["scale"]
    lenient["extra"] = torch.ones(1)
    result = _net(torch).load_state_dict(lenient, strict=False)
    out["lenient"] = [result.missing_keys, result.unexpected_keys, repr(result)]
    out["not_mapping"] = _attempt(lambda: _net(torch).load_state_dict([1, 2]))
    target = nn.Linear(2, 2)
    source = {"weight": torch.ones(2, 2, dtype=torch.float64), "bias": torch.zeros(2, dtype=torch.float64)}
    target.load_state_dict(source, assign=True)
    out["assign"] = [str(target.weight.dtype), type(target.weight).__name__, target.weight.requires_grad,
                     target.weight.data_ptr() == source["weight"].data_ptr()]
    copied = nn.Linear(2, 2)
    copied.load_state_dict(source)
    out["copy"] = [str(copied.weight.dtype), copied.weight.tolist()]
    scalar = _net(torch)
    old = dict(scalar.state_dict())
    old["scale"] = torch.tensor([2.0])  # 1-element vector into a [1] parameter: same shape
    scalar.load_state_dict(old)
    out["scale_loaded"] = scalar.scale.tolist()

    class Extra(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(1, 1)
            self.note = "x"

        def get_extra_state(self):
            return {"note": self.note}

        def set_extra_state(self, state):
            self.note = state["note"]

    e = Extra()
    e.note = "saved"
    state = e.state_dict()
    out["extra_state_keys"] = list(state)
    fresh = Extra()
    fresh.load_state_dict(state)
    out["extra_state_loaded"] = fresh.note
    return out


def loading(torch):
    return _load_errors(torch)


def state_hooks(torch):
    """state_dict and load_state_dict hooks, set_submodule, to_empty, register_module."""
    nn = torch.nn
    out = {}
    log = []
    net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    net.register_state_dict_pre_hook(lambda m, prefix, keep_vars: log.append(["pre", prefix, keep_vars]))
    net[0].register_state_dict_pre_hook(lambda m, prefix, keep_vars: log.append(["inner pre", prefix]))

    def post(module, state_dict, prefix, local_metadata):
        log.append(["post", prefix, sorted(state_dict), sorted(local_metadata.items())])
        state_dict[prefix + "added"] = torch.zeros(1)

    net.register_state_dict_post_hook(post)
    sd = net.state_dict(prefix="m.")
    out["state_dict_hooks"] = [log, list(sd)]
    returning = nn.Linear(1, 1)
    returning.register_state_dict_post_hook(lambda *a: {})
    out["post_hook_returns"] = _attempt(returning.state_dict)
    loads = []
    target = nn.Sequential(nn.Linear(2, 2))
    target.register_load_state_dict_pre_hook(
        lambda m, sd, prefix, meta, strict, missing, unexpected, errors: loads.append(["pre", prefix, sorted(sd)]))

    def post_load(module, keys):
        loads.append(["post", list(keys.missing_keys), list(keys.unexpected_keys)])
        keys.unexpected_keys.clear()

    target.register_load_state_dict_post_hook(post_load)
    result = target.load_state_dict({"0.weight": torch.ones(2, 2), "0.bias": torch.ones(2), "junk": torch.ones(1)})
    out["load_hooks"] = [loads, repr(result)]
    s = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU()))
    s.set_submodule("1.0", nn.Tanh())
    s.set_submodule("2", nn.Sigmoid())
    out["set_submodule"] = repr(s)
    out["set_submodule_errors"] = [_attempt(lambda: s.set_submodule("", nn.ReLU())),
                                   _attempt(lambda: s.set_submodule("1.5", nn.ReLU(), strict=True)),
                                   _attempt(lambda: s.set_submodule("0.weight", nn.ReLU())),
                                   _attempt(lambda: s.set_submodule("0", 3))]
    e = nn.Linear(3, 2).double().to_empty(device="cpu")
    out["to_empty"] = [[list(p.shape) for p in e.parameters()], [str(p.dtype) for p in e.parameters()]]
    r = nn.Module()
    r.register_module("child", nn.ReLU())
    out["register_module"] = repr(r)
    shared = nn.ReLU()
    out["modules_with_duplicates"] = len(list(nn.Sequential(shared, shared).modules(remove_duplicate=False)))
    return out


# ---- attribute rules and registration errors ---------------------------------------------------


def attributes(torch):
    nn = torch.nn
    out = {}
    m = nn.Linear(2, 2)
    out["assign_tensor_to_parameter"] = _attempt(lambda: setattr(m, "weight", torch.ones(2, 2)))
    out["assign_int_to_parameter"] = _attempt(lambda: setattr(m, "bias", 3))
    m.bias = None
    out["bias_none"] = [m.bias is None, list(m.state_dict())]
    s = nn.Sequential(nn.ReLU())
    out["assign_to_child"] = _attempt(lambda: setattr(s, "0", 5))
    b = nn.Module()
    b.register_buffer("buf", torch.zeros(1))
    out["assign_to_buffer"] = _attempt(lambda: setattr(b, "buf", [1]))
    b.buf = torch.ones(3)
    out["buffer_replaced"] = [list(b.buf.shape), list(b.state_dict())]
    b.register_buffer("hidden", torch.ones(1), persistent=False)
    b.hidden = torch.zeros(2)
    out["non_persistent_stays"] = list(b.state_dict())
    b.p = nn.Parameter(torch.ones(1))
    b.p = nn.Parameter(torch.zeros(2))
    b.child = nn.ReLU()
    out["registered"] = [list(b._parameters), list(b._modules), list(b._buffers)]
    b.child = nn.Parameter(torch.ones(1))  # a parameter replaces the child of the same name
    out["parameter_replaces_child"] = [list(b._parameters), list(b._modules)]
    del b.child
    out["deleted"] = [list(b._parameters), hasattr(b, "child")]
    b.plain = 5
    b.plain = nn.Identity()  # a module replaces a plain attribute
    out["module_replaces_plain"] = [list(b._modules), "plain" in b.__dict__]
    b.buffer_obj = nn.Buffer(torch.ones(2), persistent=False)
    out["buffer_object"] = [list(b._buffers), list(b.state_dict())]
    out["missing_attribute"] = _attempt(lambda: b.nothing)
    out["register_parameter_tensor"] = _attempt(lambda: b.register_parameter("q", torch.ones(1)))
    out["register_parameter_dot"] = _attempt(lambda: b.register_parameter("a.b", None))
    out["register_parameter_empty"] = _attempt(lambda: b.register_parameter("", None))
    out["register_parameter_exists"] = _attempt(lambda: b.register_parameter("plain", None))
    out["register_parameter_int_name"] = _attempt(lambda: b.register_parameter(3, None))
    out["register_parameter_non_leaf"] = _attempt(
        lambda: b.register_parameter("nl", nn.Parameter(torch.ones(1)) * 2))
    out["register_buffer_exists"] = _attempt(lambda: b.register_buffer("p", torch.ones(1)))
    out["register_buffer_not_tensor"] = _attempt(lambda: b.register_buffer("bb", 3))
    out["register_buffer_dot"] = _attempt(lambda: b.register_buffer("a.b", None))
    out["add_module_not_module"] = _attempt(lambda: b.add_module("mm", 3))
    out["add_module_dot"] = _attempt(lambda: b.add_module("a.b", None))
    out["add_module_empty"] = _attempt(lambda: b.add_module("", None))
    out["add_module_exists"] = _attempt(lambda: b.add_module("p", nn.ReLU()))

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(torch.ones(1))

    class EarlyModule(nn.Module):
        def __init__(self):
            self.m = nn.ReLU()

    out["before_init_parameter"] = _attempt(Early)
    out["before_init_module"] = _attempt(EarlyModule)
    out["forward_missing"] = _attempt(lambda: nn.Module()(1))
    out["train_not_bool"] = _attempt(lambda: nn.Module().train(1))
    out["init_kwargs"] = _attempt(lambda: nn.Module(foo=1))
    out["init_args"] = _attempt(lambda: nn.Module(1))
    return out


# ---- modes, conversions, gradients -------------------------------------------------------------


def modes(torch):
    nn = torch.nn
    net = _net(torch)
    out = {}
    net.eval()
    out["eval"] = [m.training for m in net.modules()]
    net.train()
    out["train"] = [m.training for m in net.modules()]
    net.body.train(False)
    out["partial"] = [m.training for m in net.modules()]
    w = net.shared.weight
    net.double()
    out["double"] = [str(p.dtype) for p in net.parameters()] + [str(b.dtype) for b in net.buffers()]
    out["same_object"] = net.shared.weight is w
    net.float()
    out["float"] = [str(p.dtype) for p in net.parameters()]
    net.to(torch.float64)
    out["to_dtype"] = [str(p.dtype) for p in net.parameters()] + [str(b.dtype) for b in net.buffers()]
    net.to(torch.zeros(1, dtype=torch.float32))
    out["to_tensor"] = [str(p.dtype) for p in net.parameters()]
    out["to_int"] = _attempt(lambda: net.to(torch.int64))
    out["half"] = [str(p.dtype) for p in nn.Linear(1, 1).half().parameters()]
    out["bfloat16"] = [str(p.dtype) for p in nn.Linear(1, 1).bfloat16().parameters()]
    out["cpu"] = nn.Linear(1, 1).cpu().weight.dtype == torch.float32
    out["to_cuda_empty"] = type(_attempt(lambda: nn.ReLU().to("cuda"))).__name__
    out["type"] = [str(p.dtype) for p in nn.Linear(1, 1).type(torch.float64).parameters()]
    lin = _fill(torch, nn.Linear(3, 2).double())
    x = _tensor(torch, (4, 3))
    lin(x).sum().backward()
    grads = [p.grad.clone() for p in lin.parameters()]
    lin.double()  # the gradient stays
    out["grad_kept"] = [p.grad is not None for p in lin.parameters()]
    lin.zero_grad(set_to_none=False)
    out["zero_grad_zeros"] = [p.grad for p in lin.parameters()]
    lin(x).sum().backward()
    out["grads"] = grads
    lin.zero_grad()
    out["zero_grad_none"] = [p.grad is None for p in lin.parameters()]
    lin.requires_grad_(False)
    out["requires_grad_off"] = [p.requires_grad for p in lin.parameters()]
    out["share_memory"] = lin.share_memory() is lin
    return out


# ---- hooks -----------------------------------------------------------------------------------


def hooks(torch):
    nn = torch.nn
    out = {}
    log = []
    outer = _fill(torch, nn.Sequential(nn.Linear(3, 3), nn.Tanh())).double()
    inner = outer[0]
    inner.register_forward_pre_hook(lambda m, args: log.append("inner pre"))
    outer.register_forward_pre_hook(lambda m, args: log.append("outer pre"))
    outer.register_forward_pre_hook(lambda m, args: log.append("outer pre first"), prepend=True)
    inner.register_forward_hook(lambda m, args, output: log.append("inner post"))
    h = outer.register_forward_hook(lambda m, args, output: log.append("outer post"))
    outer.register_forward_hook(lambda m, args, output: log.append("outer post first"), prepend=True)
    x = _tensor(torch, (2, 3))
    outer(x)
    h.remove()
    outer(x)
    out["order"] = log

    doubled = _fill(torch, nn.Linear(3, 1)).double()
    doubled.register_forward_pre_hook(lambda m, args: args[0] * 2)  # a non-tuple is wrapped
    out["pre_hook_replaces_input"] = [doubled(x), _fill(torch, nn.Linear(3, 1)).double()(x * 2)]
    plus = nn.Identity()
    plus.register_forward_hook(lambda m, args, output: output + 1)
    out["hook_replaces_output"] = plus(x)

    kw = []

    class Scaled(nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale

    s = Scaled()
    s.register_forward_pre_hook(lambda m, args, kwargs: (args, {"scale": 3.0}), with_kwargs=True)
    s.register_forward_hook(lambda m, args, kwargs, output: kw.append(sorted(kwargs.items())), with_kwargs=True)
    out["with_kwargs"] = [s(x, scale=2.0), kw]
    bad = Scaled()
    bad.register_forward_pre_hook(lambda m, args, kwargs: 5, with_kwargs=True)
    out["with_kwargs_bad_return"] = _attempt(lambda: bad(x))

    class Failing(nn.Module):
        def forward(self, x):
            raise ValueError("forward failed")

    calls = []
    f = Failing()
    f.register_forward_hook(lambda m, args, output: calls.append(("always", output)), always_call=True)
    f.register_forward_hook(lambda m, args, output: calls.append("normal"))
    out["always_call"] = [_attempt(lambda: f(x)), calls]

    # handles: remove() is idempotent, a handle is a context manager
    cm = nn.Identity()
    seen = []
    with cm.register_forward_hook(lambda m, a, o: seen.append(1)) as handle:
        cm(x)
    cm(x)
    handle.remove()
    out["context_manager"] = seen

    # full backward hooks and pre-hooks
    order = []
    lin = _fill(torch, nn.Linear(3, 2)).double()
    xi = _tensor(torch, (4, 3), requires_grad=True)
    lin.register_full_backward_pre_hook(lambda m, go: order.append(("pre", [list(g.shape) for g in go])))
    lin.register_full_backward_hook(
        lambda m, gi, go: order.append(("full", [None if g is None else list(g.shape) for g in gi],
                                        [list(g.shape) for g in go])))
    lin.register_full_backward_hook(lambda m, gi, go: order.append("full first"), prepend=True)
    y = lin(xi)
    (y * _tensor(torch, (4, 2))).sum().backward()
    out["backward_order"] = order
    out["backward_input_grad"] = xi.grad

    scaled = _fill(torch, nn.Linear(3, 2)).double()
    xs = _tensor(torch, (4, 3), requires_grad=True)
    scaled.register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,))
    scaled(xs).sum().backward()
    out["backward_hook_replaces_grad_input"] = xs.grad
    pre = _fill(torch, nn.Linear(3, 2)).double()
    xp = _tensor(torch, (4, 3), requires_grad=True)
    pre.register_full_backward_pre_hook(lambda m, go: (go[0] * 0 + 1,))
    (pre(xp) * 5).sum().backward()
    out["backward_pre_hook_replaces_grad_output"] = [xp.grad, pre.weight.grad]

    no_input_grad = []
    frozen = _fill(torch, nn.Linear(3, 2)).double()
    frozen.register_full_backward_hook(lambda m, gi, go: no_input_grad.append([gi, [list(g.shape) for g in go]]))
    frozen(_tensor(torch, (4, 3))).sum().backward()
    out["backward_no_input_grad"] = no_input_grad
    out["backward_two_inputs"] = _two_inputs(torch, lambda u, v: u.sum() * 2 + v.sum())
    return out


def _two_inputs(torch, loss):
    """A module of a tensor that requires grad, a number and a tensor that does not, with two
    outputs: what its backward hooks see."""
    nn = torch.nn

    class Two(nn.Module):
        def forward(self, a, k, b):
            return a * b * k, a + b

    def listed(grads):
        return [None if g is None else g.tolist() for g in grads]

    m = Two()
    log = []
    m.register_full_backward_pre_hook(lambda mod, go: log.append(["pre", listed(go)]))
    m.register_full_backward_hook(lambda mod, gi, go: log.append(["full", listed(gi), listed(go)]))
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    u, v = m(a, 2.0, torch.tensor([3.0, 4.0]))
    loss(u, v).backward()
    return [log, a.grad]


def unused_output_gradient(torch):
    """An output the loss does not use: PyTorch's hooks see None for its gradient."""
    return {"hooks": _two_inputs(torch, lambda u, v: u.sum())}


# ---- containers ------------------------------------------------------------------------------


def containers(torch):
    nn = torch.nn
    out = {}
    a, b, c = nn.Linear(1, 1), nn.ReLU(), nn.Tanh()
    s = nn.Sequential(a, b, c)
    out["seq_index"] = [type(s[0]).__name__, type(s[-1]).__name__, repr(s[1:])]
    out["seq_index_error"] = _attempt(lambda: s[3])
    s.append(nn.Sigmoid())
    s.insert(1, nn.Identity())
    s.insert(-1, nn.GELU())
    out["seq_after_insert"] = repr(s)
    out["seq_insert_error"] = _attempt(lambda: s.insert(9, nn.ReLU()))
    out["seq_insert_not_module"] = _attempt(lambda: s.insert(0, 3))
    popped = s.pop(1)
    out["seq_pop"] = [type(popped).__name__, list(s._modules)]
    del s[::2]
    out["seq_del_slice"] = repr(s)
    s[0] = nn.SiLU()
    out["seq_setitem"] = repr(s)
    s.extend([nn.ReLU6()])
    out["seq_extend"] = list(s._modules)
    t = nn.Sequential(nn.ReLU(), nn.Tanh())
    out["seq_add"] = repr(t + nn.Sequential(nn.Sigmoid()))
    out["seq_add_error"] = _attempt(lambda: t + nn.ReLU())
    out["seq_mul"] = repr(t * 2)
    out["seq_rmul"] = list((2 * t)._modules)
    out["seq_mul_error"] = _attempt(lambda: t * 0)
    out["seq_mul_type_error"] = _attempt(lambda: t * 1.5)
    u = nn.Sequential(nn.ReLU())
    u *= 3
    out["seq_imul"] = list(u._modules)
    u += nn.Sequential(nn.Tanh())
    out["seq_iadd"] = repr(u)
    od = nn.Sequential(collections.OrderedDict([("first", nn.ReLU()), ("second", nn.Tanh())]))
    out["seq_ordered_slice"] = repr(od[1:])
    out["seq_forward"] = _fill(torch, nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))).double()(
        _tensor(torch, (3, 2)))

    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    ml.append(nn.Sigmoid())
    ml.extend([nn.ReLU()])
    ml.insert(1, nn.Identity())
    out["ml"] = repr(ml)
    out["ml_slice"] = repr(ml[1:3])
    out["ml_index_error"] = _attempt(lambda: ml[10])
    out["ml_extend_error"] = _attempt(lambda: ml.extend(3))
    del ml[0]
    out["ml_del"] = list(ml._modules)
    out["ml_pop"] = type(ml.pop(-1)).__name__
    out["ml_add"] = repr(ml + nn.ModuleList([nn.GELU()]))
    ml[0] = nn.ELU()
    out["ml_setitem"] = repr(ml)

    md = nn.ModuleDict([("z", nn.ReLU()), ("a", nn.Tanh())])
    md.update({"m": nn.Sigmoid()})
    md["b"] = nn.Identity()
    out["md_keys"] = list(md.keys())
    out["md_contains"] = ["z" in md, "q" in md]
    out["md_pop"] = type(md.pop("z")).__name__
    out["md_len"] = len(md)
    out["md_update_error"] = _attempt(lambda: md.update(3))
    out["md_update_pair_error"] = _attempt(lambda: md.update([("a", nn.ReLU(), 3)]))
    md.clear()
    out["md_clear"] = len(md)

    pl = nn.ParameterList([torch.ones(2), nn.Parameter(torch.zeros(1))])
    pl.append(torch.ones(3))
    out["pl"] = [len(pl), [type(p).__name__ for p in pl], list(dict(pl.named_parameters()))]
    out["pl_call"] = _attempt(lambda: pl(1))
    out["pl_extend_error"] = _attempt(lambda: pl.extend(torch.ones(2)))
    out["pl_slice"] = repr(pl[1:])
    pd = nn.ParameterDict({"z": torch.ones(1), "a": torch.zeros(2)})
    pd.update([("m", torch.ones(3))])
    out["pd_keys"] = list(pd.keys())
    out["pd_get"] = [pd.get("q") is None, type(pd["a"]).__name__]
    out["pd_key_error"] = _attempt(lambda: pd[3])
    out["pd_popitem"] = pd.popitem()[0]
    out["pd_or"] = list((pd | nn.ParameterDict({"n": torch.ones(1)})).keys())
    out["pd_call"] = _attempt(lambda: pd(1))
    out["pd_named_parameters"] = [name for name, _ in pd.named_parameters()]
    out["pd_setdefault"] = list(pd.setdefault("k", torch.ones(2)).shape)
    return out


# ---- lazy modules ------------------------------------------------------------------------------


def lazy(torch):
    nn = torch.nn
    out = {}
    m = nn.LazyLinear(3).double()
    out["before"] = [repr(m), m.has_uninitialized_params(), type(m.weight).__name__, repr(m.weight)]
    out["state_dict_before"] = [(k, repr(v)) for k, v in m.state_dict().items()]
    out["shape_error"] = _attempt(lambda: m.weight.shape)
    out["is_lazy"] = [nn.parameter.is_lazy(m.weight), nn.parameter.is_lazy(nn.Parameter(torch.ones(1)))]
    x = _tensor(torch, (2, 5))
    y = m(x)
    out["after"] = [repr(m), type(m).__name__, type(m.weight).__name__, list(m.weight.shape), str(m.weight.dtype),
                    list(y.shape), m.weight.requires_grad, m.weight.is_leaf]
    out["hooks_removed"] = [len(m._forward_pre_hooks), len(m._load_state_dict_pre_hooks)]
    out["no_bias"] = repr(nn.LazyLinear(2, bias=False))
    # an initialized state dict loads into an uninitialized module, which takes its shapes
    source = _fill(torch, nn.Linear(4, 3)).double()
    target = nn.LazyLinear(3)
    target.load_state_dict(source.state_dict())
    out["loaded"] = [type(target).__name__, type(target.weight).__name__, list(target.weight.shape),
                     target.weight.tolist(), target.has_uninitialized_params()]
    after_load = target(_tensor(torch, (2, 4)).float())
    out["loaded_forward"] = [type(target).__name__, target.in_features, list(after_load.shape)]
    # an uninitialized state dict loaded into an uninitialized module leaves it so
    u = nn.LazyLinear(2)
    u.load_state_dict(nn.LazyLinear(2).state_dict())
    out["lazy_into_lazy"] = u.has_uninitialized_params()
    # the Sequential of D2L's builders' guide
    net = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    out["d2l_before"] = repr(net)
    net(_tensor(torch, (2, 20)).float())
    out["d2l_after"] = [repr(net), [list(p.shape) for p in net.parameters()]]
    up = nn.UninitializedParameter()
    out["uninitialized_parameter"] = [repr(up), up.requires_grad, isinstance(up, nn.Parameter)]
    ub = nn.UninitializedBuffer()
    out["uninitialized_buffer"] = [repr(ub), ub.requires_grad]
    up.materialize((2, 3))
    out["materialized"] = [type(up).__name__, list(up.shape), str(up.dtype), up.requires_grad]
    return out


# ---- activation and loss modules: outputs and gradients ---------------------------------------

INPUT = [-25.0, -3.0, -1.5, -0.75, -0.25, 0.1, 0.3, 0.6, 1.2, 2.5, 4.0, 30.0]


def ACTIVATIONS(torch):  # noqa: N802 - a table
    nn = torch.nn
    return {
        "GELU": nn.GELU(), "GELU_tanh": nn.GELU(approximate="tanh"), "SiLU": nn.SiLU(), "Mish": nn.Mish(),
        "Softplus": nn.Softplus(), "Softplus_beta": nn.Softplus(beta=2.0, threshold=3.0), "ELU": nn.ELU(),
        "ELU_alpha": nn.ELU(alpha=0.5), "SELU": nn.SELU(), "CELU": nn.CELU(alpha=2.0), "LeakyReLU": nn.LeakyReLU(),
        "LeakyReLU_slope": nn.LeakyReLU(0.2, inplace=True), "PReLU": nn.PReLU(), "ReLU6": nn.ReLU6(),
        "ReLU": nn.ReLU(), "Hardtanh": nn.Hardtanh(-2.0, 1.5), "Hardsigmoid": nn.Hardsigmoid(),
        "Hardswish": nn.Hardswish(), "LogSigmoid": nn.LogSigmoid(), "Softsign": nn.Softsign(),
        "Tanhshrink": nn.Tanhshrink(), "Threshold": nn.Threshold(0.2, -1.0), "Hardshrink": nn.Hardshrink(),
        "Softshrink": nn.Softshrink(0.7), "GLU": nn.GLU(), "GLU_0": nn.GLU(0), "Softmin": nn.Softmin(dim=1),
        "Softmax": nn.Softmax(dim=0), "LogSoftmax": nn.LogSoftmax(dim=1), "Sigmoid": nn.Sigmoid(), "Tanh": nn.Tanh(),
        "Softmax2d": nn.Softmax2d(), "SiLU_inplace": nn.SiLU(inplace=True), "ELU_inplace": nn.ELU(inplace=True),
        "Mish_inplace": nn.Mish(inplace=True), "Hardswish_inplace": nn.Hardswish(inplace=True),
        "Hardtanh_inplace": nn.Hardtanh(inplace=True), "ReLU6_inplace": nn.ReLU6(inplace=True),
        "ReLU_inplace": nn.ReLU(inplace=True), "CELU_inplace": nn.CELU(inplace=True),
        "SELU_inplace": nn.SELU(inplace=True), "Threshold_inplace": nn.Threshold(0.1, 20, inplace=True),
        "RReLU": nn.RReLU(0.1, 0.3), "PReLU_4": nn.PReLU(4, init=0.1),
    }


def _activation_result(torch, name, module, gradients):
    module = module.double()
    if name == "RReLU":
        module.eval()  # deterministic: the mean slope
    shape = {"Softmax2d": (3, 2, 2), "GLU_0": (4, 3)}.get(name, (3, 4))
    x = torch.tensor(INPUT, dtype=torch.float64).reshape(shape).requires_grad_(gradients)
    source = x * 1.0  # in place needs a non-leaf
    y = module(source)
    result = [y.detach(), y is source]
    if gradients:
        weight = _tensor(torch, tuple(y.shape), scale=3.0)
        (y * weight).sum().backward()
        result += [x.grad] + [p.grad for p in module.parameters()]
    return result


def activations(torch):
    """Each activation module's output on INPUT and, out of place, its input's and parameters'
    gradients; in place, whether the result is the input tensor itself."""
    out = {}
    for name, module in ACTIVATIONS(torch).items():
        out[name] = _activation_result(torch, name, module, not getattr(module, "inplace", False))
    return out


def inplace_gradients(torch):
    """The gradients through the in-place activation modules (F's inplace=True forms)."""
    return {name: _activation_result(torch, name, module, True)
            for name, module in ACTIVATIONS(torch).items() if getattr(module, "inplace", False)}


def LOSSES(torch):  # noqa: N802 - a table: name -> (module, the inputs as (shape or tensor factory)...)
    nn = torch.nn
    f64 = torch.float64

    def probs(shape):
        return lambda: _tensor(torch, shape).abs() + 0.1

    def logits(shape):
        return lambda: _tensor(torch, shape, scale=3.0)

    def targets(values):
        return lambda: torch.tensor(values)

    def floats(values):
        return lambda: torch.tensor(values, dtype=f64)

    signs = floats([1.0, -1.0, 1.0, -1.0])
    weight = torch.tensor([0.5, 2.0, 1.0], dtype=f64)
    return {
        "L1Loss": (nn.L1Loss(), [logits((4, 3)), probs((4, 3))]),
        "MSELoss": (nn.MSELoss(reduction="sum"), [logits((4, 3)), probs((4, 3))]),
        "SmoothL1Loss": (nn.SmoothL1Loss(beta=0.5), [logits((4, 3)), probs((4, 3))]),
        "SmoothL1Loss_none": (nn.SmoothL1Loss(reduction="none"), [logits((4, 3)), probs((4, 3))]),
        "HuberLoss": (nn.HuberLoss(delta=0.3), [logits((4, 3)), probs((4, 3))]),
        "KLDivLoss": (nn.KLDivLoss(reduction="batchmean"), [logits((4, 3)), probs((4, 3))]),
        "KLDivLoss_log_target": (nn.KLDivLoss(reduction="sum", log_target=True), [logits((4, 3)), logits((4, 3))]),
        "PoissonNLLLoss": (nn.PoissonNLLLoss(), [logits((4, 3)), probs((4, 3))]),
        "PoissonNLLLoss_full": (nn.PoissonNLLLoss(log_input=False, full=True), [probs((4, 3)), floats(
            [[0.0, 2.0, 3.0]] * 4)]),
        "GaussianNLLLoss": (nn.GaussianNLLLoss(), [logits((4, 3)), probs((4, 3)), probs((4, 3))]),
        "GaussianNLLLoss_full": (nn.GaussianNLLLoss(full=True, reduction="sum"), [logits((4, 3)), probs((4, 3)),
                                                                                 probs((4, 1))]),
        "MarginRankingLoss": (nn.MarginRankingLoss(margin=0.1), [logits((4,)), probs((4,)), signs]),
        "HingeEmbeddingLoss": (nn.HingeEmbeddingLoss(margin=0.5), [logits((4,)), signs]),
        "CosineEmbeddingLoss": (nn.CosineEmbeddingLoss(margin=0.2), [logits((4, 3)), probs((4, 3)), signs]),
        "TripletMarginLoss": (nn.TripletMarginLoss(margin=0.5, p=1.0, swap=True),
                              [logits((4, 3)), probs((4, 3)), lambda: _tensor(torch, (4, 3), 5.0)]),
        "TripletMarginWithDistanceLoss": (nn.TripletMarginWithDistanceLoss(margin=0.4),
                                          [logits((4, 3)), probs((4, 3)), lambda: _tensor(torch, (4, 3), 5.0)]),
        "TripletMarginWithDistanceLoss_fn": (nn.TripletMarginWithDistanceLoss(
            distance_function=nn.CosineSimilarity(), swap=True), [logits((4, 3)), probs((4, 3)),
                                                                  lambda: _tensor(torch, (4, 3), 5.0)]),
        "MultiLabelSoftMarginLoss": (nn.MultiLabelSoftMarginLoss(weight=weight),
                                     [logits((4, 3)), floats([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]] * 2)]),
        "MultiLabelMarginLoss": (nn.MultiLabelMarginLoss(), [logits((4, 3)), targets([[2, -1, 0], [0, 1, -1]] * 2)]),
        "MultiMarginLoss": (nn.MultiMarginLoss(), [logits((4, 3)), targets([0, 2, 1, 2])]),
        "MultiMarginLoss_p2": (nn.MultiMarginLoss(p=2, margin=0.5, weight=weight), [logits((4, 3)),
                                                                                    targets([0, 2, 1, 2])]),
        "SoftMarginLoss": (nn.SoftMarginLoss(), [logits((4,)), signs]),
        "BCELoss": (nn.BCELoss(weight=weight), [lambda: _tensor(torch, (4, 3)).abs() + 0.2, probs((4, 3))]),
        "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss(), [logits((4, 3)), lambda: _tensor(torch, (4, 3)).abs()]),
        "BCEWithLogitsLoss_weights": (nn.BCEWithLogitsLoss(weight=weight, pos_weight=weight * 2),
                                      [logits((4, 3)), lambda: _tensor(torch, (4, 3)).abs()]),
        "CrossEntropyLoss": (nn.CrossEntropyLoss(), [logits((4, 3)), targets([0, 2, 1, 2])]),
        "CrossEntropyLoss_options": (nn.CrossEntropyLoss(weight=weight, ignore_index=1, label_smoothing=0.2),
                                     [logits((4, 3)), targets([0, 2, 1, 2])]),
        "CrossEntropyLoss_probabilities": (nn.CrossEntropyLoss(label_smoothing=0.1), [logits((4, 3)), floats(
            [[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]] * 2)]),
        "NLLLoss": (nn.NLLLoss(weight=weight, ignore_index=2), [logits((4, 3)), targets([0, 2, 1, 1])]),
        "NLLLoss_none": (nn.NLLLoss(reduction="none"), [logits((4, 3)), targets([0, 2, 1, 1])]),
        "L1Loss_legacy": (nn.L1Loss(size_average=False), [logits((4, 3)), probs((4, 3))]),
    }


def losses(torch):
    out = {}
    for name, (module, factories) in LOSSES(torch).items():
        inputs = [make() for make in factories]
        # the inputs, not the target (the last argument), except where every argument is an input
        every = name.startswith(("Triplet", "GaussianNLL"))
        differentiable = [t for i, t in enumerate(inputs) if t.is_floating_point() and (every or i < len(inputs) - 1)]
        for t in differentiable:
            t.requires_grad_(True)
        loss = module.double()(*inputs)
        loss.sum().backward() if loss.dim() else loss.backward()
        out[name] = [loss.detach(), module.reduction] + [t.grad for t in differentiable]
    out["buffers"] = [list(LOSSES(torch)["CrossEntropyLoss_options"][0].state_dict()),
                      list(LOSSES(torch)["BCEWithLogitsLoss_weights"][0].state_dict())]
    nn = torch.nn
    out["errors"] = [_attempt(lambda: nn.MultiMarginLoss(p=3)), _attempt(lambda: nn.TripletMarginLoss(margin=0)),
                     _attempt(lambda: nn.TripletMarginWithDistanceLoss(margin=-1)),
                     _attempt(lambda: nn.HuberLoss(delta="1")),
                     _attempt(lambda: nn.MultiMarginLoss(weight=torch.ones(2, 2)))]
    return out


# ---- the other modules ------------------------------------------------------------------------


def layers(torch):
    nn = torch.nn
    out = {}
    emb = _fill(torch, nn.Embedding(6, 3, padding_idx=1)).double()
    with torch.no_grad():
        emb.weight[1].fill_(0)
    idx = torch.tensor([[0, 1, 5], [1, 3, 0]])
    y = emb(idx)
    (y * _tensor(torch, (2, 3, 3))).sum().backward()
    out["embedding"] = [y.detach(), emb.weight.grad]
    fresh = nn.Embedding(5, 2, padding_idx=-2)
    out["embedding_padding_row"] = [fresh.padding_idx, fresh.weight[3].tolist(), fresh.weight.requires_grad]
    renorm = _fill(torch, nn.Embedding(6, 3, max_norm=0.3)).double()
    with torch.no_grad():
        renorm.weight.mul_(3)
    renorm(torch.tensor([0, 2, 2]))
    out["embedding_max_norm"] = renorm.weight.detach()
    table = _tensor(torch, (4, 2))
    pre = nn.Embedding.from_pretrained(table)
    out["from_pretrained"] = [repr(pre), pre.weight.requires_grad, pre(torch.tensor([3, 0])),
                              nn.Embedding.from_pretrained(table, freeze=False, padding_idx=0).weight.requires_grad]
    out["from_pretrained_error"] = _attempt(lambda: nn.Embedding.from_pretrained(torch.ones(3)))
    out["embedding_padding_error"] = _attempt(lambda: nn.Embedding(3, 2, padding_idx=3))
    out["embedding_weight_error"] = _attempt(lambda: nn.Embedding(3, 2, _weight=torch.ones(2, 2)))

    bil = _fill(torch, nn.Bilinear(2, 3, 2)).double()
    x1 = _tensor(torch, (4, 2), requires_grad=True)
    x2 = _tensor(torch, (4, 3), scale=4.0, requires_grad=True)
    z = bil(x1, x2)
    (z * _tensor(torch, (4, 2))).sum().backward()
    out["bilinear"] = [z.detach(), x1.grad, x2.grad, bil.weight.grad, bil.bias.grad]
    out["bilinear_error"] = _attempt(lambda: nn.Bilinear(0, 2, 2))
    out["bilinear_shapes"] = [list(p.shape) for p in nn.Bilinear(2, 3, 4).parameters()]

    out["unflatten"] = nn.Unflatten(1, (2, 3))(_tensor(torch, (2, 6)))
    out["unflatten_neg"] = list(nn.Unflatten(-1, (2, -1))(_tensor(torch, (3, 8))).shape)
    out["unflatten_errors"] = [_attempt(lambda: nn.Unflatten(1, 6)), _attempt(lambda: nn.Unflatten(1, (2, 3.0)))]
    out["channel_shuffle"] = nn.ChannelShuffle(2)(_tensor(torch, (1, 4, 2)))
    out["flatten"] = list(nn.Flatten()(_tensor(torch, (2, 3, 4))).shape)
    out["identity"] = repr(nn.Identity(54, unused="x"))
    lin = nn.Linear(5, 4)
    out["linear_shapes"] = [list(p.shape) for p in lin.parameters()]
    out["linear_bound"] = [lin.weight.abs().max().item() <= 5 ** -0.5, lin.bias.abs().max().item() <= 5 ** -0.5]
    prelu = nn.PReLU(3, init=0.1)
    out["prelu"] = [prelu.weight.tolist(), type(prelu.weight).__name__, list(prelu.state_dict())]
    out["hardtanh_error"] = _attempt(lambda: nn.Hardtanh(1.0, 0.5))
    out["softmax_dim_error"] = _attempt(lambda: nn.Softmax(dim=1.0))
    out["softmax2d_error"] = _attempt(lambda: nn.Softmax2d()(torch.ones(2, 2)))
    out["dropout_error"] = _attempt(lambda: nn.Dropout(1.5))
    out["pixel_shuffle"] = [repr(nn.PixelShuffle(2)), nn.PixelShuffle(2)(_tensor(torch, (1, 4, 2, 1)))]
    out["pixel_unshuffle"] = [repr(nn.PixelUnshuffle(2)), nn.PixelUnshuffle(2)(_tensor(torch, (1, 1, 2, 4)))]
    lce = _fill(torch, nn.LinearCrossEntropyLoss(3, 4, bias=True, label_smoothing=0.1)).double()
    xl = _tensor(torch, (5, 3), requires_grad=True)
    loss = lce(xl, torch.tensor([0, 3, 1, 2, 3]))
    loss.backward()
    out["linear_cross_entropy"] = [repr(lce), list(lce.state_dict()), loss.detach(), xl.grad, lce.linear.weight.grad,
                                   lce.linear.bias.grad]
    nll2d = nn.NLLLoss2d()
    out["nll_loss_2d"] = [repr(nll2d), nll2d(_tensor(torch, (2, 3)), torch.tensor([1, 2]))]
    drop = nn.Dropout(0.5).eval()
    ones = torch.ones(3, 3)
    out["dropout_eval"] = drop(ones)
    return out


CASES = {f.__name__: f for f in (reprs, traversal, loading, state_hooks, attributes, modes, hooks, containers, lazy, activations,
                                 inplace_gradients, losses, layers)}
#: Cases whose reference is stored but which swiftgrad does not match yet (test_modules.py
#: runs them as strict expected failures, so that a fix is noticed).
KNOWN_DIFFERENCES = {f.__name__: f for f in (unused_output_gradient,)}


def encode(value):
    """A result as JSON data: a tensor as its shape, dtype and values (row-major), lists and
    tuples element by element, numbers, strings, bools and None as they are."""
    if hasattr(value, "detach") and hasattr(value, "dtype"):
        v = value.detach()
        return {"shape": list(v.shape), "dtype": str(v.dtype), "values": v.reshape(-1).tolist()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def run(torch):
    """Every case's results under `torch`, encoded."""
    results = {}
    every = {**CASES, **KNOWN_DIFFERENCES}
    for name in sorted(every):
        raw = every[name](torch)
        results[name] = {key: encode(value) for key, value in raw.items()}
    return results


def main():
    import torch
    results = run(torch)
    here = pathlib.Path(__file__).resolve().parent
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else here / "data" / "modules_reference.json"
    lines = ["{", f' "torch": {json.dumps(torch.__version__.split("+")[0])},', ' "cases": {']
    for i, name in enumerate(sorted(results)):
        lines.append(f"  {json.dumps(name)}: {{")
        entries = sorted(results[name].items())
        for j, (key, value) in enumerate(entries):
            comma = "," if j < len(entries) - 1 else ""
            lines.append(f"   {json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}{comma}")
        lines.append("  }" + ("," if i < len(results) - 1 else ""))
    lines += [" }", "}"]
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())


if __name__ == "__main__":
    main()
