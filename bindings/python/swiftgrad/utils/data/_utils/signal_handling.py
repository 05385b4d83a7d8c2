"""Workers that die (torch.utils.data._utils.signal_handling's role).

PyTorch registers its workers' pids and installs a process-wide SIGCHLD handler that raises in
the main thread when one has failed. An exception raised from a signal handler can land between
a lock's acquisition and the `with` block that releases it (inside a multiprocessing queue, say),
leaving the lock held and the process hanging at exit; so here the main process instead waits on
the result queue *and* the workers' process sentinels together (dataloader._try_get_data), and a
worker that ends while it is still expected to work is reported at once, with PyTorch's
messages: RuntimeError("DataLoader worker (pid(s) N) exited unexpectedly") raised from
worker_failure()'s RuntimeError. The process's signal dispositions are left alone."""
import faulthandler
import signal


def worker_failure(pid, exitcode):
    """The RuntimeError PyTorch reports for a worker that ended with `exitcode` (multiprocessing's:
    negative for a signal), or None for a normal exit (status 0) or a process still running."""
    if exitcode is None or exitcode == 0:
        return None
    if exitcode > 0:
        return RuntimeError(f"DataLoader worker (pid {pid}) exited unexpectedly with exit code {exitcode}. Details are "
                            "lost due to multiprocessing. Rerunning with num_workers=0 may give better error trace.")
    message = f"DataLoader worker (pid {pid}) is killed by signal: {signal.strsignal(-exitcode)}. "
    if -exitcode == signal.SIGBUS:
        message += ("It is possible that dataloader's workers are out of shared memory. "
                    "Please try to raise your shared memory limit.")
    return RuntimeError(message)


def _set_worker_signal_handlers():
    """In a worker: a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGABRT) prints the worker's Python
    traceback before the process dies (Python's faulthandler, where PyTorch's C handler prints
    "ERROR: Unexpected ... encountered in worker."); the main process then reports the death."""
    if not faulthandler.is_enabled():
        faulthandler.enable()
