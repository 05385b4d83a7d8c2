"""swiftgrad.optim and swiftgrad.nn: PyTorch's interface, reprs and errors. The numbers of the
optimizers and of a training loop are compared with PyTorch in reference/cases.py
(sgd_variants, adam_variants, nn_training_loop)."""
import collections
import math
import re

import pytest

import swiftgrad as torch

nn, F = torch.nn, torch.nn.functional


def raises(exception, message):
    return pytest.raises(exception, match="^" + re.escape(message) + "$")


# ---- optim ---------------------------------------------------------------------------------

def test_sgd_step_by_hand():
    p = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        (p * p).sum().backward()  # grad 2p
        opt.step()
    # step 1: buf = [2, -4], p = [0.8, -1.6]; step 2: buf = 0.9 buf + [1.6, -3.2] = [3.4, -6.8]
    assert p.tolist() == pytest.approx([0.8 - 0.34, -1.6 + 0.68], abs=1e-6)
    assert p.is_leaf and p.requires_grad


def test_param_groups_are_dicts_and_changes_take_effect():
    a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    opt = torch.optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["params"][0] is b
    assert sorted(opt.param_groups[0]) == ["dampening", "differentiable", "foreach", "fused", "lr", "maximize",
                                          "momentum", "nesterov", "params", "weight_decay"]
    (a.sum() + b.sum()).backward()
    opt.param_groups[0]["lr"] = 0.25
    opt.step()
    assert a.tolist() == [0.75, 0.75] and b.tolist() == [0.5, 0.5]


def test_the_library_sees_the_same_groups():
    import ctypes
    from swiftgrad import _lib as L
    a, b, c = (torch.ones(1, requires_grad=True) for _ in range(3))
    opt = torch.optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1)
    count = ctypes.c_size_t()
    L.check(L.sg_optimizer_param_group_count(opt._handle, ctypes.byref(count)))
    assert count.value == 2
    L.check(L.sg_optimizer_param_count(opt._handle, 0, ctypes.byref(count)))
    assert count.value == 2
    handle = ctypes.c_void_p()
    L.check(L.sg_optimizer_param(opt._handle, 1, 0, ctypes.byref(handle)))
    with torch.no_grad():
        c.fill_(7)
    seen = torch._tensor._wrap(handle.value)  # a second handle to the same tensor
    assert seen.tolist() == [7.0]
    lr = ctypes.c_double()
    L.check(L.sg_optimizer_get_option(opt._handle, 1, b"lr", ctypes.byref(lr)))
    assert lr.value == 0.5


def test_closure_runs_with_grad_enabled_and_its_loss_is_returned():
    p = torch.tensor([3.0], requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with torch.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    assert p.item() == pytest.approx(2.9, abs=1e-6)  # Adam's first step moves by lr


def test_zero_grad_to_none_or_zeros():
    p = torch.ones(3, requires_grad=True)
    opt = torch.optim.AdamW([p])
    p.sum().backward()
    opt.zero_grad(set_to_none=False)
    assert p.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None
    opt.step()  # no gradient: nothing happens
    assert p.tolist() == [1.0, 1.0, 1.0]


def test_add_param_group_and_repr():
    a, b = torch.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)
    opt = torch.optim.Adam([a], lr=0.01)
    opt.add_param_group({"params": [b], "betas": (0.5, 0.6)})
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["betas"] == (0.5, 0.6)
    assert repr(opt).startswith("Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n")
    assert "Parameter Group 1\n    amsgrad: False\n    betas: (0.5, 0.6)\n" in repr(opt)
    assert torch.optim.AdamW([torch.ones(1, requires_grad=True)]).param_groups[0]["weight_decay"] == 0.01
    assert torch.optim.AdamW([torch.ones(1, requires_grad=True)]).param_groups[0]["decoupled_weight_decay"]


def test_optimizer_errors():
    p = torch.ones(2, requires_grad=True)
    with raises(ValueError, "Invalid learning rate: -1.0"):
        torch.optim.SGD([p], lr=-1)
    with raises(ValueError, "Nesterov momentum requires a momentum and zero dampening"):
        torch.optim.SGD([p], lr=0.1, nesterov=True)
    with raises(ValueError, "Invalid beta parameter at index 1: 1.0"):
        torch.optim.Adam([p], betas=(0.9, 1.0))
    with raises(ValueError, "Invalid epsilon value: -1.0"):
        torch.optim.AdamW([p], eps=-1)
    with raises(TypeError, "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                           "but got torch.FloatTensor"):
        torch.optim.SGD(p, lr=0.1)
    with raises(TypeError, "optimizer can only optimize Tensors, but one of the params is int"):
        torch.optim.SGD([1], lr=0.1)
    with raises(ValueError, "optimizer got an empty parameter list"):
        torch.optim.SGD([], lr=0.1)
    with raises(ValueError, "can't optimize a non-leaf Tensor"):
        torch.optim.SGD([p * 2], lr=0.1)
    with raises(ValueError, "some parameters appear in more than one parameter group"):
        torch.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    opt = torch.optim.SGD([p], lr=0.1)
    opt.param_groups[0]["momentum"] = -1
    with raises(ValueError, "Invalid momentum value: -1.0"):
        opt.step()


# ---- nn ------------------------------------------------------------------------------------

def test_parameter():
    data = torch.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert isinstance(p, torch.Tensor) and p.is_leaf and p.requires_grad
    with torch.no_grad():
        p.mul_(3)
    assert data.tolist() == [3.0, 6.0]  # shares data's memory
    assert not nn.Parameter(torch.ones(1), requires_grad=False).requires_grad
    assert type(p * 2) is torch.Tensor


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 4)
        self.out = nn.Linear(4, 2, bias=False)
        self.scale = nn.Parameter(torch.ones(1))
        self.note = "plain attribute"

    def forward(self, x):
        return self.out(F.relu(self.hidden(x))) * self.scale


