"""torch.distributed over MPI (mpi4py): process groups and collectives with PyTorch's names and
semantics. Tensors travel through their own memory (their data pointer wrapped as a buffer):
contiguous tensors are never copied; a non-contiguous one goes through a contiguous copy.

mpi4py is imported (and MPI initialised) only by init_process_group, so importing swiftgrad
neither needs MPI nor starts it. Launch with mpirun: `mpirun -np 2 python train.py`."""
import array
import enum
import os
import pickle
import time
import warnings
from datetime import timedelta

from .. import _dtype
from .._creation import empty
from .._functions import stack
from .._grad_mode import no_grad
from .._tensor import Tensor

__all__ = [
    "Backend", "ReduceOp", "ProcessGroup", "GroupMember", "Work", "is_available", "is_mpi_available",
    "is_gloo_available", "is_nccl_available", "init_process_group", "is_initialized",
    "destroy_process_group", "get_rank", "get_world_size", "get_backend", "new_group",
    "get_process_group_ranks", "get_global_rank", "get_group_rank", "barrier", "all_reduce",
    "reduce", "broadcast", "all_gather", "all_gather_into_tensor", "reduce_scatter_tensor",
    "gather", "scatter", "send", "recv", "isend", "irecv", "DistError", "DistBackendError",
    "all_gather_object", "broadcast_object_list", "DebugLevel", "get_debug_level", "set_debug_level",
    "set_debug_level_from_env",
]

default_pg_timeout = timedelta(minutes=30)

_NOT_INITIALIZED = ("Default process group has not been initialized, "
                    "please make sure to call init_process_group.")


def _mpi():
    from mpi4py import MPI
    return MPI


def is_available():
    """True when the distributed package can run: mpi4py (and so an MPI library) is importable."""
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return True


is_mpi_available = is_available


def is_gloo_available():
    return False


def is_nccl_available():
    return False


class Backend(str):
    """A backend's name, lower case (torch.distributed.Backend)."""
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError("Backend constructor parameter must be string-ish")
        return str.__new__(cls, name.lower())


class ReduceOp(enum.IntEnum):
    """The reductions of all_reduce, reduce and reduce_scatter_tensor."""
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7

    def __repr__(self):
        return f"<RedOpType.{self.name}: {self.value}>"

    def __str__(self):
        return f"RedOpType.{self.name}"


class DistError(RuntimeError):
    """An error of the distributed package (torch.distributed.DistError)."""


class DistBackendError(DistError):
    """An error of the communication backend, a collective's timeout among them
    (torch.distributed.DistBackendError)."""


class ProcessGroup:
    """A group of processes: an MPI communicator and the global ranks of its members."""

    def __init__(self, comm, ranks, timeout=None):
        self._comm = comm
        self._ranks = list(ranks)
        self._timeout = timeout if timeout is not None else default_pg_timeout
        self._sequence = 0  # collectives called on this group so far (their fingerprints carry it)

    def rank(self):
        return self._comm.Get_rank()

    def size(self):
        return self._comm.Get_size()

    def name(self):
        return Backend.MPI

    def __repr__(self):
        return f"<swiftgrad.distributed.ProcessGroup mpi ranks={self._ranks}>"


class GroupMember:
    WORLD = None
    NON_GROUP_MEMBER = -100


class _World:
    default = None       # the ProcessGroup over COMM_WORLD
    groups = []          # every live ProcessGroup (the default one first)


def is_initialized():
    """Whether init_process_group has been called (and not undone by destroy_process_group)."""
    return _World.default is not None


def _default():
    if _World.default is None:
        raise ValueError(_NOT_INITIALIZED)
    return _World.default


def _group(group):
    if group is None or group is GroupMember.WORLD:
        return _default()
    _default()
    if not isinstance(group, ProcessGroup):
        raise ValueError(f"Expecting a ProcessGroup, but got a {type(group)}.")
    if group not in _World.groups:
        raise ValueError("Invalid process group specified")
    return group


