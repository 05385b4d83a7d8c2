"""The C ABI of libswiftgrad.so through ctypes: the loader, every function of the header declared
with its prototype (from _capi, generated from include/swiftgrad.h), and the one status check.
Nothing else in the package touches ctypes declarations."""
import ctypes
import errno
import os
import pathlib
import threading
from ._capi import *  # noqa: F401,F403 - the status codes, dtypes, SG_MAX_DIMS and callback types
from ._capi import PROTOTYPES, SG_ERR_CALLBACK, SG_ERR_IO, SG_VERSION_MAJOR, SG_VERSION_MINOR, SG_VERSION_PATCH

#: The version of the header this binding was generated from.
BINDING_VERSION = (SG_VERSION_MAJOR, SG_VERSION_MINOR, SG_VERSION_PATCH)

_here = pathlib.Path(__file__).resolve().parent
_LIBRARY_NAME = "libswiftgrad.so"


class LibraryNotFoundError(ImportError):
    """libswiftgrad.so could not be loaded from any of the places the loader looks."""


def _candidates():
    # 1. The library bundled in the installed package; 2. the checkout's build output.
    yield _here / _LIBRARY_NAME
    yield _here.parent.parent.parent / "build" / "lib" / _LIBRARY_NAME


def _load():
    explicit = os.environ.get("SWIFTGRAD_LIBRARY")
    if explicit:
        # An explicit choice is honoured or refused, never silently replaced by another library.
        try:
            return ctypes.PyDLL(explicit), explicit
        except OSError as error:
            raise LibraryNotFoundError(
                f"SWIFTGRAD_LIBRARY={explicit!r} could not be loaded: {error}") from None
    tried = []
    for path in _candidates():
        if not path.is_file():
            tried.append(f"{path} (not found)")
            continue
        try:
            return ctypes.PyDLL(str(path)), str(path)
        except OSError as error:
            tried.append(f"{path} ({error})")
    raise LibraryNotFoundError(
        "could not load libswiftgrad.so; tried:\n  SWIFTGRAD_LIBRARY (not set)\n  "
        + "\n  ".join(tried)
        + "\nBuild it with `make` in the swiftgrad checkout, or set SWIFTGRAD_LIBRARY to its path.")


# Most calls take well under a microsecond, less than releasing and retaking the GIL would
# cost, so they go through a PyDLL handle, which keeps the GIL. Calls that can run long
# (backward passes, matrix products, bulk copies, the functional derivatives) go through a CDLL
# handle of the same library, which releases it, so that other Python threads run meanwhile.
lib, library_path = _load()
lib_releasing_gil = ctypes.CDLL(library_path)
_RELEASES_GIL = {
    "sg_backward", "sg_autograd_backward", "sg_autograd_grad", "sg_matmul", "sg_mm", "sg_mv", "sg_bmm",
    "sg_tensor_from_data", "sg_tensor_copy_to", "sg_gradcheck", "sg_gradgradcheck", "sg_jacobian",
    "sg_hessian", "sg_vjp", "sg_jvp", "sg_hvp", "sg_optimizer_step", "sg_save_safetensors", "sg_load_safetensors",
    "sg_safetensors_serialize", "sg_safetensors_deserialize",
}



def _declare(name):
    function = getattr(lib_releasing_gil if name in _RELEASES_GIL else lib, name)
    function.restype, argtypes = PROTOTYPES[name]
    function.argtypes = list(argtypes)
    return function


# The version first, so that a library of another major version is refused before a missing
# function could be.
_version, _version_string = _declare("sg_version"), _declare("sg_version_string")
_major = _version() // 1_000_000
if _major != BINDING_VERSION[0]:
    raise ImportError(
        f"libswiftgrad {_version_string().decode()} at {library_path} has major version {_major}, "
        f"but this swiftgrad binding ({'.'.join(map(str, BINDING_VERSION))}) needs major version "
        f"{BINDING_VERSION[0]}")

# Every function of the header, as a module attribute of its C name (L.sg_add, ...).
globals().update((_name, _declare(_name)) for _name in PROTOTYPES)

_pending = threading.local()


def immortal(callback):
    """Keeps a ctypes callback (its C trampoline) alive to the end of the process: the library
    may call it while the interpreter shuts down (a tensor freed late releases the user data of
    its hooks, custom functions and borrowed NumPy memory), after the module that made it is
    gone. A callback freed first would be a jump into freed memory."""
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(callback))
    return callback


def record_callback_exception(error):
    """Called by a callback that raised: keeps the exception for the C call that ran the callback
    to re-raise, and gives the library a message."""
    if getattr(_pending, "error", None) is None:
        _pending.error = error
    try:
        sg_set_last_error(f"{type(error).__name__}: {error}".encode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - never let anything escape into C
        pass
    return SG_ERR_CALLBACK


class SwiftGradError(RuntimeError):
    """An error reported by libswiftgrad; a RuntimeError, as PyTorch raises. `status` is the
    C status name (e.g. "SG_ERR_SHAPE")."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class NotImplementedForDtype(SwiftGradError, NotImplementedError):
    """An op with no kernel for a dtype ("\"exp\" not implemented for 'Bool'", "linalg.det:
    Expected a floating point or complex tensor as input. Got Long", "mean(): could not infer
    output dtype. ..."): PyTorch raises these as
    NotImplementedError (it is also a RuntimeError here, as every library error)."""


class DimensionOutOfRange(SwiftGradError, IndexError):
    """A dimension argument outside the tensor's ("Dimension out of range (expected to be in
    range of [-2, 1], but got 2)", "Dimension specified as 0 but tensor has no dimensions"):
    PyTorch raises these as IndexError (it is also a RuntimeError here, as every library error)."""


# The errors open() reports by their own OSError subclass, which callers catch by name.
_ERRNO_SUBCLASSED = (errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.EEXIST)


def _os_error(message):
    """The OSError for a failed file operation. The library words these "<what> '<path>':
    <strerror>"; when the reason is one that Python gives a subclass (a missing file is
    FileNotFoundError), it is raised as open() raises it: `[Errno 2] No such file or directory:
    '<path>'`, with errno and filename set."""
    head, separator, reason = message.rpartition("': ")
    if separator:
        for code in _ERRNO_SUBCLASSED:
            if reason == os.strerror(code):
                return OSError(code, reason, head.partition("'")[2])
    return OSError(message)


def check(status, exception=None):
    """Raises the library's error for a failed call, reading its message at once, on this thread.
    `exception` overrides the class (IndexError for indexing, as PyTorch raises). When a Python
    callback (hook, custom function) raised during the call, that exception is raised instead."""
    if status:
        pending = getattr(_pending, "error", None)
        if pending is not None:
            _pending.error = None
            raise pending
        message = sg_last_error().decode("utf-8", "replace")
        if exception is None and status == SG_ERR_IO:
            raise _os_error(message)
        if exception is not None:
            raise exception(message)
        if status == SG_ERR_DTYPE and ("not implemented for '" in message
                                       or ": Expected a floating point or complex tensor as input." in message
                                       or "could not infer output dtype." in message):
            raise NotImplementedForDtype(message, "SG_ERR_DTYPE")
        if message.startswith(("Dimension out of range", "Dimension specified as")):
            raise DimensionOutOfRange(message, sg_status_string(status).decode())
        raise SwiftGradError(message, sg_status_string(status).decode())