def test_module_registration_and_traversal():
    m = TwoLayer()
    assert [n for n, _ in m.named_parameters()] == ["scale", "hidden.weight", "hidden.bias", "out.weight"]
    assert len(list(m.parameters())) == 4
    assert [n for n, _ in m.named_children()] == ["hidden", "out"]
    assert [n for n, _ in m.named_modules()] == ["", "hidden", "out"]
    assert m.out.bias is None and m.note == "plain attribute"
    assert m(torch.ones(5, 3)).shape == torch.Size([5, 2])
    with raises(AttributeError, "'TwoLayer' object has no attribute 'missing'"):
        m.missing
    with raises(TypeError, "cannot assign 'torch.FloatTensor' as parameter 'scale' (torch.nn.Parameter or None expected)"):
        m.scale = torch.ones(1)
    shared = nn.Linear(2, 2)
    assert len(list(nn.Sequential(shared, shared).parameters())) == 2  # each parameter once


def test_linear_init_and_forward():
    torch.manual_seed(0)
    layer = nn.Linear(100, 50)
    bound = 1 / math.sqrt(100)
    w = layer.weight.detach()
    assert w.shape == torch.Size([50, 100]) and layer.bias.shape == torch.Size([50])
    assert w.abs().max().item() <= bound and w.abs().max().item() > 0.9 * bound
    assert abs(w.mean().item()) < 0.01  # uniform on a symmetric interval
    x = torch.randn(7, 100)
    assert torch.allclose(layer(x), x @ layer.weight.t() + layer.bias)
    assert layer(x).grad_fn is not None
    assert repr(layer) == "Linear(in_features=100, out_features=50, bias=True)"


def test_reprs_match_pytorch():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Sequential(nn.Flatten(), nn.Tanh()), nn.Sigmoid())
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Flatten(start_dim=1, end_dim=-1)\n"
        "    (1): Tanh()\n"
        "  )\n"
        "  (3): Sigmoid()\n"
        ")")
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.Dropout(0.2)) == "Dropout(p=0.2, inplace=False)"


def test_sequential_indexing():
    a, b, c = nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)
    s = nn.Sequential(a, b, c)
    assert s[0] is a and s[-1] is c and len(s) == 3 and list(s) == [a, b, c]
    assert list(s[1:]) == [b, c]
    named = nn.Sequential(collections.OrderedDict([("first", a), ("act", b)]))
    assert [n for n, _ in named.named_parameters()] == ["first.weight", "first.bias"]


def test_state_dict_round_trip_and_errors():
    m, other = TwoLayer(), TwoLayer()
    state = m.state_dict()
    assert list(state) == ["scale", "hidden.weight", "hidden.bias", "out.weight"]
    assert not state["hidden.weight"].requires_grad
    assert repr(other.load_state_dict(state)) == "<All keys matched successfully>"
    x = torch.randn(2, 3)
    assert torch.equal(m(x), other(x))
    assert other.hidden.weight.requires_grad and other.hidden.weight.is_leaf
    del state["scale"]
    state["extra"] = torch.ones(1)
    # PyTorch lists the missing keys first (printed by torch 2.15 for this model)
    with raises(RuntimeError, 'Error(s) in loading state_dict for TwoLayer:\n\tMissing key(s) in state_dict: "scale". '
                              '\n\tUnexpected key(s) in state_dict: "extra". '):
        other.load_state_dict(state)
    result = other.load_state_dict(state, strict=False)
    assert result.missing_keys == ["scale"] and result.unexpected_keys == ["extra"]
    state = m.state_dict()
    state["out.weight"] = torch.ones(3, 3)
    with raises(RuntimeError, "Error(s) in loading state_dict for TwoLayer:\n\tsize mismatch for out.weight: copying a "
                              "param with shape torch.Size([3, 3]) from checkpoint, the shape in current model is "
                              "torch.Size([2, 4])."):
        other.load_state_dict(state)


