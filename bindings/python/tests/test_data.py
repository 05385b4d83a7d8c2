"""torch.utils.data: datasets, samplers, collation and DataLoader, with and without worker
processes. Expected values are derived by hand or from the sampler's documented seeding (one
int64 draw from the default generator seeds a fresh one), and deterministic outcomes are compared
with PyTorch 2.15's (reference/data_cases.py, stored in reference/data_reference.json; with
TORCH_PYTHON set the stored file is checked against a fresh run of PyTorch). Random orders are
checked by their properties (permutations, reproducibility), not against PyTorch's draws: the
generators differ."""
import collections
import copy
import gc
import json
import math
import multiprocessing
import os
import pathlib
import pickle
import random
import re
import signal
import subprocess
import sys
import time
import warnings

import pytest

import swiftgrad as torch
from swiftgrad.utils import data
from swiftgrad.utils.data import DataLoader, TensorDataset
from swiftgrad.utils.data._utils import worker as worker_module

from conftest import needs_numpy, numpy_available

REFERENCE_DIR = pathlib.Path(__file__).resolve().parent / "reference"
sys.path.insert(0, str(REFERENCE_DIR))
import data_cases  # noqa: E402 - from the reference directory

REFERENCE = json.loads((REFERENCE_DIR / "data_reference.json").read_text())["cases"]
DATAPIPES = {"DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe", "argument_validation",
             "functional_datapipe", "guaranteed_datapipes_determinism", "non_deterministic", "runtime_validation",
             "runtime_validation_disabled"}


# ---- against PyTorch's outcomes -------------------------------------------------------------------

def test_every_case_has_a_reference():
    assert sorted(data_cases.CASES) == sorted(REFERENCE)


@pytest.mark.parametrize("name", sorted(set(data_cases.CASES) - {"exported_names"}))
def test_matches_pytorch(name):
    if name in data_cases.NEEDS_NUMPY and not numpy_available():
        pytest.skip("needs numpy")
    got = json.loads(json.dumps(data_cases.CASES[name](torch)))
    want = REFERENCE[name]
    if isinstance(want, list) and len(got) == len(want):
        for i, (g, w) in enumerate(zip(got, want)):
            assert g == w, f"{name}[{i}]"
    assert got == want


