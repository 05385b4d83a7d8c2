"""DistributedDataParallel and the collectives' mismatch check under mpirun (any number of
processes). The references are computed locally by every process: one process training on the
whole batch (every rank's share is a function of the rank and a seed, so any process can rebuild
all of them), and rank 0's initial model (rebuilt from rank 0's seed).
Run by `make test-distributed`: mpirun -np N python ddp.py. Exits non-zero (and MPI aborts the
job) on the first failure."""
import sys
import warnings

import swiftgrad as torch
import swiftgrad.distributed as dist
from swiftgrad import nn
from swiftgrad.nn.parallel import DistributedDataParallel as DDP

from _checks import check, run  # this directory, the script's own, is on sys.path

N = 24           # samples in the whole batch: divisible by 2, 3 and 4 processes
STEPS = 4


def model(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3)).double()


def data(seed=11):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(N, 5, generator=g, dtype=torch.float64), torch.randn(N, 3, generator=g, dtype=torch.float64)


def assert_close(got, want, what, rtol=1e-9):
    scale = want.abs().max().item() if want.numel() else 0.0
    err = (got - want).abs().max().item() if want.numel() else 0.0
    if got.shape != want.shape or err > rtol * max(scale, 1e-300):
        raise AssertionError(f"rank {dist.get_rank()}: {what}: max error {err:.3g} (scale {scale:.3g})\n{got}\n{want}")


def gathered(t):
    out = [torch.zeros_like(t) for _ in range(dist.get_world_size())]
    dist.all_gather(out, t.detach().contiguous())
    return out


@check
def init():
    dist.init_process_group("mpi")


@check
def starts_from_rank_0s_weights():
    """Every process builds its model from its own seed; DDP gives them rank 0's parameters and
    buffers (a BatchNorm's running statistics, made rank-specific here)."""
    r = dist.get_rank()
    m = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4))
    torch.manual_seed(100 + r)
    m = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4))
    with torch.no_grad():
        m[1].running_mean.fill_(float(r + 1))
    torch.manual_seed(100)
    rank0 = nn.Sequential(nn.Linear(5, 4), nn.BatchNorm1d(4))  # rank 0's model, rebuilt here
    with torch.no_grad():
        rank0[1].running_mean.fill_(1.0)
    if r != 0:
        assert not torch.equal(m[0].weight, rank0[0].weight), "the seeds gave the same weights"
    ddp = DDP(m)
    assert ddp.module is m
    for (name, got), want in zip(m.state_dict().items(), rank0.state_dict().values()):
        assert torch.equal(got, want), f"rank {r}: {name} is not rank 0's"
    keys = list(ddp.state_dict().keys())
    assert keys == ["module." + k for k in m.state_dict().keys()], keys
    assert repr(ddp).startswith("DistributedDataParallel(\n  (module): Sequential("), repr(ddp)
    # the forward passes through
    x = torch.randn(6, 5)
    assert torch.equal(ddp(x), m(x))


