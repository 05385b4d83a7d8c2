"""torch.nn.parallel.DistributedDataParallel over swiftgrad.distributed (MPI).

Every process holds a replica of the model and runs forward and backward on its share of the
batch; gradients are averaged over the processes during backward, so that after backward every
replica holds the same .grad, the gradient of the whole batch's mean loss, and the same optimizer
step keeps the replicas equal.

How the gradients are averaged (PyTorch's Reducer, in Python):
- the parameters are split into buckets of about bucket_cap_mb (the first one 1 MiB), in reverse
  order of model.parameters(), the order in which backward usually produces their gradients
  (PyTorch starts with one bucket and, after the first iteration, rebuilds its buckets in the
  order the gradients arrived, with these sizes; here that order is assumed from the start);
  each bucket is one flat tensor;
- a hook on each parameter's gradient copies the parameter's gradient as it will be once
  accumulated (its .grad plus the incoming one) into its place in the bucket; when a bucket is
  complete (and every bucket before it has been started: the processes must start their
  all-reduces in the same order), it is divided by the world size and its all-reduce is started,
  non-blocking, while backward goes on (a thread keeps MPI progressing it meanwhile, _Progress);
- a callback queued on the backward pass (autograd._engine.queue_callback) runs once every
  gradient has been accumulated: it waits for the all-reduces and writes the averages into the
  parameters' .grad.
"""
import atexit
import contextlib
import threading
import time
import warnings
import weakref

from ... import distributed as dist
from ..._creation import tensor, zeros
from ..._functions import cat
from ..._dtype import bool as bool_
from ..._grad_mode import is_grad_enabled, no_grad
from ...autograd import _engine
from .._module import Module

__all__ = ["DistributedDataParallel"]

_DEFAULT_BUCKET_CAP_MB = 25
_DEFAULT_FIRST_BUCKET_BYTES = 1024 * 1024
_MB = 1024 * 1024

_UNFINISHED_MESSAGE = (
    "Expected to have finished reduction in the prior iteration before starting a new one. This error "
    "indicates that your module has parameters that were not used in producing loss. You can enable unused "
    "parameter detection by passing the keyword argument `find_unused_parameters=True` to "
    "`torch.nn.parallel.DistributedDataParallel`, and by \nmaking sure all `forward` function outputs "
    "participate in calculating loss. \nIf you already have done the above, then the distributed data "
    "parallel module wasn't able to locate the output tensors in the return value of your module's `forward` "
    "function. Please include the loss function and the structure of the return value of `forward` of your "
    "module when reporting this issue (e.g. list, dict, iterable).\nParameter indices which did not receive "
    "grad for rank {rank}: {indices}\n In addition, you can set the environment variable TORCH_DISTRIBUTED_DEBUG "
    "to either INFO or DETAIL to print out information about which particular parameters did not receive "
    "gradient on this rank as part of this error")


def _bucket_assignment(params, limits):
    """PyTorch's _compute_bucket_assignment_by_size: parameter indices grouped by dtype into
    buckets, in the order given; a bucket closes once its size reaches its limit (limits[k] for
    the dtype's k-th bucket, the last limit for the rest). Buckets come out in the order of their
    first parameter."""
    buckets, open_ = [], {}
    for index, p in params:
        key = p.dtype
        entry = open_.setdefault(key, {"indices": [], "bytes": 0, "count": 0})
        entry["indices"].append(index)
        entry["bytes"] += p.numel() * p.element_size()
        limit = limits[min(entry["count"], len(limits) - 1)]
        if entry["bytes"] >= limit:
            buckets.append(entry["indices"])
            open_[key] = {"indices": [], "bytes": 0, "count": entry["count"] + 1}
    buckets += [e["indices"] for e in open_.values() if e["indices"]]
    order = {index: position for position, (index, _) in enumerate(params)}
    buckets.sort(key=lambda b: order[b[0]])
    return buckets