def test_exported_names_are_pytorchs_without_the_datapipes():
    want = REFERENCE["exported_names"]
    got = data_cases.exported_names(torch)
    assert got["data"] == sorted(set(want["data"]) - DATAPIPES)
    assert {k: v for k, v in got.items() if k != "data"} == {k: v for k, v in want.items() if k != "data"}
    for name in data.__all__:
        assert getattr(data, name) is getattr(torch.utils.data, name)
    assert torch.utils.data.get_worker_info is worker_module.get_worker_info
    assert torch.utils.data.default_collate is data._utils.collate.default_collate


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_stored_reference_is_what_pytorch_gives(tmp_path):
    out = tmp_path / "fresh.json"
    program = (f"import sys; sys.path.insert(0, {str(REFERENCE_DIR)!r}); sys.argv = ['data_cases', {str(out)!r}]\n"
               "import data_cases; data_cases.main()\n")
    result = subprocess.run([os.environ["TORCH_PYTHON"], "-c", program], capture_output=True, text=True, timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fresh = json.loads(out.read_text())
    assert fresh["torch"].startswith("2.15"), fresh["torch"]
    assert fresh["cases"] == REFERENCE


# ---- datasets ----------------------------------------------------------------------------------

def test_tensor_dataset_rows_and_size_mismatch():
    X = torch.arange(12.0).reshape(4, 3)
    y = torch.tensor([10, 11, 12, 13])
    ds = TensorDataset(X, y)
    assert len(ds) == 4
    row, label = ds[2]
    assert row.tolist() == [6.0, 7.0, 8.0] and label.item() == 12
    with pytest.raises(AssertionError, match="^Size mismatch between tensors$"):
        TensorDataset(X, torch.arange(3))


def test_concat_chain_stack_subset_and_add():
    a, b = data_cases.Squares(3), data_cases.Squares(2)
    both = data.Subset(a, [0, 1, 2]) + data.Subset(b, [1])
    assert isinstance(both, data.ConcatDataset)
    assert [both[i] for i in range(len(both))] == [0, 1, 4, 1]
    assert both[-1] == 1 and both[-4] == 0

    class Stream(data.IterableDataset):
        def __init__(self, values):
            self.values = values

        def __iter__(self):
            return iter(self.values)

    chained = Stream([1, 2]) + Stream([3])
    assert isinstance(chained, data.ChainDataset) and list(chained) == [1, 2, 3]
    with pytest.raises(TypeError):  # no __len__: Python's own error
        len(Stream([1]))
    stacked = data.StackDataset(x=a, y=[7, 8, 9])
    assert stacked[1] == {"x": 1, "y": 8} and len(stacked) == 3


def test_dataset_is_generic_like_pytorchs():
    assert data.Dataset[int] is not None and data.Sampler[int] is not None


def test_random_split_sizes_by_hand_and_reproducibility():
    # 11 items in halves: floor(5.5) = 5 each, the remainder 1 goes to the first split.
    parts = data.random_split(range(11), [0.5, 0.5], generator=torch.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [6, 5]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(11))
    # 7 items in tenths: every floor is 0, the remainder 7 goes one each to the first seven.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parts = data.random_split(range(7), [0.1] * 10, generator=torch.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [1] * 7 + [0] * 3
    assert [str(w.message) for w in caught] == [
        f"Length of split at index {i} is 0. This might result in an empty dataset." for i in (7, 8, 9)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = data.random_split(range(7), [0.1] * 10, generator=torch.Generator().manual_seed(1))
    assert [p.indices for p in again] == [p.indices for p in parts]
    # The default generator: reproducible under manual_seed, and it is randperm's order.
    torch.manual_seed(3)
    first = [p.indices for p in data.random_split(range(9), [4, 5])]
    torch.manual_seed(3)
    order = torch.randperm(9).tolist()
    assert first == [order[:4], order[4:]]


# ---- samplers ----------------------------------------------------------------------------------

def test_random_sampler_seeds_a_fresh_generator_from_the_default_one():
    # PyTorch: without a generator, one int64 draw from the default generator seeds a new
    # generator, which draws the permutation.
    torch.manual_seed(11)
    order = list(data.RandomSampler(range(10)))
    torch.manual_seed(11)
    seed = int(torch.empty((), dtype=torch.int64).random_().item())
    expected = torch.randperm(10, generator=torch.Generator().manual_seed(seed)).tolist()
    assert order == expected
    assert sorted(order) == list(range(10))
    # ... and the default generator moved by exactly that one draw.
    torch.manual_seed(11)
    list(data.RandomSampler(range(10)))
    after = torch.rand(3).tolist()
    torch.manual_seed(11)
    torch.empty((), dtype=torch.int64).random_()
    assert torch.rand(3).tolist() == after


def test_random_sampler_with_a_generator_and_num_samples():
    g = torch.Generator().manual_seed(5)
    a = list(data.RandomSampler(range(4), num_samples=10, generator=g))
    b = list(data.RandomSampler(range(4), num_samples=10, generator=torch.Generator().manual_seed(5)))
    assert a == b and len(a) == 10
    # without replacement: two whole permutations, then 2 distinct indices
    assert sorted(a[:4]) == sorted(a[4:8]) == [0, 1, 2, 3] and len(set(a[8:])) == 2
    drawn = list(data.RandomSampler(range(5), replacement=True, num_samples=70, generator=g))
    assert len(drawn) == 70 and set(drawn) <= set(range(5)) and len(set(drawn)) == 5
    # replacement draws come from randint in blocks of 32, then the remainder
    g1, g2 = torch.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    blocks = (torch.randint(0, 5, (32,), generator=g2).tolist() + torch.randint(0, 5, (32,), generator=g2).tolist()
              + torch.randint(0, 5, (6,), generator=g2).tolist())
    assert list(data.RandomSampler(range(5), True, 70, generator=g1)) == blocks


def test_subset_and_weighted_samplers():
    g = torch.Generator().manual_seed(2)
    order = list(data.SubsetRandomSampler([10, 20, 30, 40], generator=g))
    assert sorted(order) == [10, 20, 30, 40]
    assert order == [[10, 20, 30, 40][i] for i in torch.randperm(4, generator=torch.Generator().manual_seed(2)).tolist()]
    sampler = data.WeightedRandomSampler([1.0, 0.0, 3.0], 4000, generator=torch.Generator().manual_seed(0))
    draws = list(sampler)
    assert sampler.weights.dtype == torch.float64 and len(draws) == 4000
    assert set(draws) == {0, 2}
    share = draws.count(2) / 4000  # 3/4 expected; 4 standard deviations is 0.027
    assert abs(share - 0.75) < 0.03
    distinct = list(data.WeightedRandomSampler([1, 2, 3, 4, 5], 5, replacement=False))
    assert sorted(distinct) == [0, 1, 2, 3, 4]


def test_distributed_sampler_shuffles_by_seed_and_epoch():
    def share(rank, epoch):
        s = data.DistributedSampler(range(10), num_replicas=2, rank=rank, seed=4)
        s.set_epoch(epoch)
        return list(s)

    assert sorted(share(0, 0) + share(1, 0)) == list(range(10))
    order = torch.randperm(10, generator=torch.Generator().manual_seed(4 + 1)).tolist()
    assert share(0, 1) == order[0::2] and share(1, 1) == order[1::2]
    # without a process group: torch's errors (the package is there when mpi4py is)
    if torch.distributed.is_available():
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            data.DistributedSampler(range(3))
    else:
        with pytest.raises(RuntimeError, match="Requires distributed package to be available"):
            data.DistributedSampler(range(3))


# ---- collation ----------------------------------------------------------------------------------

def test_default_collate_by_hand():
    Point = collections.namedtuple("Point", "x y")
    batch = data.default_collate([Point(torch.tensor([1.0, 2.0]), 3), Point(torch.tensor([4.0, 5.0]), 6)])
    assert type(batch) is Point
    assert batch.x.tolist() == [[1.0, 2.0], [4.0, 5.0]] and batch.x.dtype == torch.float32
    assert batch.y.tolist() == [3, 6] and batch.y.dtype == torch.int64
    assert data.default_collate([1.5, 2.0]).dtype == torch.float64
    assert data.default_collate([True, False]).dtype == torch.bool
    assert data.default_collate(["a", "b"]) == ["a", "b"]
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        data.default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="found <class 'set'>"):
        data.default_collate([{1}, {2}])


def test_collate_keeps_mapping_and_sequence_types():
    class Record(dict):
        pass

    out = data.default_collate([Record(a=1), Record(a=2)])
    assert type(out) is Record and out["a"].tolist() == [1, 2]
    out = data.default_convert(collections.deque([1, 2]))
    assert type(out) is collections.deque and list(out) == [1, 2]


@needs_numpy
def test_collate_numpy_and_the_collate_fn_map():
    import numpy as np
    from swiftgrad.utils.data._utils import collate as collate_module
    batch = data.default_collate([np.arange(3, dtype=np.int32), np.arange(3, 6, dtype=np.int32)])
    assert batch.dtype == torch.int32 and batch.tolist() == [[0, 1, 2], [3, 4, 5]]
    keys = list(collate_module.default_collate_fn_map)
    assert keys[:3] == [torch.Tensor, np.ndarray, (np.bool_, np.number, np.object_)]  # PyTorch's order
    assert keys[3:] == [float, int, str, bytes]
    converted = data.default_convert({"a": np.array([1.5]), "b": (np.int64(2), "s")})
    assert converted["a"].dtype == torch.float64 and converted["b"][0].dtype == torch.int64
    assert converted["b"][1] == "s" and isinstance(converted["b"], list)


# ---- DataLoader in the main process ------------------------------------------------------------

def test_d2l_style_loader():
    n, batch_size = 100, 16
    X = torch.randn(n, 2)
    y = X @ torch.tensor([2.0, -3.4]) + 4.2
    loader = data.DataLoader(data.TensorDataset(X, y), batch_size, shuffle=True)
    assert len(loader) == math.ceil(n / batch_size)
    epochs = []
    for _ in range(2):
        seen = []
        for xb, yb in loader:
            assert xb.shape[1:] == (2,) and xb.shape[0] == yb.shape[0] <= batch_size
            # rows stay paired with their labels
            assert torch.allclose(yb, xb @ torch.tensor([2.0, -3.4]) + 4.2)
            seen.append(xb)
        epoch = torch.cat(seen)
        assert [len(b) for b in seen] == [16] * 6 + [4]
        assert sorted(epoch[:, 0].tolist()) == sorted(X[:, 0].tolist())
        epochs.append(epoch[:, 0].tolist())
    assert epochs[0] != epochs[1]  # reshuffled every epoch


def test_shuffle_is_reproducible_under_manual_seed_and_generator():
    ds = data_cases.Squares(20)

    def order(**kwargs):
        return [v for b in DataLoader(ds, batch_size=3, shuffle=True, **kwargs) for v in b.tolist()]

    torch.manual_seed(0)
    a = order()
    torch.manual_seed(0)
    assert order() == a
    torch.manual_seed(1)
    assert order() != a
    g = order(generator=torch.Generator().manual_seed(8))
    torch.manual_seed(123)
    assert order(generator=torch.Generator().manual_seed(8)) == g  # the default generator plays no part


def test_iterating_draws_the_base_seed_from_the_loaders_generator():
    # Each iterator draws its workers' base seed (even without workers): one int64 draw from
    # the loader's generator, else from the default one.
    torch.manual_seed(4)
    iter(DataLoader(data_cases.Squares(3)))
    after = torch.rand(2).tolist()
    torch.manual_seed(4)
    torch.empty((), dtype=torch.int64).random_()
    assert torch.rand(2).tolist() == after
    g = torch.Generator().manual_seed(6)
    iter(DataLoader(data_cases.Squares(3), generator=g))
    g2 = torch.Generator().manual_seed(6)
    torch.empty((), dtype=torch.int64).random_(generator=g2)
    assert torch.rand(2, generator=g).tolist() == torch.rand(2, generator=g2).tolist()


def test_pin_memory_warns_and_is_a_no_op():
    X = torch.arange(4.0)
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator is found"):
        batches = list(DataLoader(TensorDataset(X), batch_size=2, pin_memory=True))
    assert [b[0].tolist() for b in batches] == [[0.0, 1.0], [2.0, 3.0]]


def test_too_many_workers_warning(monkeypatch):
    from swiftgrad.utils.data import dataloader as dataloader_module
    monkeypatch.setattr(dataloader_module, "cpu_count", lambda: 1)
    with pytest.warns(UserWarning) as caught:
        DataLoader(data_cases.Squares(2), num_workers=2)
    assert str(caught[0].message) == (
        "This DataLoader will create 2 worker processes in total. Our suggested max number of worker in current system "
        "is 1, which is smaller than what this DataLoader is going to create. Please be aware that excessive worker "
        "creation might get DataLoader running slow or even freeze, lower the worker number to avoid potential "
        "slowness/freeze if necessary.")


# ---- pickling tensors (what crosses the worker queues) ------------------------------------------

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.bool, torch.float16,
                                   torch.bfloat16, torch.int8, torch.uint8, torch.int16, torch.int32])
