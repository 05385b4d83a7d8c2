"""Helpers of DataLoader (torch.utils.data._utils): collation, fetching, the worker loop and the
worker-failure signal handling, in modules importable by name (worker processes started by
spawn find _worker_loop by it)."""
import atexit

from . import collate, fetch, signal_handling, worker  # noqa: F401
from .common import IS_WINDOWS, MP_STATUS_CHECK_INTERVAL, ExceptionWrapper  # noqa: F401

#: Whether Python is shutting down: iterators then leave their workers to multiprocessing's
#: own exit handling instead of joining them.
python_exit_status = False


def _set_python_exit_flag():
    global python_exit_status
    python_exit_status = True


atexit.register(_set_python_exit_flag)