class _Bucket:
    """Parameters whose gradients are all-reduced together, through one flat tensor."""

    def __init__(self, indices, params):
        self.indices = indices
        total = sum(params[i].numel() for i in indices)
        self.flat = zeros(total, dtype=params[indices[0]].dtype)
        self.views = {}  # each parameter's place: its numel elements, seen with its shape
        offset = 0
        for i in indices:
            n = params[i].numel()
            self.views[i] = self.flat[offset:offset + n].view(params[i].shape)
            offset += n
        self.pending = len(indices)
        self.work = None

    def reset(self):
        self.pending = len(self.indices)
        self.work = None


class _Reducer:
    """The gradient averaging of one DistributedDataParallel (see the module's doc)."""

    def __init__(self, params, bucket_indices, process_group, find_unused_parameters):
        self.params = params
        self.pg = process_group
        self.find_unused = find_unused_parameters
        self.buckets = [_Bucket(b, params) for b in bucket_indices]
        self.bucket_of = {i: k for k, b in enumerate(self.buckets) for i in b.indices}
        self.expect_hooks = False     # a forward with gradient sync ran; its backward syncs
        self.ready = [False] * len(params)
        self.used = [False] * len(params)
        self.next_bucket = 0          # the buckets are started in order, on every process
        self.callback_queued = False
        self.in_progress = False      # some gradients of this backward have arrived
        self.handles = []
        self.progress = _Progress.get()
        me = weakref.ref(self)
        for index, p in enumerate(params):
            if p.requires_grad:
                self.handles.append(p.register_hook(_hook(me, index)))

    def remove_hooks(self):
        for h in self.handles:
            h.remove()
        self.handles = []

    # ---- per iteration -----------------------------------------------------------------------

    def prepare_for_backward(self):
        """After a forward with gradient sync: the next backward averages the gradients."""
        if self.in_progress:
            unready = [str(i) for i, r in enumerate(self.ready) if not r and self.params[i].requires_grad]
            raise RuntimeError(_UNFINISHED_MESSAGE.format(rank=self.pg.rank(), indices=" ".join(unready)))
        self.expect_hooks = True
        self.ready = [not p.requires_grad for p in self.params]
        self.used = [False] * len(self.params)
        for b in self.buckets:
            b.reset()
            b.pending = sum(1 for i in b.indices if self.params[i].requires_grad)
        self.next_bucket = 0
        self.callback_queued = False

    def gradient_arrived(self, index, grad):
        """The hook of parameter `index`: `grad` is about to be accumulated into its .grad.
        Returns None or a tensor equal to `grad` for the engine to accumulate instead."""
        if not self.expect_hooks or not _engine.accumulating():
            # a forward without sync (no_sync), after this iteration's averaging, or
            # autograd.grad (PyTorch's reducer does not see it either)
            return None
        if self.ready[index]:
            raise RuntimeError(
                "Expected to mark a variable ready only once. This error is caused by one of the following "
                "reasons: 1) Use of a module parameter outside the `forward` function. Please make sure model "
                "parameters are not shared across multiple concurrent forward-backward passes. or try to use "
                "_set_static_graph() as a workaround if this module graph does not change during training loop."
                "2) Reused parameters in multiple reentrant backward passes. For example, if you use multiple "
                "`checkpoint` functions to wrap the same part of your model, it would result in the same set of "
                f"parameters been used by different reentrant backward passes multiple times. Parameter at index "
                f"{index} has been marked as ready twice.")
        self.in_progress = True
        if not self.callback_queued:
            _engine.queue_callback(_callback(weakref.ref(self)))
            self.callback_queued = True
        self.used[index] = True
        replacement = self._mark_ready(index, grad)
        self._progress()
        return replacement

    def _mark_ready(self, index, grad):
        """Puts the parameter's accumulated gradient (.grad plus `grad`, which may be None) in
        its bucket; starts the buckets that are complete, in order. Returns what the engine
        should accumulate instead of `grad`: when .grad is None, the bucket's copy of `grad`
        (contiguous, so that the engine's copy of it into .grad is a plain copy, whereas `grad`
        may be a transposed view: a Linear's weight gradient is), else None (`grad` itself)."""
        p = self.params[index]
        bucket = self.buckets[self.bucket_of[index]]
        slot = bucket.views[index]
        replacement = None
        with no_grad():
            accumulated = p.grad
            if grad is None:
                if accumulated is None:
                    slot.zero_()
                else:
                    slot.copy_(accumulated)
            elif accumulated is None:
                slot.copy_(grad)
                replacement = slot
            else:
                slot.copy_(accumulated)
                slot.add_(grad)
        self.ready[index] = True
        bucket.pending -= 1
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            self._start(self.buckets[self.next_bucket])
            self.next_bucket += 1
        return replacement

    def _start(self, bucket):
        with no_grad():
            bucket.flat.div_(self.pg.size())
        bucket.work = dist._all_reduce(bucket.flat, dist.ReduceOp.SUM, dist._mpi_op(dist.ReduceOp.SUM, bucket.flat.dtype),
                                       self.pg, async_op=True)
        if self.progress is not None:
            self.progress.start_polling()

    def _progress(self):
        """Lets MPI move the started all-reduces on (it progresses them only inside its calls)."""
        for b in self.buckets[:self.next_bucket]:
            if b.work is not None:
                b.work.is_completed()

    def finalize(self):
        """The end of backward: every gradient has been accumulated. Waits for the all-reduces
        and writes the averages into .grad."""
        self.callback_queued = False
        unready = [i for i, r in enumerate(self.ready) if not r]
        if unready:
            if not self.find_unused:
                return  # as PyTorch: the next forward reports the parameters that got no gradient
            for i in unready:
                self._mark_ready(i, None)
        used_anywhere = None
        if self.find_unused:
            # which parameters some process used: the others keep their .grad untouched
            used = tensor(self.used, dtype=bool_)
            dist._all_reduce(used, dist.ReduceOp.MAX, dist._mpi_op(dist.ReduceOp.MAX, used.dtype), self.pg, False)
            used_anywhere = used.tolist()
        try:
            for b in self.buckets:
                b.work.wait()
        finally:
            if self.progress is not None:
                self.progress.stop_polling()
        with no_grad():
            for b in self.buckets:
                for i in b.indices:
                    p = self.params[i]
                    if not p.requires_grad:
                        continue
                    if used_anywhere is not None and not used_anywhere[i]:
                        continue  # no process used it: its .grad stays as it was
                    if p.grad is None:
                        p.grad = b.views[i].clone()
                    else:
                        p.grad.copy_(b.views[i])
        self.expect_hooks = False
        self.in_progress = False


