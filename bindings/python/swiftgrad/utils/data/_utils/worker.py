"""The worker processes of a multi-process DataLoader (torch.utils.data._utils.worker): each
runs _worker_loop, taking (task index, batch indices) from its index queue and putting (task
index, batch or ExceptionWrapper) on the shared result queue; get_worker_info() tells code
running in a worker which one it is."""
import multiprocessing
import multiprocessing.connection
import multiprocessing.queues
import os
import queue
import random
from dataclasses import dataclass

from .... import _random
from . import signal_handling
from .common import MP_STATUS_CHECK_INTERVAL, ExceptionWrapper
from .fetch import _IterableDatasetFetcher, _MapDatasetFetcher


class ManagerWatchdog:
    """Whether the main process that started this worker is still alive. Two signs of its death:
    multiprocessing's parent sentinel (a pipe only the main process writes to) closing, and,
    when the main process is this worker's OS parent (fork), a change of parent pid (the worker
    is re-parented). The main process's pid is the one multiprocessing recorded when it started
    the worker: it may be gone by the time the worker gets here (PyTorch reads os.getppid() at
    this point, which is also the forkserver's pid, not the main process's, under forkserver)."""

    def __init__(self):
        self.parent = multiprocessing.parent_process()
        self.manager_pid = self.parent.pid if self.parent is not None else os.getppid()
        self.forked_by_manager = os.getppid() == self.manager_pid
        self.manager_dead = False

    def is_alive(self):
        if not self.manager_dead:
            self.manager_dead = ((self.forked_by_manager and os.getppid() != self.manager_pid)
                                 or (self.parent is not None and not self.parent.is_alive()))
        return not self.manager_dead

    def wait_for(self, connection, timeout):
        """Waits until `connection` is readable (True), or the parent sentinel closes or timeout
        seconds pass (False). (Under fork a sibling started later may hold the sentinel's other
        end too: this worker then learns of the death when that sibling exits, or by its pid.)"""
        waited = [connection] if self.parent is None else [connection, self.parent.sentinel]
        return connection in multiprocessing.connection.wait(waited, timeout)


_worker_info = None


@dataclass(frozen=True)
class WorkerInfo:
    """About the DataLoader worker this code runs in: id (0 to num_workers - 1), num_workers,
    seed (base_seed + id, which seeded random, swiftgrad and NumPy here) and dataset (this
    worker's copy of the dataset)."""

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    """The WorkerInfo of the DataLoader worker process this is called in, or None in the main
    process."""
    return _worker_info


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """A worker's IterableDataset copy is exhausted."""

    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Persistent workers: start a new epoch (a new fetcher over the dataset)."""

    seed: int = None


def _generate_state(base_seed, worker_id):
    """The four 32-bit words PyTorch seeds NumPy's legacy generator with in a worker: NumPy's
    SeedSequence hash of (worker_id, low and high halves of base_seed, 0), pool size 4 (so that
    random, torch and NumPy do not all start from the same number)."""
    mask = 0xFFFFFFFF
    entropy = [worker_id, base_seed & mask, base_seed >> 32, 0]

    multiplier = [0x43B0D7E5]  # the hash constant, advanced by each use

    def hashmix(value):
        value = (value ^ multiplier[0]) & mask
        multiplier[0] = (multiplier[0] * 0x931E8875) & mask
        value = (value * multiplier[0]) & mask
        return value ^ (value >> 16)

    def mix(x, y):
        result = ((0xCA01F9DD * x) - (0x4973F715 * y)) & mask
        return result ^ (result >> 16)

    pool = [hashmix(word) for word in entropy]
    for source in range(4):
        for target in range(4):
            if source != target:
                pool[target] = mix(pool[target], hashmix(pool[source]))
    state = []
    constant = 0x8B51F9DD
    for word in pool:
        word ^= constant
        constant = (constant * 0x58F38DED) & mask
        word = (word * constant) & mask
        state.append(word ^ (word >> 16))
    return state


class _ResultQueue(multiprocessing.queues.Queue):
    """The workers' result queue. A result that cannot be pickled (an unpicklable sample or
    batch, an exception whose class cannot be found by name) is answered with the pickling error,
    wrapped for its task, instead of being dropped, which would leave the main process waiting
    for that task for ever (as PyTorch's, whose queue only prints the error, does)."""

    worker_id = None  # set in each worker

    def _on_queue_feeder_error(self, e, obj):
        if isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], int):
            where = f"in DataLoader worker process {self.worker_id}"
            self.put((obj[0], ExceptionWrapper((type(e), e, e.__traceback__), where=where)))
        else:
            super()._on_queue_feeder_error(e, obj)


def _create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
    fetcher = _MapDatasetFetcher if kind == 0 else _IterableDatasetFetcher
    return fetcher(dataset, auto_collation, collate_fn, drop_last)


def _worker_loop(dataset_kind, dataset_holder, index_queue, data_queue, done_event, auto_collation, collate_fn,
                 drop_last, base_seed, init_fn, worker_id, num_workers, persistent_workers):
    """A worker's life: seed, run worker_init_fn, then answer tasks until the final None
    (or until the main process dies)."""
    global _worker_info
    dataset = dataset_holder.pop()  # the worker's copy; the args list no longer holds it
    data_queue.worker_id = worker_id
    try:
        signal_handling._set_worker_signal_handlers()
        seed = base_seed + worker_id
        random.seed(seed)
        _random.manual_seed(seed)
        try:
            import numpy  # noqa: PLC0415 - optional; swiftgrad does not import it at import time
        except ImportError:
            pass
        else:
            numpy.random.seed(_generate_state(base_seed, worker_id))
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)

        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:  # reported in answer to the first task
            init_exception = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")

        # An exhausted IterableDataset copy sends _IterableDatasetStopIteration once, then skips
        # tasks until the final None, as it does after done_event.
        iteration_end = False
        watchdog = ManagerWatchdog()
        while watchdog.is_alive():
            # A task, or the main process's death (its sentinel), whichever comes first.
            if not watchdog.wait_for(index_queue._reader, MP_STATUS_CHECK_INTERVAL):
                continue
            try:
                task = index_queue.get(block=False)
            except queue.Empty:  # not a whole message yet
                continue
            if isinstance(task, _ResumeIteration):
                data_queue.put((task, None))  # acknowledged
                iteration_end = False
                fetcher = _create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
                continue
            if task is None:  # the final signal
                if not done_event.is_set() and not iteration_end:
                    raise AssertionError("Received final signal but neither done_event nor iteration_end is set")
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = task
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:  # noqa: BLE001 - every failure goes to the main process
                    if isinstance(e, StopIteration) and dataset_kind == 1:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
            data_queue.put((idx, data))
            del data, idx, index, task  # hold nothing between tasks
    except KeyboardInterrupt:  # the main process raises it too
        pass
    finally:
        _worker_info = None
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