def _not_member(group):
    """torch's behaviour on a rank outside `group`: warn and do nothing."""
    if group is GroupMember.NON_GROUP_MEMBER:
        warnings.warn("Running collective on a non-member rank: the collective is skipped", stacklevel=3)
        return True
    return False


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    """The default process group over every process mpirun started. Only the "mpi" backend
    exists here; rank and world size come from MPI (init_method such as "env://", and timeout,
    are accepted and not needed)."""
    if _World.default is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = Backend(backend if backend is not None else "mpi")
    if name == Backend.GLOO:
        raise RuntimeError("Distributed package doesn't have Gloo built in")
    if name == Backend.NCCL:
        raise RuntimeError("Distributed package doesn't have NCCL built in")
    if name == Backend.UCC:
        raise RuntimeError("Distributed package doesn't have UCC built in")
    if name != Backend.MPI:
        raise ValueError(f"Invalid backend: '{backend}'")
    if not is_available():
        raise RuntimeError("Distributed package doesn't have MPI built in."
                           " MPI is only included if you build PyTorch from source on a host that has MPI installed.")
    MPI = _mpi()
    comm = MPI.COMM_WORLD.Dup()
    if (world_size != -1 and world_size != comm.Get_size()) or (rank != -1 and rank != comm.Get_rank()):
        warnings.warn(f"For MPI backend, world_size ({world_size}) and rank ({rank}) "
                      "are ignored since they are assigned by the MPI runtime.")
    if timeout is not None and not isinstance(timeout, timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {type(timeout).__name__}")
    pg = ProcessGroup(comm, range(comm.Get_size()), timeout)
    _World.default = pg
    _World.groups = [pg]
    GroupMember.WORLD = pg


def destroy_process_group(group=None):
    """Frees `group`'s communicator, or every group's (and the default group) when None."""
    if group is GroupMember.NON_GROUP_MEMBER:
        return
    if group is None or group is GroupMember.WORLD:
        if _World.default is None:
            raise ValueError(_NOT_INITIALIZED)
        for pg in _World.groups:
            pg._comm.Free()
        _World.groups = []
        _World.default = None
        GroupMember.WORLD = None
        return
    if group not in _World.groups:
        raise ValueError("Invalid process group specified")
    group._comm.Free()
    _World.groups.remove(group)


def get_backend(group=None):
    if _not_member(group):
        raise ValueError("Invalid process group specified")
    _group(group)
    return Backend(Backend.MPI)


def get_rank(group=None):
    """This process's rank in `group` (the default group when None); -1 outside the group."""
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return _group(group).rank()


def get_world_size(group=None):
    if group is GroupMember.NON_GROUP_MEMBER:
        return -1
    return _group(group).size()


def get_process_group_ranks(group):
    return list(_group(group)._ranks)


def get_global_rank(group, group_rank):
    pg = _group(group)
    if not 0 <= group_rank < len(pg._ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {group}")
    return pg._ranks[group_rank]


def get_group_rank(group, global_rank):
    pg = _group(group)
    if global_rank not in pg._ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {group}")
    return pg._ranks.index(global_rank)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """A group of the given global ranks (every rank when None), an MPI sub-communicator. Every
    process of the default group must call it (MPI_Comm_create is collective); a process outside
    `ranks` gets GroupMember.NON_GROUP_MEMBER."""
    world = _default()
    MPI = _mpi()
    size = world.size()
    ranks = sorted(ranks) if ranks is not None else list(range(size))
    for r in ranks:
        if not 0 <= r < size:
            raise ValueError("The new group's rank should be within the world_size set by init_process_group")
    sub = world._comm.Create(world._comm.Get_group().Incl(ranks))
    if sub == MPI.COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    pg = ProcessGroup(sub, ranks, timeout if timeout is not None else world._timeout)
    _World.groups.append(pg)
    return pg


# ---------------------------------------------------------------------------------------------
# Tensors as MPI buffers

def _datatype(dtype):
    MPI = _mpi()
    table = {_dtype.float32: MPI.FLOAT, _dtype.float64: MPI.DOUBLE, _dtype.int64: MPI.INT64_T,
             _dtype.int32: MPI.INT32_T, _dtype.int16: MPI.INT16_T, _dtype.int8: MPI.INT8_T,
             _dtype.uint8: MPI.UINT8_T, _dtype.bool: MPI.C_BOOL}
    if dtype not in table:
        raise RuntimeError(f"Unsupported data type for MPI backend: {dtype}")
    return table[dtype]


def _check_tensor(t, name):
    if not isinstance(t, Tensor):
        raise TypeError(f"""Invalid function argument. Expected parameter `{name}` of type torch.Tensor
             but got {type(t)} instead.""")


def _check_tensor_list(ts, name):
    if not isinstance(ts, list):
        raise TypeError(f"""Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]
             but got {type(ts)} instead.""")
    if not all(isinstance(t, Tensor) for t in ts):
        raise TypeError(f"""Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]
             but got {type(ts)} with elements of type {[type(t) for t in ts]}.""")


class _Buffer:
    """A tensor's memory as an MPI message [buffer, datatype]; a non-contiguous tensor is staged
    through a contiguous copy, written back by finish() when the tensor is an output."""

    def __init__(self, tensor, output=False):
        self.tensor = tensor
        self.output = output
        self.staged = tensor if tensor.is_contiguous() else tensor.contiguous()
        self.datatype = _datatype(tensor.dtype)
        nbytes = self.staged.numel() * self.staged.dtype.itemsize
        MPI = _mpi()
        self.memory = MPI.buffer.fromaddress(self.staged.data_ptr() if nbytes else 0, nbytes, readonly=False)

    def spec(self):
        return [self.memory, self.datatype]

    def finish(self):
        if self.output and self.staged is not self.tensor:
            with no_grad():
                self.tensor.copy_(self.staged)


def _mpi_op(op, dtype):
    MPI = _mpi()
    op = ReduceOp(op)
    if dtype == _dtype.bool:
        table = {ReduceOp.SUM: MPI.LOR, ReduceOp.MAX: MPI.LOR, ReduceOp.BOR: MPI.LOR,
                 ReduceOp.PRODUCT: MPI.LAND, ReduceOp.MIN: MPI.LAND, ReduceOp.BAND: MPI.LAND,
                 ReduceOp.BXOR: MPI.LXOR}
    else:
        table = {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD,
                 ReduceOp.MIN: MPI.MIN, ReduceOp.MAX: MPI.MAX, ReduceOp.BAND: MPI.BAND,
                 ReduceOp.BOR: MPI.BOR, ReduceOp.BXOR: MPI.BXOR}
    if op not in table:
        raise ValueError(f"Cannot use {op} with dtype {dtype}")
    if op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR) and dtype.is_floating_point:
        raise RuntimeError(f"Cannot use {op} with a floating point tensor")
    if op == ReduceOp.AVG and not dtype.is_floating_point:
        raise RuntimeError("ReduceOp.AVG needs a floating point tensor")
    return table[op]


class Work:
    """The handle an async_op=True call returns: wait() blocks until the operation is done (and
    its results are in the output tensors); is_completed() tells without blocking."""

    def __init__(self, request=None, finish=None, result=None, timeout=None, name="collective"):
        self._request = request
        self._timeout = timeout if timeout is not None else default_pg_timeout
        self._name = name
        self._finish = finish
        self._done = request is None
        self._result = result
        if self._done and finish is not None:
            finish()

    def _complete(self):
        self._done = True
        if self._finish is not None:
            self._finish()
            self._finish = None

    def is_completed(self):
        if not self._done and self._request.Test():
            self._complete()
        return self._done

    def wait(self, timeout=None):
        if not self._done:
            _wait(self._request, timeout if timeout is not None else self._timeout, self._name)
            self._complete()
        return True

    def is_success(self):
        return self.is_completed()

    def result(self):
        self.wait()
        return self._result


def _run(pg, async_op, start, finish, name="collective"):
    """Starts the non-blocking MPI call `start()` -> Request. async_op: returns its Work, which
    runs finish() on completion; otherwise waits for it until the group's timeout (a blocking MPI
    call could not be given up on), then finish()."""
    try:
        request = start()
    except _mpi().Exception as e:
        raise _backend_error(name, e) from None
    if async_op:
        return Work(request, finish, timeout=pg._timeout, name=name)
    try:
        _wait(request, pg._timeout, name)
    except DistBackendError:
        _abandoned.append((request, finish))  # finish holds the buffers MPI may still use
        raise
    finish()
    return None


def _wait(request, timeout, name, status=None):
    """Waits for an MPI request, polling it (MPI has no timed wait); after `timeout` raises
    PyTorch's kind of error instead of hanging on a process that will never join (it then ends
    with that error, and mpirun ends the others). It polls without pausing for the first 200
    microseconds (a sleep lasts at least ~60 us here, longer than a small collective), then
    sleeps between polls, doubling the pause up to a millisecond."""
    MPI = _mpi()
    test = request.Test
    try:
        if test(status):
            return
        now = time.monotonic()
        spin_until, deadline = now + 2e-4, now + timeout.total_seconds()
        while time.monotonic() < spin_until:
            if test(status):
                return
        pause = 1e-5
        while not test(status):
            if time.monotonic() > deadline:
                raise DistBackendError(f"{name} timed out after {timeout.total_seconds():g} seconds "
                                       f"(timeout= of init_process_group or new_group): a process of the group "
                                       "did not join it (it failed, or called another collective)")
            time.sleep(pause)
            pause = min(pause * 2, 1e-3)
    except MPI.Exception as e:
        raise _backend_error(name, e) from None


def _backend_error(name, error):
    """An error MPI reported (a message longer than the receiver's buffer: MPI_ERR_TRUNCATE, ...)."""
    return DistBackendError(f"{name}: MPI error: {error.Get_error_string()} (the processes of the group "
                            "called collectives that do not match: different operations, sizes or dtypes)")


def _finishing(*buffers, after=None):
    """What completes an operation: outputs staged through a copy written back, then `after`. It
    also holds every buffer (inputs too) alive until then, for async operations."""
    def finish():
        for b in buffers:
            b.finish()
        if after is not None:
            after()
    return finish


def _root(pg, global_rank, group_rank, name="src"):
    """The group rank of a root given as a global rank (torch's src/dst) or as group_src/group_dst."""
    if group_rank is not None:
        if global_rank is not None:
            raise ValueError("Can't specify both group_rank and global_rank")
        if not 0 <= group_rank < pg.size():
            raise ValueError(f"Group rank {group_rank} is not part of group {pg}")
        return group_rank
    if global_rank is None:
        raise ValueError("Must specify global_rank or group_rank")
    if global_rank not in pg._ranks:
        raise ValueError(f"Global rank {global_rank} is not part of group {pg}")
    return pg._ranks.index(global_rank)


def _average(tensor, pg):
    def after():
        with no_grad():
            tensor.div_(pg.size())
    return after


# ---------------------------------------------------------------------------------------------
# Checking that the processes call the same collective. Before each collective, the processes of
# the group exchange its fingerprint (the group's sequence number, the operation, the tensor's
# dtype and shape, the root, the reduction) with one small all-gather; when they differ, every
# process raises the same RuntimeError (PyTorch's "Detected mismatch between collectives on
# ranks") instead of hanging or reducing buffers of different sizes together. On by default (it
# costs a few microseconds: see benchmarks/distributed.py); TORCH_DISTRIBUTED_DEBUG=OFF, or
# set_debug_level(DebugLevel.OFF), turns it off, as in PyTorch, whose default is OFF.
# DistributedDataParallel's own all-reduces are not checked: it compares the processes' models
# once, when it is made.

class DebugLevel(enum.IntEnum):
    """torch.distributed.DebugLevel: OFF skips the check of each collective."""
    OFF = 0
    INFO = 1
    DETAIL = 2


class _Debug:
    level = None  # read from TORCH_DISTRIBUTED_DEBUG at first use


def set_debug_level(level):
    _Debug.level = DebugLevel(level)


def set_debug_level_from_env():
    """Reads TORCH_DISTRIBUTED_DEBUG: OFF, INFO or DETAIL (unset: this package's default, INFO,
    under which collectives are checked)."""
    value = os.environ.get("TORCH_DISTRIBUTED_DEBUG", "").strip().upper()
    if not value:
        _Debug.level = DebugLevel.INFO
        return
    if value not in DebugLevel.__members__:
        raise ValueError(f"The value of TORCH_DISTRIBUTED_DEBUG must be OFF, INFO, or DETAIL, but is {value}.")
    _Debug.level = DebugLevel[value]


def get_debug_level():
    if _Debug.level is None:
        set_debug_level_from_env()
    return _Debug.level


_OP_TYPES = ["BROADCAST", "ALLREDUCE", "REDUCE", "ALLGATHER", "_ALLGATHER_BASE", "GATHER", "SCATTER",
             "_REDUCE_SCATTER_BASE", "BARRIER", "ALLGATHER_OBJECT", "BROADCAST_OBJECT"]
_OP_NAMES = {"BROADCAST": "broadcast", "ALLREDUCE": "all_reduce", "REDUCE": "reduce", "ALLGATHER": "all_gather",
             "_ALLGATHER_BASE": "all_gather_into_tensor", "GATHER": "gather", "SCATTER": "scatter",
             "_REDUCE_SCATTER_BASE": "reduce_scatter_tensor", "BARRIER": "barrier",
             "ALLGATHER_OBJECT": "all_gather_object", "BROADCAST_OBJECT": "broadcast_object_list"}
_DTYPE_NAMES = [(_dtype.float32, "Float"), (_dtype.float64, "Double"), (_dtype.int64, "Long"),
                (_dtype.int32, "Int"), (_dtype.int16, "Short"), (_dtype.int8, "Char"), (_dtype.uint8, "Byte"),
                (_dtype.bool, "Bool")]
_HEADER = 6  # sequence, operation, dtype, ndim, root, reduction; then the shape
_MAX_DIMS = 64


def _fingerprint(sequence, op, tensor, root, reduce_op):
    codes = [d for d, _ in _DTYPE_NAMES]
    if tensor is None:
        dtype, shape = -1, []
    else:
        dtype = codes.index(tensor.dtype) if tensor.dtype in codes else len(codes)
        shape = list(tensor.shape)
    values = [sequence, _OP_TYPES.index(op), dtype, len(shape), root, -1 if reduce_op is None else int(reduce_op)]
    return array.array("q", values + shape + [-1] * (_MAX_DIMS - len(shape)))


def _fields(f):
    """A fingerprint's fields, readable, in the order PyTorch prints them."""
    dtype = "" if f[2] < 0 else (_DTYPE_NAMES[f[2]][1] if f[2] < len(_DTYPE_NAMES) else "other")
    fields = {"SequenceNumber": f[0], "OpType": _OP_TYPES[f[1]],
              "TensorShape": list(f[_HEADER:_HEADER + f[3]]), "TensorDtypes": dtype}
    if f[4] >= 0:
        fields["Root"] = f[4]
    if f[5] >= 0:
        fields["ReduceOp"] = ReduceOp(f[5]).name
    return fields


def _describe(f):
    return "CollectiveFingerPrint(" + ", ".join(f"{k}={v}" for k, v in _fields(f).items()) + ")"


def _differences(a, b):
    fa, fb = _fields(a), _fields(b)
    names = {"SequenceNumber": "Sequence number", "OpType": "Op type", "TensorShape": "Tensor shapes",
             "TensorDtypes": "Tensor dtypes", "Root": "Root", "ReduceOp": "ReduceOp"}
    return [f"{text}: {fa.get(key, 'none')} vs {fb.get(key, 'none')}"
            for key, text in names.items() if fa.get(key) != fb.get(key)]


_abandoned = []  # requests given up on after a timeout, with their buffers


def _check_collective(pg, op, tensor=None, root=-1, reduce_op=None):
    """Counts the collective on `pg` and, unless checking is off, raises on every process of the
    group when their collectives differ (see above)."""
    sequence = pg._sequence
    pg._sequence += 1
    if get_debug_level() == DebugLevel.OFF or pg.size() == 1:
        return
    MPI = _mpi()
    mine = _fingerprint(sequence, op, tensor, root, reduce_op)
    width = len(mine)
    everyone = array.array("q", bytes(8 * width * pg.size()))
    name = _OP_NAMES[op]
    try:
        request = pg._comm.Iallgather([mine, MPI.INT64_T], [everyone, MPI.INT64_T])
    except MPI.Exception as e:
        raise _backend_error(name, e) from None
    try:
        _wait(request, pg._timeout, name)
    except DistBackendError:
        _abandoned.append((request, mine, everyone))  # MPI may still use the buffers
        raise
    me = pg.rank()
    for other in range(pg.size()):
        theirs = everyone[other * width:(other + 1) * width]
        if theirs != mine:
            raise RuntimeError(
                f"Detected mismatch between collectives on ranks. Rank {me} is running collective: "
                f"{_describe(mine)}, but Rank {other} is running collective: {_describe(theirs)}."
                "Collectives differ in the following aspects: \t" + ", ".join(_differences(mine, theirs)))


# ---------------------------------------------------------------------------------------------
# Collectives

def barrier(group=None, async_op=False, device_ids=None):
    """Blocks until every process of the group has reached it."""
    if _not_member(group):
        return None
    pg = _group(group)
    _check_collective(pg, "BARRIER")
    return _run(pg, async_op, pg._comm.Ibarrier, lambda: None, "barrier")


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduces `tensor` over the group with `op`, in place: every process ends with the result."""
    _check_tensor(tensor, "tensor")
    if _not_member(group):
        return None
    pg = _group(group)
    mop = _mpi_op(op, tensor.dtype)
    _check_collective(pg, "ALLREDUCE", tensor, reduce_op=op)
    return _all_reduce(tensor, op, mop, pg, async_op)


def _all_reduce(tensor, op, mop, pg, async_op):
    """all_reduce without the check (DistributedDataParallel's buckets)."""
    MPI = _mpi()
    b = _Buffer(tensor, output=True)
    finish = _finishing(b, after=_average(tensor, pg) if ReduceOp(op) == ReduceOp.AVG else None)
    return _run(pg, async_op, lambda: pg._comm.Iallreduce(MPI.IN_PLACE, b.spec(), mop),
                finish, name="all_reduce")


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduces `tensor` over the group into `tensor` on process dst (the others keep theirs)."""
    _check_tensor(tensor, "tensor")
    if _not_member(group):
        return None
    pg = _group(group)
    MPI = _mpi()
    root = _root(pg, dst, group_dst)
    mop = _mpi_op(op, tensor.dtype)
    _check_collective(pg, "REDUCE", tensor, root, op)
    is_root = pg.rank() == root
    b = _Buffer(tensor, output=is_root)
    send = MPI.IN_PLACE if is_root else b.spec()
    recv = b.spec() if is_root else None
    after = _average(tensor, pg) if is_root and ReduceOp(op) == ReduceOp.AVG else None
    return _run(pg, async_op, lambda: pg._comm.Ireduce(send, recv, mop, root),
                _finishing(b, after=after), name="reduce")


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copies process src's `tensor` into every other process's `tensor`."""
    _check_tensor(tensor, "tensor")
    if _not_member(group):
        return None
    pg = _group(group)
    root = _root(pg, src, group_src)
    _check_collective(pg, "BROADCAST", tensor, root)
    b = _Buffer(tensor, output=pg.rank() != root)
    return _run(pg, async_op, lambda: pg._comm.Ibcast(b.spec(), root), _finishing(b), name="broadcast")


def _same_shapes(tensors, like, what):
    for t in tensors:
        if t.dtype != like.dtype:
            raise ValueError(f"Invalid usage of tensors with different dtypes: {what} has {t.dtype}, "
                             f"the input {like.dtype}")
        if tuple(t.shape) != tuple(like.shape):
            raise ValueError(f"{what}: every tensor must have the input's shape {tuple(like.shape)}, "
                             f"got {tuple(t.shape)}")


def _staging(like, count):
    return empty((count,) + tuple(like.shape), dtype=like.dtype)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """tensor_list[i] receives process i's `tensor`, on every process."""
    _check_tensor_list(tensor_list, "tensor_list")
    _check_tensor(tensor, "tensor")
    if _not_member(group):
        return None
    pg = _group(group)
    if len(tensor_list) != pg.size():
        raise ValueError(f"all_gather: tensor_list must have {pg.size()} tensors (one per process), "
                         f"got {len(tensor_list)}")
    _same_shapes(tensor_list, tensor, "all_gather's tensor_list")
    _check_collective(pg, "ALLGATHER", tensor)
    stage = _staging(tensor, pg.size())
    out, inp = _Buffer(stage, output=True), _Buffer(tensor)

    def copy_out():
        with no_grad():
            for i, t in enumerate(tensor_list):
                t.copy_(stage[i])
    return _run(pg, async_op, lambda: pg._comm.Iallgather(inp.spec(), out.spec()),
                _finishing(out, inp, after=copy_out), name="all_gather")


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Every process's input_tensor, concatenated (output of world_size * n rows) or stacked
    (output of shape (world_size, *input.shape)) into output_tensor, on every process."""
    _check_tensor(input_tensor, "input_tensor")
    _check_tensor(output_tensor, "output_tensor")
    if _not_member(group):
        return None
    pg = _group(group)
    if output_tensor.dtype != input_tensor.dtype:
        raise ValueError(f"Invalid usage of tensors with different dtypes: Found {input_tensor.dtype} "
                         f"and  {output_tensor.dtype}")
    if output_tensor.numel() != input_tensor.numel() * pg.size():
        raise ValueError("output tensor size must be equal to world_size times input tensor size")
    _check_collective(pg, "_ALLGATHER_BASE", input_tensor)
    out, inp = _Buffer(output_tensor, output=True), _Buffer(input_tensor)
    return _run(pg, async_op, lambda: pg._comm.Iallgather(inp.spec(), out.spec()),
                _finishing(out, inp), name="all_gather_into_tensor")


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """The reduction over the group of `input` (world_size equal chunks along its first
    elements), process i receiving chunk i into `output`."""
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    if _not_member(group):
        return None
    pg = _group(group)
    if output.dtype != input.dtype:
        raise ValueError(f"Invalid usage of tensors with different dtypes: Found {input.dtype} "
                         f"and  {output.dtype}")
    if input.numel() != output.numel() * pg.size():
        raise ValueError("input tensor must be the same size as output size times world size")
    mop = _mpi_op(op, input.dtype)
    _check_collective(pg, "_REDUCE_SCATTER_BASE", output, reduce_op=op)
    out, inp = _Buffer(output, output=True), _Buffer(input)
    after = _average(output, pg) if ReduceOp(op) == ReduceOp.AVG else None
    return _run(pg, async_op, lambda: pg._comm.Ireduce_scatter_block(inp.spec(), out.spec(), mop),
                _finishing(out, inp, after=after), name="reduce_scatter_tensor")


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Process dst receives every process's `tensor` in gather_list (given on dst only)."""
    _check_tensor(tensor, "tensor")
    if gather_list is not None:
        _check_tensor_list(gather_list, "gather_list")
    else:
        gather_list = []
    if _not_member(group):
        return None
    pg = _group(group)
    root = _root(pg, 0 if dst is None and group_dst is None else dst, group_dst)
    if pg.rank() == root:
        if len(gather_list) != pg.size():
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        _same_shapes(gather_list, tensor, "gather_list")
    elif gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    _check_collective(pg, "GATHER", tensor, root)
    inp = _Buffer(tensor)
    if pg.rank() == root:
        stage = _staging(tensor, pg.size())
        out = _Buffer(stage, output=True)
        recv = out.spec()

        def copy_out():
            with no_grad():
                for i, t in enumerate(gather_list):
                    t.copy_(stage[i])
        finish = _finishing(out, inp, after=copy_out)
    else:
        recv, finish = None, _finishing(inp)
    return _run(pg, async_op, lambda: pg._comm.Igather(inp.spec(), recv, root), finish, name="gather")


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Process i receives scatter_list[i] of process src (given on src only) into `tensor`."""
    _check_tensor(tensor, "tensor")
    if scatter_list is not None:
        _check_tensor_list(scatter_list, "scatter_list")
    else:
        scatter_list = []
    if _not_member(group):
        return None
    pg = _group(group)
    root = _root(pg, 0 if src is None and group_src is None else src, group_src)
    if pg.rank() == root:
        if len(scatter_list) != pg.size():
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        _same_shapes(scatter_list, tensor, "scatter_list")
    elif scatter_list:
        raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")
    _check_collective(pg, "SCATTER", tensor, root)
    out = _Buffer(tensor, output=True)
    if pg.rank() == root:
        with no_grad():
            stage = stack(scatter_list)
        send = _Buffer(stage).spec()
    else:
        stage, send = None, None

    def finish(stage=stage):  # holds the stacked pieces until MPI is done with them
        out.finish()
    return _run(pg, async_op, lambda: pg._comm.Iscatter(send, out.spec(), root), finish, name="scatter")


# ---------------------------------------------------------------------------------------------
# Point to point

def _peer(pg, global_rank, group_rank, name):
    if global_rank is None and group_rank is None:
        return None
    peer = _root(pg, global_rank, group_rank, name)
    if peer == pg.rank():
        raise ValueError(f"Invalid {name} rank: {name} rank should not be the same as the rank of the "
                         "current process.")
    return peer


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Starts sending `tensor` to process dst; returns a Work."""
    _check_tensor(tensor, "tensor")
    if _not_member(group):
        return None
    pg = _group(group)
    peer = _peer(pg, dst, group_dst, "dst")
    b = _Buffer(tensor)
    return Work(pg._comm.Isend(b.spec(), peer, tag), _finishing(b))


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Sends `tensor` to process dst (blocking)."""
    _check_tensor(tensor, "tensor")
    if _not_member(group):
        return None
    pg = _group(group)
    peer = _peer(pg, dst, group_dst, "dst")
    pg._comm.Send(_Buffer(tensor).spec(), peer, tag)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Starts receiving into `tensor` from process src (any process when None); returns a Work."""
    _check_tensor(tensor, "tensor")
    if _not_member(group):
        return None
    pg = _group(group)
    MPI = _mpi()
    peer = _peer(pg, src, group_src, "src")
    b = _Buffer(tensor, output=True)
    return Work(pg._comm.Irecv(b.spec(), MPI.ANY_SOURCE if peer is None else peer, tag), _finishing(b))


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receives into `tensor` from process src (any process when None); returns the sender's
    rank (global rank, or group rank with group_src)."""
    _check_tensor(tensor, "tensor")
    if _not_member(group):
        return -1
    pg = _group(group)
    MPI = _mpi()
    peer = _peer(pg, src, group_src, "src")
    b = _Buffer(tensor, output=True)
    status = MPI.Status()
    pg._comm.Recv(b.spec(), MPI.ANY_SOURCE if peer is None else peer, tag, status)
    b.finish()
    sender = status.Get_source()
    return sender if group_src is not None else pg._ranks[sender]


# ---------------------------------------------------------------------------------------------
# Python objects (pickled)

def _exchange_sizes(pg, size, name):
    MPI = _mpi()
    mine = array.array("q", [size])
    sizes = array.array("q", bytes(8 * pg.size()))
    _wait(pg._comm.Iallgather([mine, MPI.INT64_T], [sizes, MPI.INT64_T]), pg._timeout, name)
    return list(sizes)


def all_gather_object(object_list, obj, group=None):
    """object_list[i] receives process i's `obj` (any picklable object), on every process."""
    if _not_member(group):
        return None
    pg = _group(group)
    if len(object_list) != pg.size():
        raise ValueError(f"all_gather_object: object_list must have {pg.size()} entries (one per process), "
                         f"got {len(object_list)}")
    _check_collective(pg, "ALLGATHER_OBJECT")
    MPI = _mpi()
    data = pickle.dumps(obj)
    sizes = _exchange_sizes(pg, len(data), "all_gather_object")
    out = bytearray(sum(sizes))
    offsets = [sum(sizes[:i]) for i in range(len(sizes))]
    _wait(pg._comm.Iallgatherv([data, MPI.BYTE], [out, sizes, offsets, MPI.BYTE]), pg._timeout, "all_gather_object")
    for i, (start, n) in enumerate(zip(offsets, sizes)):
        object_list[i] = pickle.loads(bytes(out[start:start + n]))
    return None


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Process src's object_list entries (picklable objects) replace every other process's, in
    place (object_list has the same length everywhere)."""
    if _not_member(group):
        return None
    pg = _group(group)
    root = _root(pg, 0 if src is None and group_src is None else src, group_src)
    _check_collective(pg, "BROADCAST_OBJECT", root=root)
    MPI = _mpi()
    data = pickle.dumps(list(object_list)) if pg.rank() == root else b""
    size = array.array("q", [len(data)])
    _wait(pg._comm.Ibcast([size, MPI.INT64_T], root), pg._timeout, "broadcast_object_list")
    buffer = bytearray(data) if pg.rank() == root else bytearray(size[0])
    _wait(pg._comm.Ibcast([buffer, MPI.BYTE], root), pg._timeout, "broadcast_object_list")
    if pg.rank() != root:
        received = pickle.loads(bytes(buffer))
        if len(received) != len(object_list):
            raise ValueError(f"broadcast_object_list: object_list has {len(object_list)} entries here and "
                             f"{len(received)} on the source")
        object_list[:] = received
    return None