def test_tensors_pickle_with_dtype_shape_and_values(dtype):
    t = torch.arange(6).reshape(2, 3).to(dtype)
    u = pickle.loads(pickle.dumps(t))
    assert u.dtype == dtype and u.shape == (2, 3) and u.tolist() == t.tolist()
    for v in (t[:, 1:].t(), t[0, 0], t[:0]):  # a transposed view, 0-d, empty
        w = pickle.loads(pickle.dumps(v))
        assert w.dtype == dtype and w.shape == v.shape and w.tolist() == v.tolist()


def test_pickled_tensors_are_copies_and_leaves():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    x.grad = torch.tensor([5.0, 5.0])
    for t in (x, y):  # PyTorch pickles requires_grad, not grad nor grad_fn
        u = pickle.loads(pickle.dumps(t))
        assert u.requires_grad and u.is_leaf and u.grad is None and u.grad_fn is None
    plain = torch.zeros(2)
    copy = pickle.loads(pickle.dumps(plain))
    copy.add_(1)
    assert plain.tolist() == [0.0, 0.0] and not copy.requires_grad
    p = pickle.loads(pickle.dumps(torch.nn.Parameter(torch.tensor([1.5, 2.0]), requires_grad=False)))
    assert type(p) is torch.nn.Parameter and p.tolist() == [1.5, 2.0] and not p.requires_grad


