"""What the data loading modules share: constants, and ExceptionWrapper, which carries an
exception raised in a worker to the main process (torch._utils.ExceptionWrapper)."""
import os
import sys
import traceback

IS_WINDOWS = sys.platform == "win32"

#: Seconds between checks that the other side (the main process, a worker) is still alive
#: while waiting on a queue.
MP_STATUS_CHECK_INTERVAL = 5.0


class KeyErrorMessage(str):
    """A str whose repr is itself: KeyError prints its argument's repr, which would show the
    wrapped traceback as one line full of \\n."""

    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception (by default the one being handled) as its type and formatted traceback,
    which pickle across processes; reraise() raises it again as
    `<type>("Caught <type> <where>.\\nOriginal Traceback ...")`."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))  # no traceback objects kept
        self.where = where

    def reraise(self):
        """Raises the wrapped exception's type with the original traceback in its message."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # an exception type that cannot be built from one message
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            del exception  # this frame, in the traceback, must not hold the exception (a cycle)


def cpu_count():
    """The CPUs this process may run on (torch._utils.cpu_count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()