class _Progress:
    """A thread that lets MPI progress the started all-reduces while backward computes.

    Open MPI moves a non-blocking collective on only inside MPI calls; backward runs in the
    library, where none is made, so a bucket started early would otherwise barely move until the
    wait at the end. While some all-reduce is in flight, this thread makes a cheap MPI call
    (Iprobe on a communicator of its own, which never matches anything) every ~50 microseconds;
    it never touches the requests themselves (only the thread that started them tests or waits
    on them). Needs MPI_THREAD_MULTIPLE (mpi4py asks for it); without it, no thread."""

    _instance = None

    @classmethod
    def get(cls):
        if cls._instance is None:
            MPI = dist._mpi()
            if MPI.Query_thread() != MPI.THREAD_MULTIPLE:
                return None
            cls._instance = cls(MPI)
        return cls._instance

    def __init__(self, MPI):
        self.comm = MPI.COMM_SELF.Dup()
        self.active = threading.Event()
        self.stopping = False
        self.lock = threading.Lock()  # held around each MPI call, and by shutdown
        self.thread = threading.Thread(target=self._run, name="swiftgrad-ddp-progress", daemon=True)
        self.thread.start()
        # registered after mpi4py's own exit handler (which finalizes MPI), so it runs before it:
        # no MPI call may follow MPI_Finalize
        atexit.register(self.shutdown)

    def start_polling(self):
        self.active.set()

    def stop_polling(self):
        self.active.clear()

    def shutdown(self):
        with self.lock:
            self.stopping = True
        self.active.set()
        self.thread.join(timeout=1)

    def _run(self):
        MPI = dist._mpi()
        while True:
            self.active.wait()
            with self.lock:
                if self.stopping:
                    return
                self.comm.Iprobe(MPI.ANY_SOURCE, MPI.ANY_TAG)
            time.sleep(5e-5)