def test_copy_shares_memory_and_deepcopy_copies_data_and_grad():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    a.grad = torch.tensor([0.5, 0.5])
    shallow, deep = copy.copy(a), copy.deepcopy(a)
    with torch.no_grad():
        a.add_(10)
    assert shallow.tolist() == [11.0, 12.0] and shallow.requires_grad and shallow.grad is None
    assert deep.tolist() == [1.0, 2.0] and deep.requires_grad and deep.is_leaf
    assert deep.grad.tolist() == [0.5, 0.5] and deep.grad.data_ptr() != a.grad.data_ptr()
    with pytest.raises(RuntimeError, match="^Only Tensors created explicitly by the user"):
        copy.deepcopy(a * 2)
    # Parameters as PyTorch's: copy.copy shares the data, deepcopy copies it (and .grad), and a
    # deep copy of a module is an independent module.
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    p.grad = torch.tensor([3.0, 4.0])
    shallow, deep = copy.copy(p), copy.deepcopy(p)
    assert type(shallow) is torch.nn.Parameter and type(deep) is torch.nn.Parameter
    with torch.no_grad():
        p.mul_(2)
    assert shallow.tolist() == [2.0, 4.0] and deep.tolist() == [1.0, 2.0] and deep.grad.tolist() == [3.0, 4.0]
    layer = torch.nn.Linear(2, 1)
    twin = copy.deepcopy(layer)
    with torch.no_grad():
        layer.weight.fill_(7.0)
    assert twin.weight.tolist() != [[7.0, 7.0]] and type(twin.weight) is torch.nn.Parameter
    assert [n for n, _ in twin.named_parameters()] == ["weight", "bias"]


