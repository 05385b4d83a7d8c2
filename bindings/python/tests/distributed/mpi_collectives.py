"""swiftgrad.distributed under mpirun (any number of processes): every collective against its
definition, computed locally from every rank's known input (rank r's tensor is a function of r).
Run by `make test-distributed`: mpirun -np N python mpi_collectives.py. Exits non-zero (and MPI
aborts the job) on the first failure."""
import sys
import time
from datetime import timedelta

import swiftgrad as torch
import swiftgrad.distributed as dist

from _checks import check, run  # this directory, the script's own, is on sys.path

DTYPES = [torch.float32, torch.float64, torch.int64, torch.int32, torch.uint8, torch.bool]


def value(r, dtype=torch.float64, shape=(2, 3)):
    """Rank r's input: small values (products of several ranks stay exact), distinct per rank."""
    n = 1
    for s in shape:
        n *= s
    base = torch.arange(n).reshape(shape)
    if dtype == torch.bool:
        return (base + r) % (r + 2) == 0
    if dtype == torch.uint8:
        return ((base + r) % 5 + 1).to(dtype)
    return ((base + 3 * r) % 7 - 2).to(dtype)


def expect_equal(got, want, what):
    if got.dtype != want.dtype or tuple(got.shape) != tuple(want.shape) or not torch.equal(got, want):
        raise AssertionError(f"rank {dist.get_rank()}: {what}: got\n{got}\nwant\n{want}")


def reduced(op, dtype, ranks, shape=(2, 3)):
    """The definition of reducing value(r) over `ranks` with op, computed here."""
    s = torch.stack([value(r, dtype, shape) for r in ranks])
    if dtype == torch.bool:
        if op in (dist.ReduceOp.SUM, dist.ReduceOp.MAX):
            return s.any(0)
        return s.all(0)
    if op == dist.ReduceOp.SUM:
        return s.sum(0).to(dtype)
    if op == dist.ReduceOp.PRODUCT:
        return s.prod(0).to(dtype)
    if op == dist.ReduceOp.MAX:
        return s.amax(0)
    if op == dist.ReduceOp.MIN:
        return s.amin(0)
    if op == dist.ReduceOp.AVG:
        return s.mean(0)
    raise ValueError(op)


@check
def errors_before_init():
    assert not dist.is_initialized()
    assert dist.is_available()
    for call in (dist.get_rank, dist.get_world_size, dist.barrier, dist.get_backend,
                 lambda: dist.all_reduce(torch.ones(2)), lambda: dist.new_group([0]),
                 lambda: dist.broadcast(torch.ones(2), 0), dist.destroy_process_group):
        try:
            call()
        except ValueError as e:
            assert str(e) == ("Default process group has not been initialized, "
                              "please make sure to call init_process_group."), str(e)
        else:
            raise AssertionError(f"{call} ran before init_process_group")
    try:
        dist.init_process_group("gloo")
    except RuntimeError as e:
        assert str(e) == "Distributed package doesn't have Gloo built in", str(e)
    else:
        raise AssertionError("gloo accepted")
    dist.init_process_group("mpi", init_method="env://")
    assert dist.is_initialized()
    try:
        dist.init_process_group("mpi")
    except ValueError as e:
        assert str(e) == "trying to initialize the default process group twice!"
    else:
        raise AssertionError("second init accepted")


@check
def world():
    from mpi4py import MPI
    assert dist.get_rank() == MPI.COMM_WORLD.Get_rank()
    assert dist.get_world_size() == MPI.COMM_WORLD.Get_size()
    assert dist.get_backend() == "mpi" and isinstance(dist.get_backend(), dist.Backend)
    dist.barrier()
    assert dist.barrier(async_op=True).wait() is True


