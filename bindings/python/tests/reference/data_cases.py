"""torch.utils.data cases whose outcome is deterministic (no random draws compared): collation
and conversion outputs, split sizes, batch boundaries, len(), sampler and worker bookkeeping,
and error types and messages. Each case is ordinary PyTorch code taking the `torch` module (real
torch, or swiftgrad standing in for it) and returns a JSON-able description of what it got.

`python data_cases.py OUT.json` under real PyTorch stores PyTorch's outcomes (data_reference.json,
checked by test_data.py against swiftgrad; with TORCH_PYTHON set, test_data.py also re-runs this
under torch and checks that the stored file is still what torch gives)."""
import collections
import json
import math
import os
import re
import signal
import sys
import time
import warnings

Point = collections.namedtuple("Point", ["x", "y"])

CASES = {}
NEEDS_NUMPY = set()


def case(function=None, *, numpy=False):
    def register(f):
        CASES[f.__name__] = f
        if numpy:
            NEEDS_NUMPY.add(f.__name__)
        return f
    return register(function) if function is not None else register


def _builtin_type(e):
    """The first builtin class of an exception (swiftgrad's SwiftGradError is a RuntimeError)."""
    return next(c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins")


def describe(torch, x):
    """A JSON-able description of a value: tensors by dtype, shape and values, containers by
    type and items, exceptions by builtin type and message."""
    if isinstance(x, torch.Tensor):
        return {"tensor": repr(x.dtype), "shape": list(x.shape), "values": x.tolist()}
    if isinstance(x, BaseException):
        return {"error": _builtin_type(x), "message": str(x)}
    if isinstance(x, (list, tuple)):
        return {"type": type(x).__name__, "items": [describe(torch, v) for v in x]}
    if isinstance(x, dict):
        return {"type": type(x).__name__, "items": [[k, describe(torch, v)] for k, v in x.items()]}
    if type(x).__module__ == "numpy":
        return {"numpy": str(x.dtype), "values": x.tolist()}
    if isinstance(x, bytes):
        return {"bytes": x.decode("latin-1")}
    if x is None or isinstance(x, (bool, int, float, str)):
        return {"type": type(x).__name__, "value": x}
    return {"type": type(x).__name__}


def outcome(torch, function):
    """describe() of what function() returns, or of the exception it raises, with the
    messages of the warnings it gives."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = describe(torch, function())
        except Exception as e:  # noqa: BLE001 - the error is the outcome
            result = describe(torch, e)
    messages = [str(w.message) for w in caught if w.category is not DeprecationWarning]
    return {"result": result, "warnings": messages} if messages else {"result": result}


def attempts(torch, *functions):
    return [outcome(torch, f) for f in functions]


# ---- collation -----------------------------------------------------------------------------------

@case
def collate_numbers_strings_containers(torch):
    c = torch.utils.data.default_collate
    return attempts(
        torch,
        lambda: c([0, 1, 2, 3]),
        lambda: c([0.5, 1.25]),
        lambda: c([True, False, True]),
        lambda: c(["a", "b"]),
        lambda: c([b"a", b"bc"]),
        lambda: c([{"A": 0, "B": 1.5}, {"A": 100, "B": 2.5}]),
        lambda: c([collections.OrderedDict(a=1), collections.OrderedDict(a=2)]),
        lambda: c([Point(0, 0.5), Point(1, 1.5)]),
        lambda: c([(0, 1), (2, 3)]),
        lambda: c([[0, 1], [2, 3]]),
        lambda: c([("a", 1, [2.0, {"k": True}]), ("b", 2, [3.0, {"k": False}])]),
        lambda: c([[1, 2], [3]]),
        lambda: c([object(), object()]),
        lambda: c([None, None]),
        lambda: c([1, 2.5]),
        lambda: c([2.5, 1]),
        lambda: c([]),
    )


@case
def collate_tensors(torch):
    c = torch.utils.data.default_collate
    return attempts(
        torch,
        lambda: c([torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])]),
        lambda: c([torch.tensor(1), torch.tensor(2)]),
        lambda: c([torch.arange(6).reshape(2, 3), torch.arange(6, 12).reshape(2, 3)]),
        lambda: c([torch.tensor([1, 2], dtype=torch.int32), torch.tensor([3, 4], dtype=torch.int32)]),
        lambda: c([torch.tensor([True]), torch.tensor([False])]),
        lambda: c([(torch.tensor([1.0]), 1), (torch.tensor([2.0]), 2)]),
        lambda: c([{"x": torch.zeros(2), "y": 3}, {"x": torch.ones(2), "y": 4}]),
        lambda: c([torch.zeros(2), torch.zeros(3)]),
        lambda: c([torch.zeros(2, 2), torch.zeros(2)]),
        lambda: c([torch.zeros(2, requires_grad=True) * 1, torch.ones(2)]).requires_grad,
    )


@case(numpy=True)
def collate_numpy(torch):
    import numpy as np
    c = torch.utils.data.default_collate
    return attempts(
        torch,
        lambda: c([np.array([1.0, 2.0]), np.array([3.0, 4.0])]),
        lambda: c([np.array([1, 2], dtype=np.int32), np.array([3, 4], dtype=np.int32)]),
        lambda: c([np.array([1, 2], dtype=np.uint8), np.array([3, 4], dtype=np.uint8)]),
        lambda: c([np.array([1.5], dtype=np.float16), np.array([2.5], dtype=np.float16)]),
        lambda: c([np.array([True]), np.array([False])]),
        lambda: c([np.float64(1.5), np.float64(2.5)]),
        lambda: c([np.float32(1.5), np.float32(2.5)]),
        lambda: c([np.int32(1), np.int32(2)]),
        lambda: c([np.int64(1), np.int64(2)]),
        lambda: c([np.bool_(True), np.bool_(False)]),
        lambda: c([np.array(["a"]), np.array(["b"])]),
        lambda: c([np.array([object()]), np.array([object()])]),
        lambda: c([np.str_("a"), np.str_("b")]),
        lambda: c([{"a": np.array([1.0])}, {"a": np.array([2.0])}]),
        lambda: c([np.zeros(2), np.zeros(3)]),
    )


@case(numpy=True)
def convert_numpy(torch):
    import numpy as np
    v = torch.utils.data.default_convert
    return attempts(
        torch,
        lambda: v(np.array([0, 1])),
        lambda: v(np.array([0.5, 1.5], dtype=np.float32)),
        lambda: v(np.float64(2.5)),
        lambda: v(np.int32(7)),
        lambda: v(Point(np.array(0), np.array(1.5))),
        lambda: v([np.array([0, 1]), np.array([2, 3])]),
        lambda: v((np.array([0]), "s", 3)),
        lambda: v({"a": np.array([1.0]), "b": [np.array([True])]}),
        lambda: v(np.array(["a", "b"])),
        lambda: v(np.str_("s")),
    )


@case
def convert_plain(torch):
    v = torch.utils.data.default_convert
    return attempts(
        torch,
        lambda: v(0),
        lambda: v(2.5),
        lambda: v("s"),
        lambda: v(b"b"),
        lambda: v(torch.tensor([1, 2])),
        lambda: v(Point(0, 1)),
        lambda: v((1, 2)),
        lambda: v([1, (2, 3)]),
        lambda: v({"a": (1, 2)}),
        lambda: v(range(3)),
        lambda: v(None),
    )


@case
def collate_with_custom_map(torch):
    collate_module = torch.utils.data._utils.collate

    def ints_as_strings(batch, *, collate_fn_map):
        return ",".join(str(b) for b in batch)

    custom = {int: ints_as_strings, torch.Tensor: collate_module.collate_tensor_fn}
    return attempts(
        torch,
        lambda: collate_module.collate([(1, torch.tensor(1.0)), (2, torch.tensor(2.0))], collate_fn_map=custom),
        lambda: collate_module.collate([1.5, 2.5], collate_fn_map=custom),
        lambda: collate_module.collate([True, False], collate_fn_map=custom),
        lambda: collate_module.default_collate_err_msg_format,
    )


# ---- datasets ------------------------------------------------------------------------------------

class Squares:
    """A map-style dataset that is not a Dataset subclass (DataLoader takes any)."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i * i

    def __len__(self):
        return self.n


@case
def datasets(torch):
    data = torch.utils.data
    X = torch.arange(12.0).reshape(6, 2)
    y = torch.arange(6)
    td = data.TensorDataset(X, y)
    concat = data.ConcatDataset([Squares(3), Squares(2), Squares(4)])
    stack = data.StackDataset(Squares(3), [10, 11, 12])
    named = data.StackDataset(a=Squares(3), b=[10, 11, 12])

    class Stream(data.IterableDataset):
        def __init__(self, values):
            self.values = values

        def __iter__(self):
            return iter(self.values)

        def __len__(self):
            return len(self.values)

    class Bare(data.Dataset):
        pass

    chain = data.ChainDataset([Stream([1, 2]), Stream([3])])
    sub = data.Subset(td, [4, 0, 2])
    return attempts(
        torch,
        lambda: td[1],
        lambda: len(td),
        lambda: td[1:3],
        lambda: data.TensorDataset(X, torch.arange(5)),
        lambda: concat.cumulative_sizes,
        lambda: [concat[i] for i in range(len(concat))],
        lambda: [concat[-1], concat[-9]],
        lambda: concat[-10],
        lambda: concat[9],
        lambda: concat.cummulative_sizes,
        lambda: data.ConcatDataset([]),
        lambda: data.ConcatDataset([Stream([1])]),
        lambda: (lambda d: (type(d).__name__, len(d), d[3]))(data.Subset(Squares(2), [0, 1]) + data.Subset(Squares(5), [4])),
        lambda: (lambda d: (type(d).__name__, list(d)))(Stream([1]) + Stream([2, 3])),
        lambda: list(chain),
        lambda: len(chain),
        lambda: list(data.ChainDataset([Squares(2)])),
        lambda: len(data.ChainDataset([Squares(2)])),
        lambda: [stack[1], named[2], len(stack)],
        lambda: stack.__getitems__([0, 2]),
        lambda: named.__getitems__([1, 0]),
        lambda: data.StackDataset(Squares(3), [1, 2]),
        lambda: data.StackDataset(Squares(3), b=[1, 2]),
        lambda: data.StackDataset(),
        lambda: [sub[0], len(sub), sub.__getitems__([1, 2])],
        lambda: sub[[0, 1]],
        lambda: Bare()[0],
        lambda: len(Bare()),
        lambda: len(Stream([1, 2])),
        lambda: list(data.Subset(Stream([5]), []).__getitems__([])),
    )


@case
def subset_subclass_rule(torch):
    data = torch.utils.data

    class OnlyGetitem(data.Subset):
        def __getitem__(self, idx):
            return 0

    class Both(data.Subset):
        def __getitem__(self, idx):
            return 1

        def __getitems__(self, indices):
            return [1 for _ in indices]

    return attempts(torch, lambda: OnlyGetitem(Squares(3), [0]), lambda: Both(Squares(3), [0, 1])[0])


@case
def random_split_sizes(torch):
    data = torch.utils.data

    def sizes(n, lengths):
        parts = data.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
        everything = sorted(i for p in parts for i in p)
        return [len(p) for p in parts], everything == list(range(n)), [type(p).__name__ for p in parts][:1]

    return attempts(
        torch,
        lambda: sizes(10, [3, 7]),
        lambda: sizes(30, [0.3, 0.3, 0.4]),
        lambda: sizes(10, [0.3, 0.3, 0.4]),
        lambda: sizes(11, [0.5, 0.5]),
        lambda: sizes(7, [0.1] * 10),
        lambda: sizes(5, [0.2, 0.8]),
        lambda: sizes(3, [1.0]),
        lambda: sizes(4, [0, 4]),
        lambda: sizes(10, [0.25, 0.25, 0.25, 0.25]),
        lambda: sizes(101, [0.7, 0.2, 0.1]),
        lambda: sizes(10, [3, 8]),
        lambda: sizes(10, [1.5, -0.5]),
        lambda: sizes(10, [0.5, 0.6]),
        lambda: sizes(0, [0.5, 0.5]),
    )


@case
def tensor_pickling_and_copies(torch):
    import copy
    import pickle

    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    a.grad = torch.ones(2, 2)

    def state(t, source):
        return [t, t.dtype == source.dtype, t.requires_grad, t.is_leaf, t.grad_fn is None, t.grad,
                t.numel() > 0 and t.data_ptr() == source.data_ptr()]

    def round_trip(t):
        return state(pickle.loads(pickle.dumps(t)), t)

    twice = copy.deepcopy([a, a])
    return attempts(
        torch,
        lambda: round_trip(a),
        lambda: round_trip(a * 2),
        lambda: round_trip(a.detach().t()),
        lambda: round_trip(torch.tensor(7)),
        lambda: round_trip(torch.zeros(0, 3, dtype=torch.int32)),
        lambda: [round_trip(torch.arange(4).to(d)) for d in (torch.bool, torch.float16, torch.bfloat16, torch.int8,
                                                              torch.uint8, torch.int16, torch.float64)],
        lambda: state(copy.copy(a), a),
        lambda: state(copy.copy(a * 2), a),
        lambda: state(copy.deepcopy(a), a),
        lambda: copy.deepcopy(a * 2),
        lambda: twice[0] is twice[1],
    )


# ---- samplers ------------------------------------------------------------------------------------

@case
def samplers(torch):
    data = torch.utils.data
    return attempts(
        torch,
        lambda: list(data.SequentialSampler(range(4))),
        lambda: len(data.SequentialSampler(Squares(5))),
        lambda: list(data.BatchSampler(data.SequentialSampler(range(10)), batch_size=3, drop_last=False)),
        lambda: list(data.BatchSampler(data.SequentialSampler(range(10)), batch_size=3, drop_last=True)),
        lambda: [len(data.BatchSampler(range(n), b, d)) for n in (0, 1, 9, 10) for b in (1, 3, 10) for d in (False, True)],
        lambda: list(data.BatchSampler([5, 6, 7], 5, False)),
        lambda: data.BatchSampler(range(3), 0, False),
        lambda: data.BatchSampler(range(3), True, False),
        lambda: data.BatchSampler(range(3), 2.0, False),
        lambda: data.BatchSampler(range(3), 2, 1),
        lambda: data.RandomSampler(range(3), replacement=1),
        lambda: data.RandomSampler(range(3), num_samples=0),
        lambda: data.RandomSampler(range(3), num_samples=2.0),
        lambda: data.RandomSampler([]),
        lambda: [len(data.RandomSampler(range(5))), len(data.RandomSampler(range(5), num_samples=12)),
                 len(data.RandomSampler(range(5), True, 40))],
        lambda: data.RandomSampler(range(3)).num_samples,
        lambda: data.WeightedRandomSampler([0.5, 0.5], 0),
        lambda: data.WeightedRandomSampler([0.5, 0.5], True),
        lambda: data.WeightedRandomSampler([0.5, 0.5], 2, replacement=0),
        lambda: data.WeightedRandomSampler([[0.5, 0.5]], 2),
        lambda: (lambda s: (s.weights, len(s), s.replacement))(data.WeightedRandomSampler([1, 2, 3], 4)),
        lambda: sorted(data.WeightedRandomSampler([0.0, 1.0, 0.0, 2.0], 2, replacement=False)),
        lambda: list(data.WeightedRandomSampler([0.0, 1.0, 0.0], 3, replacement=True)),
        lambda: sorted(data.SubsetRandomSampler([7, 8, 9])),
        lambda: len(data.SubsetRandomSampler([7, 8, 9])),
        lambda: iter(data.Sampler()),
        lambda: len(data.Sampler()),
    )


@case
def distributed_sampler(torch):
    data = torch.utils.data

    def shares(n, replicas, drop_last, shuffle=False):
        return [list(data.DistributedSampler(range(n), replicas, r, shuffle=shuffle, drop_last=drop_last))
                for r in range(replicas)]

    def shuffled(n, replicas, drop_last):
        parts = shares(n, replicas, drop_last, shuffle=True)
        return [len(p) for p in parts], sorted(set(i for p in parts for i in p)) == list(range(n))

    return attempts(
        torch,
        lambda: shares(10, 3, False),
        lambda: shares(10, 3, True),
        lambda: shares(2, 5, False),
        lambda: shares(9, 3, True),
        lambda: shuffled(10, 3, False),
        lambda: shuffled(10, 4, True),
        lambda: (lambda s: (len(s), s.total_size, s.num_samples))(data.DistributedSampler(range(10), 4, 1, drop_last=True)),
        lambda: data.DistributedSampler(range(10), 2, 2),
        lambda: data.DistributedSampler(range(10), 2, -1),
    )


# ---- DataLoader ----------------------------------------------------------------------------------

class Stream:
    """The body of an IterableDataset of range(start, end), with a length."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return iter(range(self.start, self.end))

    def __len__(self):
        return self.end - self.start


def _iterable(torch, start, end, length=True):
    data = torch.utils.data
    bases = (data.IterableDataset,)
    body = dict(Stream.__dict__)
    if not length:
        body.pop("__len__")
    return type("RangeStream", bases, body)(start, end)


@case
def loader_batches(torch):
    data = torch.utils.data

    def run(dataset, **kwargs):
        loader = data.DataLoader(dataset, **kwargs)
        batches = list(loader)
        try:
            length = len(loader)
        except TypeError as e:
            length = str(e)
        return length, batches

    X = torch.arange(10.0).reshape(5, 2)
    y = torch.arange(5)
    return attempts(
        torch,
        lambda: run(data.TensorDataset(X, y), batch_size=2),
        lambda: run(data.TensorDataset(X, y), batch_size=2, drop_last=True),
        lambda: run(data.TensorDataset(X, y), batch_size=5),
        lambda: run(data.TensorDataset(X, y), batch_size=7, drop_last=True),
        lambda: run(data.TensorDataset(X, y), batch_size=None),
        lambda: run(Squares(5)),
        lambda: run(Squares(5), batch_size=None),
        lambda: run(list(range(7)), batch_size=3),
        lambda: run(Squares(6), batch_sampler=[[0, 5], [1], [2, 3, 4]]),
        lambda: run(Squares(6), sampler=[5, 4, 3], batch_size=2),
        lambda: run(Squares(6), batch_size=2, collate_fn=lambda b: sum(b)),
        lambda: run(Squares(6), batch_size=None, collate_fn=lambda b: -b),
        lambda: run([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}, {"a": 3, "b": "z"}], batch_size=2),
        lambda: run([(1.0, 2), (3.0, 4)], batch_size=None),
        lambda: run(_iterable(torch, 3, 10), batch_size=3),
        lambda: run(_iterable(torch, 3, 10), batch_size=3, drop_last=True),
        lambda: run(_iterable(torch, 3, 10), batch_size=None),
        lambda: run(_iterable(torch, 3, 6, length=False), batch_size=2),
        lambda: run(_iterable(torch, 0, 0), batch_size=2),
        lambda: run(data.TensorDataset(X, y), batch_size=2, shuffle=False, pin_memory=True),
    )


@case
def loader_shuffle_properties(torch):
    data = torch.utils.data

    def epoch_orders(**kwargs):
        loader = data.DataLoader(Squares(9), batch_size=4, **kwargs)
        first = [v for b in loader for v in b.tolist()]
        sizes = [len(b) for b in loader]
        return sorted(first) == [i * i for i in range(9)], sizes, len(loader)

    return attempts(
        torch,
        lambda: epoch_orders(shuffle=True),
        lambda: epoch_orders(shuffle=True, drop_last=True),
        lambda: epoch_orders(shuffle=True, generator=torch.Generator().manual_seed(3)),
        lambda: len(data.DataLoader(Squares(9), sampler=data.RandomSampler(Squares(9), True, 20), batch_size=6)),
        lambda: len(data.DataLoader(Squares(9), sampler=data.RandomSampler(Squares(9), True, 20), batch_size=6,
                                    drop_last=True)),
        lambda: [len(b) for b in data.DataLoader(Squares(9), sampler=data.RandomSampler(Squares(9), True, 20),
                                                 batch_size=6)],
        lambda: (lambda l: (type(l.sampler).__name__, type(l.batch_sampler).__name__, l.batch_size, l.drop_last))(
            data.DataLoader(Squares(4), shuffle=True)),
        lambda: (lambda l: (type(l.sampler).__name__, l.batch_sampler, l.batch_size, l.collate_fn.__name__))(
            data.DataLoader(Squares(4), batch_size=None)),
        lambda: (lambda l: (type(l.sampler).__name__, l.batch_size, l.drop_last, l.collate_fn.__name__))(
            data.DataLoader(Squares(4), batch_sampler=[[0]])),
        lambda: (lambda l: (type(l.sampler).__name__, l.prefetch_factor, l.num_workers, l.timeout, l.in_order,
                            l.persistent_workers, l.pin_memory_device, l.multiprocessing_context))(
            data.DataLoader(_iterable(torch, 0, 2))),
    )


@case
def loader_argument_errors(torch):
    data = torch.utils.data
    DL = data.DataLoader
    sq = Squares(4)
    stream = _iterable(torch, 0, 4)
    return attempts(
        torch,
        lambda: DL(sq, num_workers=-1),
        lambda: DL(sq, timeout=-1),
        lambda: DL(sq, prefetch_factor=2),
        lambda: DL(sq, num_workers=1, prefetch_factor=-1),
        lambda: DL(sq, persistent_workers=True),
        lambda: DL(sq, sampler=[0, 1], shuffle=True),
        lambda: DL(sq, batch_sampler=[[0]], batch_size=2),
        lambda: DL(sq, batch_sampler=[[0]], shuffle=True),
        lambda: DL(sq, batch_sampler=[[0]], sampler=[0]),
        lambda: DL(sq, batch_sampler=[[0]], drop_last=True),
        lambda: DL(sq, batch_size=None, drop_last=True),
        lambda: DL(sq, batch_size=0),
        lambda: DL(sq, batch_size=-2),
        lambda: DL(sq, drop_last=None),
        lambda: DL(stream, shuffle=True),
        lambda: DL(stream, shuffle=False).batch_size,
        lambda: DL(stream, sampler=[0, 1]),
        lambda: DL(stream, batch_sampler=[[0, 1]]),
        lambda: DL(sq, multiprocessing_context="fork"),
        lambda: DL(sq, num_workers=1, multiprocessing_context="bogus"),
        lambda: DL(sq, num_workers=1, multiprocessing_context=3),
        lambda: DL(sq, num_workers=1, multiprocessing_context="spawn").multiprocessing_context.get_start_method(),
        lambda: setattr(DL(sq), "batch_size", 3),
        lambda: setattr(DL(sq), "dataset", sq),
        lambda: (lambda l: (setattr(l, "num_workers", 1), l.num_workers)[1])(DL(sq)),
        lambda: iter(DL(sq, timeout=2)),
        lambda: len(DL(_iterable(torch, 0, 4, length=False))),
        lambda: DL(sq, shuffle=True, sampler=None).batch_size,
    )


@case
def loader_iterable_length_warning(torch):
    data = torch.utils.data

    class Liar(data.IterableDataset):
        def __iter__(self):
            return iter(range(5))

        def __len__(self):
            return 3

        def __repr__(self):
            return "Liar"

    def run():
        loader = data.DataLoader(Liar(), batch_size=None)
        n = len(loader)
        return n, [int(v) for v in loader]

    return attempts(torch, run)


# ---- workers -------------------------------------------------------------------------------------

class SplitStream:
    """An IterableDataset body that splits range(start, end) between workers (PyTorch's
    documented example)."""

    def __init__(self, start, end, torch_module_name):
        self.start, self.end = start, end
        self.module = torch_module_name

    def __iter__(self):
        info = sys.modules[self.module].utils.data.get_worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        per_worker = int(math.ceil((self.end - self.start) / float(info.num_workers)))
        lo = self.start + info.id * per_worker
        return iter(range(lo, min(lo + per_worker, self.end)))


class WhoAmI:
    """A map-style dataset whose items say which worker fetched them and how it was seeded."""

    def __init__(self, n, torch_module_name):
        self.n = n
        self.module = torch_module_name

    def __getitem__(self, i):
        torch = sys.modules[self.module]
        info = torch.utils.data.get_worker_info()
        return [i, info.id, info.num_workers, info.seed == torch.initial_seed()]

    def __len__(self):
        return self.n


class FailsAt:
    def __init__(self, bad, error):
        self.bad, self.error = bad, error

    def __getitem__(self, i):
        if i == self.bad:
            raise self.error(f"bad index {i}")
        return i

    def __len__(self):
        return 6


@case
def workers_iterable_split(torch):
    data = torch.utils.data
    module = torch.__name__
    split = type("Split", (data.IterableDataset,), dict(SplitStream.__dict__))

    def run(workers, batch_size=None, end=7):
        return list(data.DataLoader(split(3, end, module), batch_size=batch_size, num_workers=workers))

    return attempts(
        torch,
        lambda: run(0),
        lambda: run(2),
        lambda: run(2, batch_size=1),
        lambda: run(2, batch_size=2, end=12),
        lambda: list(data.DataLoader(_iterable(torch, 0, 3), batch_size=None, num_workers=2)),
    )


@case
def workers_map_order_and_info(torch):
    data = torch.utils.data
    module = torch.__name__

    def run(**kwargs):
        loader = data.DataLoader(WhoAmI(7, module), num_workers=2, **kwargs)
        return list(loader)

    return attempts(
        torch,
        lambda: run(batch_size=2),
        lambda: run(batch_size=None),
        lambda: run(batch_size=3, drop_last=True, prefetch_factor=1),
        lambda: run(batch_sampler=[[6], [0, 1], [5, 4]]),
        lambda: data.get_worker_info(),
    )


@case
def workers_errors(torch):
    data = torch.utils.data

    def first_and_last_lines(error):
        def run():
            try:
                list(data.DataLoader(FailsAt(3, error), batch_size=2, num_workers=2))
            except Exception as e:  # noqa: BLE001
                lines = str(e).strip().split("\n")
                # PyTorch's re-raising frame holds the exception: with the traceback, a cycle that
                # keeps the iterator (and its workers) until a garbage collection, which then waits
                # 5 s per worker in PyTorch. Dropping the traceback frees them at once.
                e.__traceback__ = None
                return _builtin_type(e), lines[0], lines[1], lines[-1]
        return run

    return attempts(torch, first_and_last_lines(ValueError), first_and_last_lines(KeyError),
                    first_and_last_lines(IndexError))


class Dies:
    """A dataset whose worker dies at index 1: killed by SIGKILL, or exiting with status 3."""

    def __init__(self, how):
        self.how = how

    def __getitem__(self, i):
        if i == 1:
            time.sleep(0.3)  # PyTorch raises from its SIGCHLD handler: be sure it is waiting for this batch
            if self.how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(3)
        return i

    def __len__(self):
        return 4


@case
def workers_dying(torch):
    data = torch.utils.data

    def run(how):
        def messages():
            try:
                list(data.DataLoader(Dies(how), num_workers=2))
            except RuntimeError as e:  # the pids differ from run to run
                return [re.sub(r"pid(\(s\))? \d+", r"pid\1 N", str(x)) for x in (e, e.__cause__)]
        return messages

    return attempts(torch, run("kill"), run("exit"))


@case
def worker_numpy_seed_words(torch):
    generate = torch.utils.data._utils.worker._generate_state
    return [generate(seed, worker) for seed in (0, 1, 2**32 - 1, 2**32, 2**63 - 1, 6370013938770462303)
            for worker in (0, 1, 7)]


@case
def exported_names(torch):
    data = torch.utils.data
    return {name: sorted(module.__all__) for name, module in (
        ("data", data), ("dataset", data.dataset), ("sampler", data.sampler), ("dataloader", data.dataloader),
        ("distributed", data.distributed))}


def run_all(torch, numpy_available=True):
    return {name: f(torch) for name, f in CASES.items() if numpy_available or name not in NEEDS_NUMPY}


def main():
    import torch
    import torch.utils.data  # noqa: F401
    result = run_all(torch)
    text = json.dumps({"torch": torch.__version__, "cases": result}, indent=1, sort_keys=True)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