# ---- worker processes ---------------------------------------------------------------------------

class WorkerRandomness:
    """Per sample: which worker, its seed, and the first draws of swiftgrad, random and numpy
    there."""

    def __getitem__(self, i):
        info = data.get_worker_info()
        numpy_draw = None
        if numpy_available():
            import numpy as np
            numpy_draw = int(np.random.randint(0, 2**31))
        return {"index": i, "id": info.id, "seed": info.seed, "torch": torch.rand(1).item(),
                "random": random.random(), "numpy": numpy_draw, "num_workers": info.num_workers,
                "initial_seed": torch.initial_seed()}

    def __len__(self):
        return 2


def test_workers_are_seeded_from_the_loaders_generator():
    loader = DataLoader(WorkerRandomness(), batch_size=None, num_workers=2, generator=torch.Generator().manual_seed(21))
    samples = list(loader)
    base = torch.empty((), dtype=torch.int64).random_(generator=torch.Generator().manual_seed(21)).item()
    assert [s["index"] for s in samples] == [0, 1] and [s["id"] for s in samples] == [0, 1]  # round robin, in order
    for s in samples:
        seed = base + s["id"]
        assert s["seed"] == seed == s["initial_seed"] and s["num_workers"] == 2
        torch.manual_seed(seed)
        assert s["torch"] == torch.rand(1).item()
        assert s["random"] == random.Random(seed).random()
        if numpy_available():
            import numpy as np
            # numpy's SeedSequence over (worker id, base seed's low and high words, 0)
            words = np.random.SeedSequence([s["id"], base & 0xFFFFFFFF, base >> 32, 0]).generate_state(4)
            assert s["numpy"] == int(np.random.RandomState(words).randint(0, 2**31))
    again = list(DataLoader(WorkerRandomness(), batch_size=None, num_workers=2,
                            generator=torch.Generator().manual_seed(21)))
    assert again == samples
    next_epoch = list(loader)  # a new iterator draws a new base seed from the same generator
    assert next_epoch[0]["seed"] != samples[0]["seed"]