@check
def training_equals_one_process_on_the_whole_batch():
    """DDP with a DistributedSampler, SGD with momentum, several steps: the parameters equal
    those of one process training on the whole batch (float64, 1e-9 relative)."""
    n, r = dist.get_world_size(), dist.get_rank()
    x, y = data()
    dataset = torch.utils.data.TensorDataset(x, y)
    sampler = torch.utils.data.DistributedSampler(dataset, shuffle=True, seed=5)
    loader = torch.utils.data.DataLoader(dataset, batch_size=N // n, sampler=sampler)
    local = model(r)  # DDP replaces these weights by rank 0's
    # a hook that runs before DDP's (registered first), when the first layer's weight gets its
    # gradient: by then the bucket of the last layer has been started, not the first layer's
    started = []
    local[0].weight.register_hook(lambda g: started.append([b.work is not None for b in ddp.reducer.buckets]))
    ddp = DDP(local, bucket_cap_mb=0.0001)  # several buckets: 100 bytes each
    assert len(ddp.reducer.buckets) > 1
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
    single = model(0)
    opt1 = torch.optim.SGD(single.parameters(), lr=0.1, momentum=0.9)
    for step in range(STEPS):
        sampler.set_epoch(step)
        (xb, yb), = list(loader)
        assert xb.shape[0] == N // n
        opt.zero_grad(set_to_none=step % 2 == 0)  # .grad None, or zeros to accumulate into
        nn.functional.mse_loss(ddp(xb), yb).backward()
        assert started[-1][0] and not started[-1][-1], started[-1]
        opt.step()
        opt1.zero_grad()
        nn.functional.mse_loss(single(x), y).backward()
        for p, q in zip(local.parameters(), single.parameters()):
            assert_close(p.grad, q.grad, f"step {step}: gradient")
        opt1.step()
        for p, q in zip(local.parameters(), single.parameters()):
            assert_close(p.detach(), q.detach(), f"step {step}: parameter")
    # the processes hold the same parameters, bit for bit
    for p in local.parameters():
        for other in gathered(p):
            assert torch.equal(other, p.detach())


@check
def no_sync_accumulates_then_one_step_averages():
    """Two micro-batches per process, the first inside no_sync(): after it each process holds
    its own gradient; after the second, every process holds the average over the processes of
    the accumulated gradients, that is, the gradient of the summed per-micro-batch mean losses
    over all processes, divided by the world size."""
    n, r = dist.get_world_size(), dist.get_rank()
    x, y = data(12)
    half = N // (2 * n)

    def micro(rank, k):
        start = (2 * rank + k) * half
        return x[start:start + half], y[start:start + half]

    local = model(7)
    ddp = DDP(local)
    with ddp.no_sync():
        assert not ddp.require_backward_grad_sync
        xb, yb = micro(r, 0)
        nn.functional.mse_loss(ddp(xb), yb).backward()
    assert ddp.require_backward_grad_sync
    alone = model(7)
    nn.functional.mse_loss(alone(xb), yb).backward()
    for p, q in zip(local.parameters(), alone.parameters()):
        assert_close(p.grad, q.grad, "no_sync: the local gradient")
    xb, yb = micro(r, 1)
    nn.functional.mse_loss(ddp(xb), yb).backward()
    single = model(7)
    total = sum(nn.functional.mse_loss(single(micro(k, j)[0]), micro(k, j)[1]) for k in range(n) for j in range(2))
    (total / n).backward()
    for p, q in zip(local.parameters(), single.parameters()):
        assert_close(p.grad, q.grad, "after no_sync and one synchronised backward")


class Branches(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 2).double()
        self.b = nn.Linear(3, 2).double()
        self.c = nn.Linear(3, 2).double()  # never used

    def forward(self, x, use_b):
        out = self.a(x)
        return out + self.b(x) if use_b else out


@check
def find_unused_parameters():
    """b is used on every rank but 0, c nowhere. With find_unused_parameters: a and b get the
    average over the processes (rank 0 contributing zero for b, whose .grad it then has too),
    c's .grad stays None; several iterations run. Without it: the next forward raises
    PyTorch's error naming the parameters that got no gradient."""
    n, r = dist.get_world_size(), dist.get_rank()
    g = torch.Generator().manual_seed(3)
    xs = [torch.randn(4, 3, generator=g, dtype=torch.float64) for _ in range(n)]
    torch.manual_seed(1)
    m = Branches()
    ddp = DDP(m, find_unused_parameters=True)
    torch.manual_seed(1)
    ref = Branches()
    for it in range(2):
        for p in m.parameters():
            p.grad = None
        for p in ref.parameters():
            p.grad = None
        ddp(xs[r], use_b=r != 0).pow(2).sum().backward()
        total = sum(ref(xs[k], use_b=k != 0).pow(2).sum() for k in range(n))
        (total / n).backward()
        for name in ("a.weight", "a.bias", "b.weight", "b.bias"):
            got, want = m.get_parameter(name).grad, ref.get_parameter(name).grad
            if n == 1 and name.startswith("b"):
                assert got is None
                continue
            assert got is not None, f"rank {r}, iteration {it}: {name}.grad is None"
            assert_close(got, want, f"find_unused_parameters, iteration {it}: {name}")
        assert m.c.weight.grad is None and m.c.bias.grad is None
    torch.manual_seed(1)
    m = Branches()
    ddp = DDP(m)
    ddp(xs[r], use_b=True).sum().backward()  # c unused: the reduction cannot finish
    try:
        ddp(xs[r], use_b=True)
    except RuntimeError as e:
        text = str(e)
        assert text.startswith("Expected to have finished reduction in the prior iteration before starting a new "
                               "one."), text
        assert f"Parameter indices which did not receive grad for rank {r}: 4 5\n" in text, text
    else:
        raise AssertionError("a forward after a backward that left parameters without gradient ran")


class Counter(nn.Module):
    """Reports the buffer's value that forward sees."""

    def __init__(self, value):
        super().__init__()
        self.lin = nn.Linear(2, 1)
        self.register_buffer("count", torch.tensor([float(value)]))
        self.seen = []

    def forward(self, x):
        self.seen.append(self.count.item())
        return self.lin(x) * self.count


@check
def buffers_broadcast_before_each_forward():
    r = dist.get_rank()
    torch.manual_seed(0)
    m = Counter(10 + r)
    ddp = DDP(m)
    assert m.count.item() == 10.0  # rank 0's, at construction
    for it in range(2):
        with torch.no_grad():
            m.count.fill_(float(100 * it + r))  # every process changes its own
        ddp(torch.ones(1, 2)).sum().backward()
        assert m.seen[-1] == 100.0 * it, (r, m.seen)  # forward saw rank 0's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.manual_seed(0)
        m = Counter(10 + r)
        ddp = DDP(m, broadcast_buffers=False)
    assert any(issubclass(w.category, FutureWarning) and "`broadcast_buffers` is deprecated" in str(w.message)
               for w in caught)
    assert not ddp.broadcast_buffers
    ddp(torch.ones(1, 2)).sum().backward()
    assert m.seen == [10.0 + r], m.seen  # its own buffer, not synchronised at construction either


@check
def backward_sync_flags_and_errors():
    """A backward after a forward under no_grad or no_sync does not communicate (a rank that
    skipped it would otherwise hang the others); a second backward over the same graph only
    accumulates; a model that differs between processes is refused at construction."""
    n, r = dist.get_world_size(), dist.get_rank()
    m = model(2)
    ddp = DDP(m)
    x = torch.full((2, 5), float(r + 1), dtype=torch.float64)
    loss = ddp(x).sum()
    loss.backward(retain_graph=True)
    first = [p.grad.clone() for p in m.parameters()]
    if r == 0:  # only rank 0 runs a second backward: it must not start an all-reduce
        loss.backward()
        for p, g in zip(m.parameters(), first):
            assert p.grad is not None and not torch.equal(p.grad, g)
    dist.barrier()
    # autograd.grad through DDP's output: local gradients, no .grad written, no communication
    # (only rank 0 calls it); the next forward and backward average as usual
    for p in m.parameters():
        p.grad = None
    if r == 0:
        local = torch.autograd.grad(ddp(x).sum(), list(m.parameters()))
        alone = model(2)
        want = torch.autograd.grad(alone(x).sum(), list(alone.parameters()))
        for got, w in zip(local, want):
            assert_close(got, w, "autograd.grad through DDP")
        assert all(p.grad is None for p in m.parameters())
    ddp(x).sum().backward()
    for p in m.parameters():
        for other in gathered(p.grad):
            assert torch.equal(other, p.grad)
    if n > 1:
        torch.manual_seed(0)
        odd = nn.Linear(3, 2 + (r == 1))
        try:
            DDP(odd)
        except RuntimeError as e:
            text = str(e)
            if r in (0, 1):
                assert "params[0] in this process with sizes" in text and "appears not to match sizes" in text, text
        else:
            if r in (0, 1):
                raise AssertionError("DDP accepted models of different shapes")
        extra = nn.Sequential(*[nn.Linear(2, 2) for _ in range(1 + (r == 0))])
        try:
            DDP(extra)
        except RuntimeError as e:
            assert "DDP expects same model across all ranks" in str(e), str(e)
        else:
            raise AssertionError("DDP accepted models with different numbers of parameters")
    try:
        DDP(nn.Linear(2, 2).requires_grad_(False))
    except RuntimeError as e:
        assert "doesn't have any parameter that requires a gradient" in str(e)
    else:
        raise AssertionError("DDP of a module without trainable parameters accepted")


@check
def process_group_argument():
    """DDP over a group without rank 0 (ranks 1..n-1): it starts from the group's first rank's
    weights and averages over the group's processes only; rank 0 stays out."""
    n, r = dist.get_world_size(), dist.get_rank()
    members = list(range(1, n))
    g = dist.new_group(members)
    if r == 0:
        assert g is dist.GroupMember.NON_GROUP_MEMBER
        dist.barrier()
        return
    x, y = data(21)
    m = model(r)
    ddp = DDP(m, process_group=g)
    assert ddp.process_group is g
    first = model(members[0])
    for p, q in zip(m.parameters(), first.parameters()):
        assert torch.equal(p.detach(), q.detach())
    rows = N // len(members)
    share = lambda k: slice(rows * (k - 1), rows * k)  # noqa: E731
    nn.functional.mse_loss(ddp(x[share(r)]), y[share(r)]).backward()
    total = sum(nn.functional.mse_loss(first(x[share(k)]), y[share(k)]) for k in members)
    (total / len(members)).backward()
    for p, q in zip(m.parameters(), first.parameters()):
        assert_close(p.grad, q.grad, "DDP over a sub-group")
    dist.barrier()


@check
def collectives_that_differ_are_reported_on_every_rank():
    """Shapes, dtypes, operations or roots that differ between the processes: every process
    raises PyTorch's RuntimeError naming both collectives, and the group still works after."""
    n, r = dist.get_world_size(), dist.get_rank()
    if n == 1:
        return
    cases = [
        (lambda: dist.all_reduce(torch.ones(3 + (r == 1), 2)), "Tensor shapes: "),
        (lambda: dist.all_reduce(torch.ones(3, dtype=torch.float64 if r == 1 else torch.float32)), "Tensor dtypes: "),
        (lambda: dist.broadcast(torch.ones(2), 0) if r == 1 else dist.all_reduce(torch.ones(2)), "Op type: "),
        (lambda: dist.broadcast(torch.ones(2), src=int(r == 1)), "Root: "),
        (lambda: dist.all_gather([torch.zeros(2 + (r == 1)) for _ in range(n)], torch.ones(2 + (r == 1))),
         "Tensor shapes: "),
    ]
    for k, (call, aspect) in enumerate(cases):
        try:
            call()
        except RuntimeError as e:
            text = str(e)
            assert text.startswith("Detected mismatch between collectives on ranks. Rank "), text
            assert aspect in text, (aspect, text)
            other = 1 if r != 1 else 0
            assert f"Rank {r} is running collective: CollectiveFingerPrint(" in text, text
            assert f"but Rank {other} is running collective" in text, text
        else:
            raise AssertionError(f"case {k}: a mismatched collective ran on rank {r}")
    t = torch.ones(3)
    dist.all_reduce(t)
    assert torch.equal(t, torch.full((3,), float(n)))
    # without the check (TORCH_DISTRIBUTED_DEBUG=OFF), what MPI detects still raises: a broadcast
    # of more elements than a receiver has room for
    dist.set_debug_level(dist.DebugLevel.OFF)
    if r == 0:
        print("(Open MPI reports the next truncated broadcast on stderr, \"MPI Error in NBC subrequest\": expected)",
              flush=True)
    dist.barrier()
    try:
        dist.broadcast(torch.ones(4 if r == 0 else 2), src=0)
    except dist.DistBackendError as e:
        assert "MPI error" in str(e), str(e)
        if r == 0:
            raise AssertionError("rank 0, the sender, saw an error")
    else:
        if r != 0:
            raise AssertionError("a broadcast into a smaller buffer succeeded")
    finally:
        dist.set_debug_level(dist.DebugLevel.INFO)
    dist.barrier()


@check
def objects():
    n, r = dist.get_world_size(), dist.get_rank()
    got = [None] * n
    dist.all_gather_object(got, {"rank": r, "text": "x" * r})
    assert got == [{"rank": k, "text": "x" * k} for k in range(n)], got
    items = [("a", 1), 2.5] if r == n - 1 else [None, None]
    dist.broadcast_object_list(items, src=n - 1)
    assert items == [("a", 1), 2.5], items


@check
def destroy():
    dist.destroy_process_group()


if __name__ == "__main__":
    run("ddp")