@check
def all_reduce_every_op_and_dtype():
    n, r = dist.get_world_size(), dist.get_rank()
    for dtype in DTYPES:
        ops = [dist.ReduceOp.SUM, dist.ReduceOp.PRODUCT, dist.ReduceOp.MAX, dist.ReduceOp.MIN]
        if dtype.is_floating_point:
            ops.append(dist.ReduceOp.AVG)
        for op in ops:
            t = value(r, dtype)
            address = t.data_ptr()
            assert dist.all_reduce(t, op=op) is None
            assert t.data_ptr() == address  # in place
            expect_equal(t, reduced(op, dtype, range(n)), f"all_reduce {op} {dtype}")
    try:
        dist.all_reduce(value(r, torch.int64), op=dist.ReduceOp.AVG)
    except RuntimeError:
        pass
    else:
        raise AssertionError("AVG on an integer tensor accepted")


@check
def all_reduce_non_contiguous_and_scalar():
    n, r = dist.get_world_size(), dist.get_rank()
    t = value(r, torch.float32, (3, 2)).t()
    assert not t.is_contiguous()
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    expect_equal(t, reduced(dist.ReduceOp.MAX, torch.float32, range(n), (3, 2)).t(), "non-contiguous")
    s = torch.tensor(float(r + 1))
    dist.all_reduce(s)
    expect_equal(s, torch.tensor(float(n * (n + 1) // 2)), "0-d")
    e = torch.zeros(0)
    dist.all_reduce(e)
    assert e.shape == (0,)


@check
def reduce_to_each_root():
    n, r = dist.get_world_size(), dist.get_rank()
    for dst in range(n):
        t = value(r, torch.int64)
        dist.reduce(t, dst=dst, op=dist.ReduceOp.SUM)
        want = reduced(dist.ReduceOp.SUM, torch.int64, range(n)) if r == dst else value(r, torch.int64)
        expect_equal(t, want, f"reduce to {dst}")


@check
def broadcast_from_each_rank():
    n, r = dist.get_world_size(), dist.get_rank()
    for dtype in DTYPES:
        for src in range(n):
            t = value(r, dtype)
            dist.broadcast(t, src=src)
            expect_equal(t, value(src, dtype), f"broadcast from {src} {dtype}")
    t = value(r, torch.float32, (3, 2)).t()  # a non-contiguous receiver
    dist.broadcast(t, src=n - 1)
    expect_equal(t, value(n - 1, torch.float32, (3, 2)).t(), "broadcast non-contiguous")


@check
def all_gather_lists_and_tensors():
    n, r = dist.get_world_size(), dist.get_rank()
    for dtype in DTYPES:
        out = [torch.zeros((2, 3), dtype=dtype) for _ in range(n)]
        dist.all_gather(out, value(r, dtype))
        for k in range(n):
            expect_equal(out[k], value(k, dtype), f"all_gather[{k}] {dtype}")
        cat = torch.zeros((2 * n, 3), dtype=dtype)
        dist.all_gather_into_tensor(cat, value(r, dtype))
        expect_equal(cat, torch.cat([value(k, dtype) for k in range(n)]), f"all_gather_into_tensor cat {dtype}")
        stacked = torch.zeros((n, 2, 3), dtype=dtype)
        dist.all_gather_into_tensor(stacked, value(r, dtype))
        expect_equal(stacked, torch.stack([value(k, dtype) for k in range(n)]), "all_gather_into_tensor stack")
    try:
        dist.all_gather_into_tensor(torch.zeros(2 * n + 1), torch.zeros(2))
    except ValueError:
        pass
    else:
        raise AssertionError("wrong output size accepted")


@check
def reduce_scatter_every_op():
    n, r = dist.get_world_size(), dist.get_rank()
    for op in (dist.ReduceOp.SUM, dist.ReduceOp.PRODUCT, dist.ReduceOp.MAX, dist.ReduceOp.MIN, dist.ReduceOp.AVG):
        out = torch.zeros((2, 3), dtype=torch.float64)
        dist.reduce_scatter_tensor(out, value(r, torch.float64, (n * 2, 3)), op=op)
        whole = reduced(op, torch.float64, range(n), (n * 2, 3))
        expect_equal(out, whole[2 * r:2 * r + 2], f"reduce_scatter_tensor {op}")


@check
def gather_and_scatter():
    n, r = dist.get_world_size(), dist.get_rank()
    for root in range(n):
        got = [torch.zeros((2, 3), dtype=torch.int32) for _ in range(n)] if r == root else None
        dist.gather(value(r, torch.int32), got, dst=root)
        if r == root:
            for k in range(n):
                expect_equal(got[k], value(k, torch.int32), f"gather to {root}: [{k}]")
        pieces = [value(root * n + k, torch.float32) for k in range(n)] if r == root else None
        mine = torch.zeros((2, 3))
        dist.scatter(mine, pieces, src=root)
        expect_equal(mine, value(root * n + r, torch.float32), f"scatter from {root}")


@check
def async_ops():
    n, r = dist.get_world_size(), dist.get_rank()
    a, b = value(r, torch.float64), value(r, torch.int64)
    works = [dist.all_reduce(a, async_op=True), dist.all_reduce(b, op=dist.ReduceOp.MAX, async_op=True)]
    c = value(r, torch.float32)
    works.append(dist.broadcast(c, src=0, async_op=True))
    cat = torch.zeros((2 * n, 3), dtype=torch.int64)
    works.append(dist.all_gather_into_tensor(cat, value(r, torch.int64), async_op=True))
    lst = [torch.zeros(2, 3) for _ in range(n)]
    works.append(dist.all_gather(lst, value(r, torch.float32), async_op=True))
    for w in works:
        assert isinstance(w, dist.Work)
        assert w.wait() is True
        assert w.is_completed()
    expect_equal(a, reduced(dist.ReduceOp.SUM, torch.float64, range(n)), "async all_reduce")
    expect_equal(b, reduced(dist.ReduceOp.MAX, torch.int64, range(n)), "async all_reduce MAX")
    expect_equal(c, value(0, torch.float32), "async broadcast")
    expect_equal(cat, torch.cat([value(k, torch.int64) for k in range(n)]), "async all_gather_into_tensor")
    for k in range(n):
        expect_equal(lst[k], value(k, torch.float32), "async all_gather")
    # a temporary non-contiguous input (staged through a copy) must outlive the call until wait()
    import gc
    lst = [torch.zeros(3, 2) for _ in range(n)]
    w = dist.all_gather(lst, value(r, torch.float32, (2, 3)).t(), async_op=True)
    gc.collect()
    w.wait()
    for k in range(n):
        expect_equal(lst[k], value(k, torch.float32, (2, 3)).t().contiguous(), "async all_gather of a temporary")
    avg = value(r, torch.float64)
    w = dist.all_reduce(avg, op=dist.ReduceOp.AVG, async_op=True)
    while not w.is_completed():
        pass
    expect_equal(avg, reduced(dist.ReduceOp.AVG, torch.float64, range(n)), "async AVG by is_completed")


@check
def send_recv_ring():
    n, r = dist.get_world_size(), dist.get_rank()
    nxt, prev = (r + 1) % n, (r - 1) % n
    got = torch.zeros((2, 3), dtype=torch.int64)
    w = dist.isend(value(r, torch.int64), dst=nxt)
    assert dist.recv(got, src=prev) == prev
    w.wait()
    expect_equal(got, value(prev, torch.int64), "ring recv")
    # any source, blocking send on one side (its own tag: the ring's next message to rank 0,
    # which its predecessor may send before the others' any-source messages arrive, must not match)
    got = torch.zeros(2, 3)
    if r == 0:
        for _ in range(n - 1):
            sender = dist.recv(got, tag=1)
            expect_equal(got, value(sender, torch.float32), f"recv from any ({sender})")
    else:
        dist.send(value(r, torch.float32), dst=0, tag=1)
    w = dist.irecv(got, src=prev)
    dist.send(value(10 + r, torch.float32), dst=nxt)
    w.wait()
    expect_equal(got, value(10 + prev, torch.float32), "irecv")
    try:
        dist.send(got, dst=r)
    except ValueError:
        pass
    else:
        raise AssertionError("send to self accepted")


@check
def collective_timeout():
    """A process that does not join a collective: the call raises DistBackendError after the
    group's timeout instead of hanging. The others join late (after a barrier that rank 0 reaches
    once it has given up): they complete the check of the collective that rank 0 started (its
    fingerprint exchange), then wait in vain for rank 0's part of the all-reduce, and give up
    after the timeout too. The default group still works."""
    r = dist.get_rank()
    g = dist.new_group(list(range(dist.get_world_size())), timeout=timedelta(seconds=1))
    t = torch.ones(3)

    def gives_up():
        start = time.monotonic()
        try:
            dist.all_reduce(t, group=g)
        except dist.DistBackendError as e:
            elapsed = time.monotonic() - start
            if not (1 <= elapsed < 10 and "all_reduce timed out after 1 seconds" in str(e)):
                raise AssertionError(f"timeout after {elapsed:.2f} s: {e}")
        else:
            raise AssertionError("all_reduce returned while a process had not joined it")
    if r == 0:
        gives_up()
    dist.barrier()
    if r != 0:
        gives_up()
    dist.barrier()


@check
def sub_group():
    n, r = dist.get_world_size(), dist.get_rank()
    ranks = [n - 1, 0] if n >= 3 else [1]
    g = dist.new_group(ranks)
    members = sorted(ranks)
    if r in members:
        assert dist.get_rank(g) == members.index(r)
        assert dist.get_world_size(g) == len(members)
        assert dist.get_process_group_ranks(g) == members
        t = value(r, torch.float64)
        dist.all_reduce(t, group=g)
        expect_equal(t, reduced(dist.ReduceOp.SUM, torch.float64, members), "sub-group all_reduce")
        t = value(r, torch.int64)
        dist.broadcast(t, src=members[-1], group=g)  # a global rank
        expect_equal(t, value(members[-1], torch.int64), "sub-group broadcast")
        out = [torch.zeros((2, 3)) for _ in members]
        dist.all_gather(out, value(r, torch.float32), group=g)
        for k, m in enumerate(members):
            expect_equal(out[k], value(m, torch.float32), "sub-group all_gather")
        dist.barrier(group=g)
        dist.destroy_process_group(g)
    else:
        assert g is dist.GroupMember.NON_GROUP_MEMBER
        assert dist.get_rank(g) == -1
        t = value(r, torch.float64)
        dist.all_reduce(t, group=g)  # skipped on a non-member, as torch
        expect_equal(t, value(r, torch.float64), "non-member untouched")
    dist.barrier()


@check
def sampler_from_the_process_group():
    """DistributedSampler without num_replicas/rank takes the default group's; the ranks' shares,
    gathered, are torch's definition: the (padded) permutation, strided by rank."""
    n, r = dist.get_world_size(), dist.get_rank()
    s = torch.utils.data.DistributedSampler(range(10), seed=3)
    assert (s.num_replicas, s.rank) == (n, r)
    mine = torch.tensor(list(s))
    everyone = [torch.zeros(len(s), dtype=torch.int64) for _ in range(n)]
    dist.all_gather(everyone, mine)
    g = torch.Generator().manual_seed(3)
    order = torch.randperm(10, generator=g).tolist()
    order += order[:s.total_size - 10]
    for k in range(n):
        assert everyone[k].tolist() == order[k::n], (k, everyone[k], order)


@check
def destroy():
    dist.destroy_process_group()
    assert not dist.is_initialized()
    try:
        dist.all_reduce(torch.ones(1))
    except ValueError:
        pass
    else:
        raise AssertionError("all_reduce after destroy_process_group ran")
    dist.init_process_group(backend="mpi", timeout=dist.default_pg_timeout)  # again, as torch allows
    t = torch.ones(3)
    dist.all_reduce(t)
    expect_equal(t, torch.full((3,), float(dist.get_world_size())), "after re-init")
    dist.destroy_process_group()


if __name__ == "__main__":
    run("distributed")