def test_numpy_seed_words_are_numpys_seed_sequence():
    np = pytest.importorskip("numpy")
    for base in (0, 5, 2**32 + 7, 2**63 - 1):
        for wid in (0, 3):
            expected = np.random.SeedSequence([wid, base & 0xFFFFFFFF, base >> 32, 0]).generate_state(4).tolist()
            assert worker_module._generate_state(base, wid) == expected


def test_workers_give_the_single_process_batches_in_order():
    X = torch.arange(40.0).reshape(20, 2)
    ds = TensorDataset(X, torch.arange(20))
    single = [b[1].tolist() for b in DataLoader(ds, batch_size=3, shuffle=True, generator=torch.Generator().manual_seed(2))]
    multi = [b[1].tolist() for b in DataLoader(ds, batch_size=3, shuffle=True, num_workers=2,
                                                generator=torch.Generator().manual_seed(2))]
    assert multi == single
    unordered = [b[1].tolist() for b in DataLoader(ds, batch_size=3, shuffle=True, num_workers=2, in_order=False,
                                                    generator=torch.Generator().manual_seed(2))]
    assert sorted(unordered) == sorted(single)
    X_batches = [b[0] for b in DataLoader(ds, batch_size=4, num_workers=2)]
    assert torch.equal(torch.cat(X_batches), X) and X_batches[0].dtype == torch.float32


_init_log = []


def _record_worker_init(worker_id):
    _init_log.append(worker_id)  # in the worker's copy of this module


class InitSeen:
    def __getitem__(self, i):
        return list(_init_log)

    def __len__(self):
        return 4


def test_worker_init_fn_runs_once_in_each_worker():
    got = list(DataLoader(InitSeen(), batch_size=None, num_workers=2, worker_init_fn=_record_worker_init))
    assert got == [[0], [1], [0], [1]]
    assert _init_log == []  # not in the main process


