"""DataLoader (torch.utils.data.dataloader): batches from a dataset through a sampler, in the
main process or in worker processes, with PyTorch 2.15's arguments, checks, messages, seeding
and shutdown.

Multi-process loading follows PyTorch's design: each worker has an index queue, all share one
result queue; tasks (task index, batch of indices) go round-robin to the workers, at most
prefetch_factor * num_workers outstanding, and results are handed out in task order (or as they
come with in_order=False). Tensors cross the queues by pickling (Tensor.__reduce__ copies the
elements' bytes). A failing worker's exception is re-raised in the main process as
"Caught <type> in DataLoader worker process <n>", a worker that dies raises RuntimeError as soon
as the main process waits for data (see _utils/signal_handling.py for why no SIGCHLD handler),
and workers are stopped when the iterator ends or is garbage collected (also when it is caught in
a reference cycle, e.g. by an exception's traceback)."""
import itertools
import math
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import time
import warnings
from typing import Generic, TypeVar

from ... import _dtype
from ..._creation import empty
from . import _utils
from ._utils.collate import default_collate, default_convert
from ._utils.common import ExceptionWrapper, cpu_count
from ._utils.worker import get_worker_info
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]

_T_co = TypeVar("_T_co", covariant=True)

#: id(iterator) -> the worker processes and queues of a multi-process iterator, until it shuts down.
_live_workers = {}


class _DatasetKind:
    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        """The fetcher of a map-style or an iterable-style dataset."""
        return _utils.worker._create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last)


class _InfiniteConstantSampler(Sampler):
    """None forever: the sampler of an IterableDataset (its own iterator decides the data)."""

    def __iter__(self):
        while True:
            yield None


def _draw_seed(generator=None):
    """One int64 draw from `generator` (the default one when None), as PyTorch draws the
    workers' base seed: torch.empty((), dtype=torch.int64).random_(generator=...).item()."""
    return empty((), dtype=_dtype.int64).random_(generator=generator).item()


class DataLoader(Generic[_T_co]):
    """Iterates over `dataset` in batches of batch_size samples (batch_size=None: one sample at
    a time, converted, not batched), in order or shuffled (shuffle=True, or a sampler or
    batch_sampler of your own), collated by collate_fn (default_collate), loaded in the main
    process (num_workers=0) or in num_workers worker processes.

    Arguments as PyTorch's: dataset, batch_size=1, shuffle=None, sampler=None,
    batch_sampler=None, num_workers=0, collate_fn=None, pin_memory=False (swiftgrad has no
    accelerator: a warning, as PyTorch gives without one), drop_last=False, timeout=0,
    worker_init_fn=None, multiprocessing_context=None, generator=None, and keyword-only
    prefetch_factor, persistent_workers=False, pin_memory_device="", in_order=True."""

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        # The dataset's kind is checked before the samplers: an IterableDataset takes none.
        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
                                 f"batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None  # len(self) of an IterableDataset, to warn when it yields more
        self._iterator = None
        self.check_worker_number_rationality()

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    @property
    def multiprocessing_context(self):
        """The multiprocessing context workers are started from (None: multiprocessing's
        default, fork on Linux before Python 3.14)."""
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers <= 0:
                raise ValueError("multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                                 f"but got num_workers={self.num_workers}")
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError(f"multiprocessing_context option should specify a valid start method in {methods!r}, "
                                     f"but got multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context object or a string specifying "
                                f"the start method, but got multiprocessing_context={context}")
        self.__multiprocessing_context = context

    def __setattr__(self, attr, value):
        if self.__initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                           "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, value)

    def __iter__(self):
        # With persistent workers one multi-process iterator lives as long as the loader and is
        # reset for each epoch; otherwise every epoch gets a fresh iterator.
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        """What the iterator draws from: batches of indices when batching, else indices."""
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._dataset_kind == _DatasetKind.Iterable:
            # The dataset's own length, in batches: trusted, and remembered to warn when an
            # iteration yields more (e.g. replicas in workers that were not told to split).
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        """Warns when num_workers exceeds the CPUs this process may use."""
        if not self.num_workers:
            return
        suggested = cpu_count()
        if suggested is None or self.num_workers > suggested:
            if suggested is not None:
                detail = (f"Our suggested max number of worker in current system is {suggested}"
                          f"{'' if hasattr(os, 'sched_getaffinity') else ' (`cpuset` is not taken into account)'}, "
                          "which is smaller than what this DataLoader is going to create.")
            else:
                detail = "DataLoader is not able to compute a suggested max number of worker in current system."
            warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in total. {detail} Please be "
                          "aware that excessive worker creation might get DataLoader running slow or even freeze, lower "
                          "the worker number to avoid potential slowness/freeze if necessary.", stacklevel=2)