def test_load_state_dict_assign():
    # What PyTorch 2.15 prints for the same code: the module takes the state dict's tensors
    # (memory, dtype and, for a Parameter, the object), with its own parameters' requires_grad.
    m = nn.Linear(2, 2)
    m.bias.requires_grad_(False)
    state = {"weight": torch.ones(2, 2, dtype=torch.float64), "bias": torch.zeros(2)}
    assert repr(m.load_state_dict(state, assign=True)) == "<All keys matched successfully>"
    assert (type(m.weight).__name__, m.weight.dtype, m.weight.requires_grad, m.bias.requires_grad) == (
        "Parameter", torch.float64, True, False)
    state["weight"].add_(1)
    assert repr(m.weight) == ("Parameter containing:\ntensor([[2., 2.],\n        [2., 2.]], dtype=torch.float64, "
                              "requires_grad=True)")
    assert m.weight is not state["weight"] and list(m.parameters())[0] is m.weight
    p = nn.Parameter(torch.full((2,), 5.0))
    m2 = nn.Linear(2, 2)
    m2.bias.requires_grad_(False)
    m2.load_state_dict({"weight": torch.eye(2), "bias": p}, assign=True)
    assert m2.bias is p and not p.requires_grad

    class WithBuffer(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("r", torch.zeros(3))

    b, t = WithBuffer(), torch.arange(3.0)
    b.load_state_dict({"r": t}, assign=True)
    assert b.r is t and b.state_dict()["r"].tolist() == [0.0, 1.0, 2.0]
    nested = nn.Sequential(nn.Linear(2, 2))
    nested.load_state_dict({"0.weight": torch.eye(2), "0.bias": torch.ones(2)}, assign=True)
    assert nested[0].bias.tolist() == [1.0, 1.0] and nested[0].bias.requires_grad
    with raises(RuntimeError, "Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param "
                              "with shape torch.Size([3, 3]) from checkpoint, the shape in current model is "
                              "torch.Size([2, 2])."):
        m.load_state_dict({"weight": torch.ones(3, 3), "bias": torch.zeros(2)}, assign=True)


def test_train_eval_dropout_and_double():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5))
    x = torch.ones(4, 8)
    assert model.training and model[1].training
    model.eval()
    assert not model[1].training
    assert torch.equal(model(x), model[0](x))
    model.train()
    zeros = (model(x) == 0).sum().item()
    assert 0 < zeros < 32
    weight = model[0].weight
    model.double()
    assert model[0].weight is weight and weight.dtype == torch.float64 and weight.requires_grad


def test_module_zero_grad_and_losses():
    model = nn.Linear(2, 2)
    model(torch.ones(1, 2)).sum().backward()
    assert model.weight.grad is not None
    held = model.weight.grad
    model.zero_grad(set_to_none=False)  # in place, as PyTorch: what was read before sees zeros
    assert held.tolist() == [[0.0, 0.0], [0.0, 0.0]] and model.bias.grad.tolist() == [0.0, 0.0]
    model(torch.ones(1, 2)).sum().backward()  # and accumulation starts again from zero
    assert held.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    model.zero_grad()
    assert model.weight.grad is None
    logits, target = torch.tensor([[2.0, 0.5], [0.1, 1.0]]), torch.tensor([0, 1])
    assert nn.CrossEntropyLoss()(logits, target).item() == F.cross_entropy(logits, target).item()
    assert nn.MSELoss(reduction="sum")(logits, logits * 0).item() == pytest.approx(2**2 + 0.5**2 + 0.1**2 + 1)


def test_training_loop_converges():
    torch.manual_seed(0)
    x = torch.randn(256, 2)
    y = ((x[:, 0] * x[:, 1]) > 0).long()  # XOR of signs: needs the hidden layer
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
    for _ in range(200):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
    assert accuracy > 0.95, accuracy
    assert torch._live_tensor_count() < 200


def test_options_valid_only_together_change_together():
    p = torch.ones(2, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True)
    opt.param_groups[0]["momentum"] = 0
    opt.param_groups[0]["nesterov"] = False
    p.sum().backward()
    opt.step()
    assert p.tolist() == pytest.approx([0.9, 0.9])  # plain SGD: 1 - 0.1 * 1


def test_converting_the_model_after_making_the_optimizer_is_caught():
    model = nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    model.double()
    model(torch.ones(1, 2, dtype=torch.float64)).sum().backward()
    with raises(RuntimeError, "a parameter of this optimizer was replaced or converted (Module.to/double/float) after "
                              "the optimizer was made; create the optimizer after converting the model"):
        opt.step()


def test_optimizer_state_and_checkpoint_errors():
    p = torch.ones(2, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.1)
    assert opt.state == {} and opt.state_dict()["state"] == {}
    p.sum().backward()
    opt.step()
    state = opt.state[p]
    assert sorted(state) == ["exp_avg", "exp_avg_sq", "step"] and state["step"].item() == 1
    assert opt.state_dict()["param_groups"][0]["params"] == [0]
    with raises(ValueError, "loaded state dict has a different number of parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})
    with raises(ValueError, "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"):
        opt.load_state_dict({"state": {}, "param_groups": [{"params": [0, 1]}]})


def test_scheduler_rewrites_lr_between_steps():
    p = torch.ones(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for expected in [1.0, 0.5, 0.25]:
        opt.zero_grad()
        p.sum().backward()
        before = p.item()
        opt.step()
        assert before - p.item() == pytest.approx(expected)
        scheduler.step()
    assert scheduler.get_last_lr() == [0.125] and opt.param_groups[0]["initial_lr"] == 1.0