class Range(data.IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return iter(range(self.start, self.end))


def _split_range(worker_id):
    info = data.get_worker_info()
    ds = info.dataset
    per_worker = math.ceil((ds.end - ds.start) / info.num_workers)
    ds.start, ds.end = ds.start + worker_id * per_worker, min(ds.start + (worker_id + 1) * per_worker, ds.end)


def test_iterable_dataset_is_replicated_in_each_worker():
    # PyTorch's documented example: every worker iterates its own copy ...
    assert [int(v) for v in DataLoader(Range(3, 7), num_workers=2)] == [3, 3, 4, 4, 5, 5, 6, 6]
    # ... unless worker_init_fn configures each copy.
    assert [int(v) for v in DataLoader(Range(3, 7), num_workers=2, worker_init_fn=_split_range)] == [3, 5, 4, 6]
    assert data.get_worker_info() is None


class FailsAt:
    def __init__(self, bad):
        self.bad = bad

    def __getitem__(self, i):
        if i == self.bad:
            raise ValueError(f"bad index {i}")
        return i

    def __len__(self):
        return 8


def _children_end(processes, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(p.is_alive() for p in processes):
        time.sleep(0.02)
    return not any(p.is_alive() for p in processes)


def test_worker_exception_is_reraised_and_loading_goes_on():
    it = iter(DataLoader(FailsAt(3), batch_size=2, num_workers=2))
    assert next(it).tolist() == [0, 1]
    with pytest.raises(ValueError) as caught:
        next(it)
    message = str(caught.value)
    assert message.startswith("Caught ValueError in DataLoader worker process 1.\nOriginal Traceback (most recent "
                              "call last):\n")
    assert message.rstrip().endswith("ValueError: bad index 3") and "test_data.py" in message
    del caught
    assert next(it).tolist() == [4, 5] and next(it).tolist() == [6, 7]
    with pytest.raises(StopIteration):
        next(it)
    assert _children_end(it._workers)


class Unpicklable:
    def __getitem__(self, i):
        return (lambda: i) if i == 2 else i

    def __len__(self):
        return 4


def test_an_unpicklable_result_is_reported_not_awaited():
    # PyTorch's result queue prints the pickling error in the worker and the main process waits
    # for that batch for ever; here it is re-raised like any error in the worker.
    it = iter(DataLoader(Unpicklable(), batch_size=None, num_workers=2))
    assert [next(it), next(it)] == [0, 1]
    with pytest.raises(AttributeError, match="^Caught AttributeError in DataLoader worker process 0.\nOriginal "):
        next(it)
    assert next(it) == 3


def _fail_init(worker_id):
    raise ZeroDivisionError("no init")


def test_worker_init_fn_failure_is_reported_on_the_first_batch():
    with pytest.raises(ZeroDivisionError, match="^Caught ZeroDivisionError in DataLoader worker process 0"):
        list(DataLoader(data_cases.Squares(4), num_workers=2, worker_init_fn=_fail_init))


def test_early_break_and_garbage_collection_stop_the_workers():
    loader = DataLoader(data_cases.Squares(50), batch_size=2, num_workers=2)
    it = iter(loader)
    next(it)
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    del it  # as `for batch in loader: break` does
    assert _children_end(workers, 8)

    def fail_into_a_cycle():
        it = iter(DataLoader(FailsAt(0), num_workers=2))
        try:
            next(it)
        except ValueError as e:
            error = e  # the frame holds the exception, whose traceback holds the frame
        return list(it._workers), error

    workers, error = fail_into_a_cycle()
    del error
    start = time.monotonic()
    gc.collect()
    assert _children_end(workers, 8)
    assert time.monotonic() - start < 4  # no waits on closed process sentinels


class Killer:
    def __init__(self, how):
        self.how = how

    def __getitem__(self, i):
        if i == 1:
            if self.how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(3)
        return i

    def __len__(self):
        return 4


@pytest.mark.parametrize("how", ["kill", "exit"])
def test_a_worker_that_dies_raises(how):
    with pytest.raises(RuntimeError) as caught:
        list(DataLoader(Killer(how), num_workers=2))
    pid = re.fullmatch(r"DataLoader worker \(pid\(s\) (\d+)\) exited unexpectedly", str(caught.value)).group(1)
    assert pid != str(os.getpid())
    if how == "kill":  # (however early the worker died: nothing is raised from a signal handler)
        assert str(caught.value.__cause__) == f"DataLoader worker (pid {pid}) is killed by signal: Killed. "
    else:
        assert str(caught.value.__cause__) == (
            f"DataLoader worker (pid {pid}) exited unexpectedly with exit code 3. Details are lost due to "
            "multiprocessing. Rerunning with num_workers=0 may give better error trace.")


def test_workers_end_when_the_main_process_dies(tmp_path):
    # Killed, the main process cannot stop its workers: each notices (its parent sentinel
    # closing, or at the latest its parent pid changing within MP_STATUS_CHECK_INTERVAL) and exits.
    program = (
        "import os, signal, sys\n"
        f"sys.path.insert(0, {str(pathlib.Path(__file__).parent)!r})\n"
        "import swiftgrad as torch, data_cases\n"
        "it = iter(torch.utils.data.DataLoader(data_cases.Squares(100), num_workers=2))\n"
        "next(it)\n"
        "print(' '.join(str(w.pid) for w in it._workers), flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, env=env)
    pids = [int(p) for p in result.stdout.split()]
    assert len(pids) == 2, result.stderr

    def running(pid):
        try:
            state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state != "Z"  # a zombie has exited (its new parent may never reap it)

    deadline = time.monotonic() + 12
    while time.monotonic() < deadline and any(running(p) for p in pids):
        time.sleep(0.1)
    assert not any(running(p) for p in pids)


class Slow:
    def __getitem__(self, i):
        time.sleep(1.0)
        return i

    def __len__(self):
        return 2


def test_timeout():
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0\.2 seconds$"):
        list(DataLoader(Slow(), num_workers=1, timeout=0.2))


class Counter:
    """Counts its calls: in a persistent worker the count carries over between epochs."""

    def __init__(self):
        self.calls = 0

    def __getitem__(self, i):
        self.calls += 1
        return [os.getpid(), self.calls]

    def __len__(self):
        return 4


def test_persistent_workers_live_across_epochs():
    loader = DataLoader(Counter(), batch_size=None, num_workers=2, persistent_workers=True)
    first = list(loader)
    second = list(loader)
    assert {p for p, _ in first} == {p for p, _ in second} and len({p for p, _ in first}) == 2
    assert [c for _, c in first] == [1, 1, 2, 2] and [c for _, c in second] == [3, 3, 4, 4]
    workers = list(loader._iterator._workers)
    assert all(w.is_alive() for w in workers)
    del loader
    gc.collect()
    assert _children_end(workers, 8)


def test_persistent_workers_restart_their_iterable_dataset_copies():
    loader = DataLoader(Range(0, 3), batch_size=2, num_workers=2, persistent_workers=True,
                        worker_init_fn=_split_range)
    epochs = [[b.tolist() for b in loader] for _ in range(3)]
    assert epochs == [[[0, 1], [2]]] * 3  # worker 0 has [0, 1], worker 1 has [2]
    pids = [w.pid for w in loader._iterator._workers]
    list(loader)
    assert [w.pid for w in loader._iterator._workers] == pids


def test_prefetch_factor_bounds_the_outstanding_tasks():
    it = iter(DataLoader(data_cases.Squares(20), num_workers=2, prefetch_factor=3))
    assert it._tasks_outstanding == 6 and it._send_idx == 6
    assert [int(next(it)) for _ in range(3)] == [0, 1, 4]
    assert it._send_idx == 9  # one new task per batch handed out
    assert [int(v) for v in it] == [i * i for i in range(3, 20)]


def test_dataloader_length_rules():
    assert len(DataLoader(data_cases.Squares(10), batch_size=3)) == 4
    assert len(DataLoader(data_cases.Squares(10), batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(data_cases.Squares(10), batch_size=None)) == 10
    assert len(DataLoader(data_cases.Squares(10), batch_sampler=[[0], [1, 2]])) == 2

    class Sized(data.IterableDataset):
        def __iter__(self):
            return iter(range(10))

        def __len__(self):
            return 10

    assert len(DataLoader(Sized(), batch_size=4)) == 3
    assert len(DataLoader(Sized(), batch_size=4, drop_last=True)) == 2


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_other_start_methods(method):
    X = torch.arange(24.0).reshape(12, 2)
    ds = TensorDataset(X, torch.arange(12))
    context = method if method == "spawn" else multiprocessing.get_context(method)
    loader = DataLoader(ds, batch_size=5, num_workers=2, multiprocessing_context=context)
    batches = list(loader)
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    assert torch.equal(torch.cat([b[0] for b in batches]), X)


def test_a_worker_that_cannot_be_started_is_reported():
    # spawn pickles the worker's arguments; a lambda cannot be pickled
    loader = DataLoader(data_cases.Squares(4), num_workers=2, multiprocessing_context="spawn",
                        worker_init_fn=lambda worker_id: None)
    with pytest.warns(UserWarning, match="^Got pickle error when attempting to start a worker Process"):
        with pytest.raises((AttributeError, pickle.PicklingError, TypeError)):
            iter(loader)


class BrokenSampler:
    def __iter__(self):
        raise LookupError("no indices")

    def __len__(self):
        return 1


def test_a_failure_while_starting_stops_the_started_workers():
    before = set(multiprocessing.active_children())
    with pytest.raises(LookupError, match="no indices"):
        iter(DataLoader(data_cases.Squares(4), sampler=BrokenSampler(), num_workers=2))
    gc.collect()
    assert _children_end(set(multiprocessing.active_children()) - before, 8)


def test_no_worker_is_left_behind():
    gc.collect()
    assert _children_end(multiprocessing.active_children(), 8)