class _BaseDataLoaderIter:
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used as the device,"
                          f"ignore pin_memory_device='{loader.pin_memory_device}'.", stacklevel=2)
        if loader.pin_memory:  # swiftgrad has no accelerator
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned memory "
                          "won't be used.", stacklevel=2)
        self._pin_memory = False
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = _draw_seed(loader.generator)
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)  # StopIteration ends the epoch

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if (self._dataset_kind == _DatasetKind.Iterable and self._IterableDataset_len_called is not None
                and self._num_yielded > self._IterableDataset_len_called):
            message = (f"Length of IterableDataset {self._dataset} was reported to be {self._IterableDataset_len_called}"
                       f"(when accessing len(dataloader)), but {self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                message += ("For multiprocessing data-loading, this could be caused by not properly configuring the "
                            "IterableDataset replica at each worker. Please see "
                            "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.")
            warnings.warn(message, stacklevel=2)
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError("{} cannot be pickled", self.__class__.__name__)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        if self._timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        self._dataset_fetcher = _DatasetKind.create_fetcher(self._dataset_kind, self._dataset, self._auto_collation,
                                                            self._collate_fn, self._drop_last)

    def _next_data(self):
        index = self._next_index()
        return self._dataset_fetcher.fetch(index)  # StopIteration: an exhausted IterableDataset


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """One pass over the dataset with worker processes.

    Bookkeeping: _send_idx is the next task to send, _rcvd_idx the next to return;
    _task_info[idx] is (worker_id,) while task idx is outstanding and (worker_id, data) when its
    data came early; _workers_status[w] is False once worker w is done (its IterableDataset copy
    ended, or shutdown). Shutdown (at the end of the pass, or when the iterator is garbage
    collected) sets done_event, sends each worker None, joins them, and terminates any still
    alive; at the end of the program multiprocessing's exit handler ends the daemonic workers."""

    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        if self._num_workers <= 0:
            raise AssertionError("num_workers must be greater than 0 for MultiProcessingDataLoaderIter")
        if self._prefetch_factor <= 0:
            raise AssertionError("prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter")
        context = loader.multiprocessing_context or multiprocessing.get_context()
        self._main_pid = os.getpid()  # a forked worker inherits this object but must not stop its workers
        self._worker_init_fn = loader.worker_init_fn
        self._worker_result_queue = _utils.worker._ResultQueue(ctx=context)
        self._shutdown = False
        self._workers_done_event = context.Event()
        self._index_queues = []
        self._workers = []
        # While the workers live, their processes and queues stay reachable from this module: if
        # the iterator ends up in a reference cycle (an exception's traceback holds it), the cycle
        # collector would otherwise run multiprocessing's finalizers (closing the processes'
        # sentinels, stopping the queues' feeder threads) before __del__ can stop the workers.
        _live_workers[id(self)] = (self._workers, self._index_queues, self._worker_result_queue,
                                   self._workers_done_event)
        for i in range(self._num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()  # the workers may be gone before it flushes
            worker = context.Process(
                target=_utils.worker._worker_loop,
                args=(self._dataset_kind, [self._dataset], index_queue, self._worker_result_queue,
                      self._workers_done_event, self._auto_collation, self._collate_fn, self._drop_last,
                      self._base_seed, self._worker_init_fn, i, self._num_workers, self._persistent_workers))
            worker.daemon = True
            try:
                worker.start()
            except (TypeError, AttributeError, pickle.PicklingError):
                warnings.warn("Got pickle error when attempting to start a worker Process. This might be because the "
                              "worker Process arguments are not picklable. Python 3.14+ changed the multiprocessing "
                              "start method in non-Mac POSIX platforms to 'forkserver', which requires the worker Process "
                              "arguments to be picklable. You can also try multiprocessing.set_start_method('fork').",
                              stacklevel=2)
                self._shutdown_started_workers()
                raise
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._data_queue = self._worker_result_queue
        self._reset(loader, first_iter=True)

    def _shutdown_started_workers(self):
        """Stops the workers started before one failed to start."""
        self._workers_status = [True] * len(self._workers)
        self._shutdown_workers()

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._tasks_outstanding = 0  # tasks sent whose data has not come back
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:  # persistent workers: each acknowledges the new epoch
            for q in self._index_queues:
                q.put(_utils.worker._ResumeIteration())
            pending = self._num_workers
            while pending > 0:
                idx, data = self._get_data()
                if isinstance(idx, _utils.worker._ResumeIteration):
                    if data is not None:
                        raise AssertionError("Expected return_data to be None when resuming iteration")
                    pending -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_get_data(self, timeout=_utils.MP_STATUS_CHECK_INTERVAL):
        """(True, data) from the result queue, or (False, None) when nothing came within
        timeout; RuntimeError as soon as a worker that is still expected to work has ended.

        It waits on the queue's pipe and the working workers' sentinels together, so a death is
        noticed when it happens (see signal_handling); data that was sent before it is still
        taken first."""
        reader = self._data_queue._reader
        deadline = time.monotonic() + timeout
        while True:
            working = [w for i, w in enumerate(self._workers) if self._workers_status[i]]
            ready = multiprocessing.connection.wait([reader] + [w.sentinel for w in working],
                                                    max(0.0, deadline - time.monotonic()))
            if reader in ready:
                try:
                    return True, self._data_queue.get(block=False)
                except queue.Empty:  # not a whole message yet
                    continue
            failed = [w for w in working if not w.is_alive()]
            if failed:
                for i, w in enumerate(self._workers):
                    if w in failed:
                        self._mark_worker_as_unavailable(i)
                causes = [_utils.signal_handling.worker_failure(w.pid, w.exitcode) for w in failed]
                pids = ", ".join(str(w.pid) for w in failed)
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") from next(
                    (c for c in causes if c is not None), None)
            if time.monotonic() >= deadline:
                return False, None

    def _get_data(self):
        if self._timeout > 0:
            success, data = self._try_get_data(self._timeout)
            if success:
                return data
            raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
        while True:
            success, data = self._try_get_data()
            if success:
                return data

    def _next_data(self):
        while True:
            # Skip tasks whose worker has ended (an exhausted IterableDataset copy) without data.
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info:
                    worker_id = info[0]
                    if len(info) == 2 or self._workers_status[worker_id]:
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:  # its data came early
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)
            if self._shutdown or self._tasks_outstanding <= 0:
                raise AssertionError("Invalid iterator state: shutdown or no outstanding tasks when fetching next data")
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._dataset_kind == _DatasetKind.Iterable and isinstance(
                    data, _utils.worker._IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(idx)[0]
                    return self._process_data(data, worker_id)
                self._task_info[idx] += (data,)  # kept until its turn
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _try_put_index(self):
        max_tasks = self._prefetch_factor * self._num_workers
        if self._tasks_outstanding >= max_tasks:
            raise AssertionError("Number of outstanding tasks exceeded maximum allowed tasks")
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next active worker (with room, out of order)
            worker_id = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_id]:
                if self._in_order or self._workers_num_tasks[worker_id] < max_tasks // sum(self._workers_status):
                    break
        else:
            return
        self._index_queues[worker_id].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_id,)
        self._workers_num_tasks[worker_id] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data, worker_id):
        self._workers_num_tasks[worker_id] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _mark_worker_as_unavailable(self, worker_id, shutdown=False):
        """Tells worker `worker_id` to exit (None on its index queue) and stops sending it tasks."""
        if not self._workers_status[worker_id] and not self._persistent_workers and not shutdown:
            raise AssertionError("Worker status inconsistent when marking worker as unavailable")
        self._index_queues[worker_id].put(None)
        self._workers_status[worker_id] = False
        if self._workers_done_event.is_set() != shutdown:
            raise AssertionError("_workers_done_event state does not match shutdown flag")

    def _shutdown_workers(self):
        if _utils is None or _utils.python_exit_status is True or _utils.python_exit_status is None:
            return  # the interpreter is exiting: multiprocessing's exit handler ends daemonic workers
        if self._shutdown:
            return
        self._shutdown = True
        try:
            self._workers_done_event.set()
            for worker_id in range(len(self._workers)):
                if self._persistent_workers or self._workers_status[worker_id]:
                    self._mark_worker_as_unavailable(worker_id, shutdown=True)
            for w in self._workers:
                w.join(timeout=_utils.MP_STATUS_CHECK_INTERVAL)
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=_utils.MP_STATUS_CHECK_INTERVAL)
            _live_workers.pop(id(self), None)

    def __del__(self):
        # Only in the process that made it, once __init__ got as far as starting workers.
        if hasattr(self, "_shutdown") and self._main_pid == os.getpid():
            self._shutdown_workers()