def _hook(reducer_ref, index):
    def hook(grad):
        reducer = reducer_ref()
        return reducer.gradient_arrived(index, grad) if reducer is not None else None
    return hook


def _callback(reducer_ref):
    def callback():
        reducer = reducer_ref()
        if reducer is not None:
            reducer.finalize()
    return callback


class DistributedDataParallel(Module):
    """Data parallel training over the processes of a group (torch.nn.parallel.DistributedDataParallel).

    Wraps `module`: at construction the processes check that their models have the same
    parameters and take rank 0's parameters and buffers; calling it runs module's forward (and
    first, when broadcast_buffers, gives every process rank 0's buffers); backward averages the
    gradients over the processes, overlapping the communication with the rest of backward.
    Inside `no_sync()`, forward/backward passes only accumulate the local gradients; the first
    synchronised backward after it averages the accumulated ones. The wrapped model is
    `.module`; state_dict() keys start with "module." as PyTorch's."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=None,
                 init_sync=True, process_group=None, bucket_cap_mb=None, find_unused_parameters=False,
                 check_reduction=False, gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None, mixed_precision=None,
                 device_mesh=None, skip_all_reduce_unused_params=False, bucket_cap_mb_list=None,
                 batched_grad_copy=False, forward_sync_buffers=None, lazy_bucket_allocation=False):
        super().__init__()
        if process_group is not None and device_mesh is not None:
            raise RuntimeError("Cannot specify both process_group and device_mesh arguments.")
        if device_mesh is not None or delay_all_reduce_named_params is not None or mixed_precision is not None:
            raise NotImplementedError("DistributedDataParallel: device_mesh, delay_all_reduce_named_params and "
                                      "mixed_precision are not supported by swiftgrad")
        if gradient_as_bucket_view or static_graph or bucket_cap_mb_list:
            raise NotImplementedError("DistributedDataParallel: gradient_as_bucket_view, static_graph and "
                                      "bucket_cap_mb_list are not supported by swiftgrad")
        pg = dist._group(process_group)
        self.process_group = pg
        self.parameters_to_ignore = set(getattr(module, "_ddp_params_and_buffers_to_ignore", ()))
        named = [(n, p) for n, p in module.named_parameters() if n not in self.parameters_to_ignore]
        if not any(p.requires_grad for _, p in named):
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        if device_ids or output_device:
            raise ValueError("DistributedDataParallel device_ids and output_device arguments only work with "
                             "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                             f"{device_ids}, output_device {output_device}, and module parameters "
                             f"{ {p.device for _, p in named} }.")
        self.device_ids = None
        self.output_device = None
        self.dim = dim
        self.module = module
        self.static_graph = False
        self.gradient_as_bucket_view = False
        if broadcast_buffers is not None:
            if forward_sync_buffers is not None:
                warnings.warn("Both `broadcast_buffers` and `forward_sync_buffers` were specified. "
                              "`broadcast_buffers` is deprecated and its value is ignored when "
                              "`forward_sync_buffers` is provided.", FutureWarning, stacklevel=2)
            else:
                warnings.warn("`broadcast_buffers` is deprecated. Use `forward_sync_buffers` instead. IMPORTANT: "
                              "unlike `broadcast_buffers=False`, `forward_sync_buffers=False` still syncs buffers "
                              "at init. If you rely on buffers NOT being synced at init (e.g. rank-local buffers), "
                              "keep using `broadcast_buffers=False` until `init_sync_buffers` is available.",
                              FutureWarning, stacklevel=2)
        if forward_sync_buffers is not None:
            self.forward_sync_buffers = forward_sync_buffers
            init_sync_buffers = True
        else:
            self.forward_sync_buffers = broadcast_buffers if broadcast_buffers is not None else True
            init_sync_buffers = self.forward_sync_buffers
        if check_reduction:
            warnings.warn("The `check_reduction` argument in `DistributedDataParallel` module is deprecated. "
                          "Please avoid using it.", FutureWarning, stacklevel=2)
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        cap_mb = bucket_cap_mb if bucket_cap_mb is not None else _DEFAULT_BUCKET_CAP_MB
        self.bucket_bytes_cap = int(cap_mb * _MB)
        first = _DEFAULT_FIRST_BUCKET_BYTES if bucket_cap_mb is None else self.bucket_bytes_cap
        params = [p for _, p in named]
        if init_sync:
            self._verify_params(params)
            states = [p for p in params]
            if init_sync_buffers:
                states += [b for n, b in module.named_buffers() if n not in self.parameters_to_ignore]
            self._broadcast(states)
        limits = [first, self.bucket_bytes_cap] if first < self.bucket_bytes_cap else [self.bucket_bytes_cap]
        indices = _bucket_assignment([(i, params[i]) for i in reversed(range(len(params)))
                                      if params[i].requires_grad], limits)
        self.reducer = _Reducer(params, indices, pg, find_unused_parameters)

    # ---- construction helpers ------------------------------------------------------------------

    def _verify_params(self, params):
        """PyTorch's _verify_params_across_processes: the same number of parameters, of the same
        shapes and dtypes, on every process."""
        pg = self.process_group
        mine = [(tuple(p.shape), str(p.dtype)) for p in params]
        everyone = [None] * pg.size()
        dist.all_gather_object(everyone, mine, group=pg)
        me = pg.rank()
        for other, theirs in enumerate(everyone):
            if len(theirs) != len(mine):
                raise RuntimeError(f"DDP expects same model across all ranks, but Rank {me} has {len(mine)} params, "
                                   f"while rank {other} has inconsistent {len(theirs)} params.")
        for other, theirs in enumerate(everyone):
            for i, ((shape, dtype), (their_shape, their_dtype)) in enumerate(zip(mine, theirs)):
                if shape != their_shape:
                    raise RuntimeError(f"[{me}]: params[{i}] in this process with sizes {list(shape)} appears not "
                                       f"to match sizes of the same param in process {other}.")
                if dtype != their_dtype:
                    raise RuntimeError(f"[{me}]: params[{i}] in this process with dtype {dtype} appears not to "
                                       f"match dtype of the same param in process {other} ({their_dtype}).")

    def _broadcast(self, tensors, src=0):
        """Rank src's values of `tensors`, into every process's: one broadcast per dtype, of the
        tensors concatenated (PyTorch's _broadcast_coalesced)."""
        pg = self.process_group
        by_dtype = {}
        for t in tensors:
            if t.numel():
                by_dtype.setdefault(t.dtype, []).append(t)
        with no_grad():
            for group in by_dtype.values():
                flat = cat([t.detach().reshape(-1) for t in group])
                dist.broadcast(flat, src=dist.get_global_rank(pg, src), group=pg)
                if pg.rank() != src:
                    offset = 0
                    for t in group:
                        n = t.numel()
                        t.copy_(flat[offset:offset + n].view(t.shape))
                        offset += n

    # ---- PyTorch's attributes ------------------------------------------------------------------

    @property
    def broadcast_buffers(self):
        return self.forward_sync_buffers

    @broadcast_buffers.setter
    def broadcast_buffers(self, value):
        self.forward_sync_buffers = value

    def will_sync_module_buffers(self):
        return (self.require_forward_param_sync and self.forward_sync_buffers
                and any(True for _ in self.module.buffers()))

    @contextlib.contextmanager
    def no_sync(self):
        """Forward and backward passes inside only accumulate the local gradients; the first
        synchronised backward after it averages the accumulated gradients."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    # ---- forward -------------------------------------------------------------------------------

    def forward(self, *inputs, **kwargs):
        sync = is_grad_enabled() and self.require_backward_grad_sync
        if sync and self.reducer.in_progress:
            self.reducer.prepare_for_backward()  # raises: the previous reduction did not finish
        if self.will_sync_module_buffers():
            self._broadcast([b for n, b in self.module.named_buffers() if n not in self.parameters_to_ignore])
        output = self.module(*inputs, **kwargs)
        if sync:
            self.require_forward_param_sync = True
            self.reducer.prepare_for_backward()
        else:
            self.require_forward_param_sync = False
        return output

    def train(self, mode=True):
        super().train(mode)
        return self

    def _remove_autograd_hooks(self):
        """Removes the gradient hooks DDP put on the module's parameters."""
        self.reducer.remove_hooks()
