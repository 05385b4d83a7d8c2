"""Devices as PyTorch's CPU build has them, generators, the random factories and in-place fills.
Expected reprs, node names and messages are what torch 2.15 prints for the same code (its
CPU-build messages for CUDA requests); random values are checked for reproducibility and range,
since the two libraries' generators differ."""
import pytest

import swiftgrad as torch


def test_devices():
    d = torch.device("cpu")
    assert repr(d) == "device(type='cpu')" and str(d) == "cpu" and d.type == "cpu" and d.index is None
    assert repr(torch.device("cuda:1")) == "device(type='cuda', index=1)" and torch.device("cuda:1").index == 1
    assert str(torch.device("cpu", 0)) == "cpu:0" and torch.device(torch.device("cpu")) == d
    assert d != "cpu" and hash(d) == hash(torch.device("cpu"))
    with pytest.raises(RuntimeError, match="^Expected one of cpu, cuda, .* device type at start of device string: foo$"):
        torch.device("foo")
    x = torch.zeros(2, device="cpu")
    assert x.device == d and x.is_cpu and not x.is_cuda and x.get_device() == -1
    assert x.cpu() is x and x.to("cpu") is x and x.to(d) is x and x.to(device="cpu", copy=True) is not x
    assert x.to("cpu", torch.float64).dtype is torch.float64 and x.to(torch.ones(1, dtype=torch.int32)).dtype is torch.int32
    for call in (lambda: torch.zeros(2, device="cuda"), lambda: x.cuda(), lambda: x.to("cuda:0"),
                 lambda: torch.tensor([1.0], device=torch.device("cuda"))):
        with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
            call()
    assert not torch.cuda.is_available() and torch.cuda.device_count() == 0
    torch.cuda.manual_seed_all(0)  # a no-op, as without CUDA
    assert not torch.backends.mps.is_available()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    assert torch.ones(3, device=device).sum().item() == 3


def test_factories_take_pytorchs_arguments():
    for t in (torch.zeros(2, 3, device="cpu", dtype=torch.int32), torch.ones((2, 3), layout=torch.strided),
              torch.empty(2, 3, device="cpu"), torch.full((2, 3), 7, device="cpu"), torch.eye(2, 3, device="cpu")):
        assert t.shape == (2, 3)
    assert torch.full((2,), 7).dtype is torch.int64 and torch.full((2,), True).dtype is torch.bool
    assert torch.full((2,), 1.5).dtype is torch.float32
    x = torch.tensor([[1, 2]], dtype=torch.int16)
    assert x.new_zeros(3).dtype is torch.int16 and x.new_ones((2, 2)).shape == (2, 2)
    assert x.new_full((2,), 3).tolist() == [3, 3] and x.new_tensor([1.7]).dtype is torch.int16
    assert torch.zeros_like(x, dtype=torch.float16).dtype is torch.float16 and torch.empty_like(x).shape == (1, 2)
    assert torch.scalar_tensor(3).dtype is torch.float32 and torch.scalar_tensor(3).shape == ()
    with pytest.raises(RuntimeError, match="^value cannot be converted to type uint8 without overflow$"):
        torch.tensor([300], dtype=torch.uint8)
    assert torch.tensor([-1], dtype=torch.uint8).tolist() == [255]
    with pytest.raises(RuntimeError, match="^value cannot be converted to type uint8_t without overflow$"):
        torch.zeros(2, dtype=torch.uint8).fill_(300)
    assert torch.logspace(0, 2, 3).tolist() == [1.0, 10.0, 100.0]


def test_generators_reproduce_their_streams():
    g = torch.Generator().manual_seed(3)
    a = torch.randn(5, generator=g)
    assert g.initial_seed() == 3
    state = g.get_state()
    b = torch.rand(4, generator=g)
    g.set_state(state)
    assert torch.equal(torch.rand(4, generator=g), b)
    assert torch.equal(torch.randn(5, generator=torch.Generator().manual_seed(3)), a)
    assert isinstance(torch.manual_seed(11), torch.Generator) and torch.initial_seed() == 11
    first = torch.randperm(10)
    torch.manual_seed(11)
    assert torch.equal(torch.randperm(10), first) and sorted(first.tolist()) == list(range(10))
    torch.manual_seed(5)
    with torch.random.fork_rng():
        inside = torch.randn(3)
    assert torch.equal(torch.randn(3), inside)  # the state was restored after the block


def test_random_factories_and_fills():
    torch.manual_seed(0)
    assert torch.randint(3, (100,)).max().item() <= 2 and torch.randint(-2, 0, (5,), dtype=torch.int8).dtype is torch.int8
    assert torch.rand(2, 3, dtype=torch.float64).dtype is torch.float64 and torch.randn(size=(2,)).shape == (2,)
    p = torch.tensor([0.0, 1.0, 0.0, 1.0])
    assert torch.equal(torch.bernoulli(p), p) and torch.multinomial(p, 2).sum().item() == 4
    assert torch.equal(torch.normal(p, 0.0), p) and torch.normal(0.0, 1.0, (3,)).shape == (3,)
    x = torch.randn(3, requires_grad=True)
    # In-place fills of a non-leaf: PyTorch's node names, and no gradient flows back through them.
    for fill, name in ((lambda y: y.uniform_(), "UniformBackward0"), (lambda y: y.normal_(), "NormalBackward0"),
                       (lambda y: y.cauchy_(), "CauchyBackward0"), (lambda y: y.exponential_(), "ExponentialBackward0"),
                       (lambda y: y.geometric_(0.5), "GeometricBackward0"), (lambda y: y.log_normal_(), "LogNormalBackward0"),
                       (lambda y: y.random_(5), "RandomBackward1"), (lambda y: y.random_(), "RandomBackward2"),
                       (lambda y: y.bernoulli_(0.5), "BernoulliBackward2"),
                       (lambda y: y.bernoulli_(torch.rand(3)), "BernoulliBackward1"),
                       (lambda y: y.fill_(2), "FillBackward2"), (lambda y: y.zero_(), "ZeroBackward0")):
        y = x * 1
        fill(y)
        assert type(y.grad_fn).__name__ == name
        (y * 2).sum().backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0]
        x.grad = None
    with pytest.raises(RuntimeError, match="^a leaf Variable that requires grad is being used in an in-place operation.$"):
        x.uniform_()
    with pytest.raises(NotImplementedError, match="^\"normal_kernel_cpu\" not implemented for 'Long'$"):
        torch.zeros(2, dtype=torch.int64).normal_()
    assert torch.zeros(100).uniform_(2, 3).min().item() >= 2
