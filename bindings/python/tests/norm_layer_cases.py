"""The normalisation layers' reference cases, run the same way on PyTorch (by
scripts/norm_reference.py, which stores the results in data/norm_layers.json) and on swiftgrad
(by test_norm_layers.py, which compares with them). Each case names a module configuration and
an input shape; `run` loads a state dict into the module, takes two training steps (forward,
backward of a fixed weighted sum of the outputs) and one evaluation step, and returns the
outputs, the input gradients, the parameter gradients and the buffers after each step."""

#: name -> (module class, constructor args, constructor kwargs, input shape)
CASES = {
    "LayerNorm": ("LayerNorm", [6], {}, [3, 6]),
    "LayerNorm_2d_no_affine": ("LayerNorm", [[3, 4]], {"elementwise_affine": False, "eps": 1e-3}, [2, 3, 4]),
    "LayerNorm_no_bias": ("LayerNorm", [5], {"bias": False}, [2, 2, 5]),
    "RMSNorm": ("RMSNorm", [6], {}, [3, 6]),
    "RMSNorm_eps_2d": ("RMSNorm", [[2, 3]], {"eps": 1e-3}, [2, 2, 3]),
    "RMSNorm_no_affine": ("RMSNorm", [4], {"elementwise_affine": False}, [3, 4]),
    "GroupNorm": ("GroupNorm", [2, 4], {}, [2, 4, 3]),
    "GroupNorm_no_affine": ("GroupNorm", [3, 6], {"affine": False}, [2, 6, 2, 2]),
    "GroupNorm_one_group_eps": ("GroupNorm", [1, 3], {"eps": 0.1}, [3, 3, 4]),
    "GroupNorm_no_bias": ("GroupNorm", [2, 4], {"bias": False}, [2, 4]),
    "BatchNorm1d": ("BatchNorm1d", [3], {}, [4, 3]),
    "BatchNorm1d_3d": ("BatchNorm1d", [3], {"momentum": 0.3, "eps": 1e-3}, [4, 3, 5]),
    "BatchNorm2d_cumulative": ("BatchNorm2d", [3], {"momentum": None}, [2, 3, 2, 3]),
    "BatchNorm2d_no_affine": ("BatchNorm2d", [2], {"affine": False}, [3, 2, 2, 2]),
    "BatchNorm2d_no_bias": ("BatchNorm2d", [3], {"bias": False}, [2, 3, 2, 2]),
    "BatchNorm3d_untracked": ("BatchNorm3d", [2], {"track_running_stats": False}, [2, 2, 2, 2, 2]),
    "InstanceNorm1d": ("InstanceNorm1d", [3], {}, [2, 3, 5]),
    "InstanceNorm1d_unbatched_affine": ("InstanceNorm1d", [3], {"affine": True}, [3, 5]),
    "InstanceNorm2d_tracked": ("InstanceNorm2d", [3], {"affine": True, "track_running_stats": True}, [2, 3, 2, 3]),
    "InstanceNorm3d_tracked_momentum": ("InstanceNorm3d", [2], {"track_running_stats": True, "momentum": 0.4},
                                        [2, 2, 2, 2, 2]),
    "LocalResponseNorm": ("LocalResponseNorm", [3], {}, [2, 5, 4]),
    "LocalResponseNorm_options": ("LocalResponseNorm", [2], {"alpha": 1e-2, "beta": 0.5, "k": 2.0}, [2, 4, 3, 2]),
}

#: (mode, step) pairs run in order: two training steps, then evaluation.
STEPS = [("train", 0), ("train", 1), ("eval", 2)]


def build(torch, name):
    cls, args, kwargs, _ = CASES[name]
    return getattr(torch.nn, cls)(*args, **kwargs).double()


def _flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def encode(t):
    return {"shape": list(t.shape), "dtype": str(t.dtype).removeprefix("torch."),
            "values": _flat(t) if t.dtype.is_floating_point else [int(v) for v in t.reshape(-1).tolist()]}


def decode(torch, entry):
    dtype = getattr(torch, entry["dtype"])
    return torch.tensor(entry["values"], dtype=dtype).reshape(entry["shape"])


def run(torch, name, state, inputs, weights):
    """Loads `state` (name -> tensor) into a new module of case `name`, runs STEPS on `inputs`
    (one tensor per step) with output weights `weights`, and returns, per step, the output,
    the input gradient, the parameter gradients and the buffers after the step (encoded)."""
    module = build(torch, name)
    module.load_state_dict(state)
    results = []
    for (mode, _), x, w in zip(STEPS, inputs, weights):
        module.train(mode == "train")
        for p in module.parameters():
            p.grad = None
        x = x.detach().clone().requires_grad_(True)
        y = module(x)
        (y * w).sum().backward()
        results.append({
            "output": encode(y),
            "input_grad": encode(x.grad),
            "param_grads": {k: encode(p.grad) for k, p in module.named_parameters()},
            "buffers": {k: encode(b) for k, b in module.named_buffers()},
        })
    return results
