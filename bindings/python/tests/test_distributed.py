"""swiftgrad.distributed without mpirun: what holds before init_process_group (PyTorch's errors),
and that importing swiftgrad neither needs nor starts MPI. The collectives themselves run under
mpirun in `make test-distributed` (tests/distributed/mpi_collectives.py)."""
import os
import subprocess
import sys

import pytest

import swiftgrad as torch
import swiftgrad.distributed as dist

NOT_INITIALIZED = ("Default process group has not been initialized, "
                   "please make sure to call init_process_group.")


def test_import_does_not_start_mpi():
    code = "import sys, swiftgrad; swiftgrad.distributed.is_initialized(); print('mpi4py.MPI' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True)
    assert out.stdout.strip() == "False"
    assert torch.distributed is dist


@pytest.mark.parametrize("call", [
    dist.get_rank, dist.get_world_size, dist.get_backend, dist.barrier, dist.destroy_process_group,
    lambda: dist.all_reduce(torch.ones(2)), lambda: dist.broadcast(torch.ones(2), 0),
    lambda: dist.all_gather([torch.ones(2)], torch.ones(2)), lambda: dist.new_group([0]),
    lambda: dist.send(torch.ones(2), 1), lambda: dist.recv(torch.ones(2), 1),
])
def test_errors_before_init(call):
    assert not dist.is_initialized()
    with pytest.raises(ValueError) as e:
        call()
    assert str(e.value) == NOT_INITIALIZED


def test_other_backends_and_argument_types():
    with pytest.raises(RuntimeError, match="doesn't have Gloo built in"):
        dist.init_process_group("gloo")
    with pytest.raises(RuntimeError, match="doesn't have NCCL built in"):
        dist.init_process_group("nccl")
    assert not dist.is_initialized()
    with pytest.raises(TypeError, match="Expected parameter `tensor` of type torch.Tensor"):
        dist.all_reduce([1.0, 2.0])
    with pytest.raises(TypeError, match="Expected parameter `tensor_list` of type List"):
        dist.all_gather(torch.ones(2), torch.ones(2))


def test_reduce_op_and_backend_names():
    # as torch prints them: <RedOpType.SUM: 0>, RedOpType.SUM; Backend("MPI") == "mpi"
    assert repr(dist.ReduceOp.SUM) == "<RedOpType.SUM: 0>"
    assert str(dist.ReduceOp.MAX) == "RedOpType.MAX"
    assert dist.Backend("MPI") == dist.Backend.MPI == "mpi"
    assert {op.name for op in dist.ReduceOp} >= {"SUM", "AVG", "PRODUCT", "MIN", "MAX"}


# ---- DistributedSampler against PyTorch's index lists (tests/distributed/distributed_sampler.json,
# recorded by tests/distributed/record_sampler.py with torch) -------------------------------------

import json  # noqa: E402
import pathlib  # noqa: E402

SAMPLER_CASES = json.loads((pathlib.Path(__file__).parent / "distributed" / "distributed_sampler.json").read_text())


@pytest.mark.parametrize("case", SAMPLER_CASES["cases"],
                         ids=lambda c: "n{n}-r{replicas}-shuffle{shuffle}-drop{drop_last}-s{seed}-e{epoch}".format(**c))
def test_distributed_sampler_matches_torch(case, monkeypatch):
    """torch's shares for every rank. swiftgrad's random stream is not torch's (README), so a
    shuffled case is replayed with the permutation torch drew, after checking that the sampler
    seeds its generator with seed + epoch: what is compared is the sampler's own logic
    (padding by repetition, drop_last, striding by rank)."""
    from swiftgrad.utils.data import distributed as sampler_module
    seeds = []
    if case["shuffle"]:
        def torch_randperm(n, generator=None):
            seeds.append(generator.initial_seed())
            assert n == case["n"]
            return torch.tensor(case["permutation"])
        monkeypatch.setattr(sampler_module, "randperm", torch_randperm)
    for rank in range(case["replicas"]):
        s = torch.utils.data.DistributedSampler(range(case["n"]), num_replicas=case["replicas"], rank=rank,
                                                shuffle=case["shuffle"], seed=case["seed"],
                                                drop_last=case["drop_last"])
        s.set_epoch(case["epoch"])
        assert len(s) == case["lengths"][rank]
        assert list(s) == case["shares"][rank]
    if case["shuffle"]:
        assert seeds == [case["seed"] + case["epoch"]] * case["replicas"]
