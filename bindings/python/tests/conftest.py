import os
import pathlib
import sys

# `make test` runs the suite twice: with numpy, and with SWIFTGRAD_BLOCK_NUMPY=1, where
# `import numpy` raises ImportError exactly as it does when numpy is not installed.
if os.environ.get("SWIFTGRAD_BLOCK_NUMPY") == "1":
    sys.modules["numpy"] = None

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402


def numpy_available():
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


needs_numpy = pytest.mark.skipif(not numpy_available(), reason="numpy is blocked or not installed")


@pytest.fixture
def in_threads():
    """`in_threads(count, work)` runs `work(i)` for i in range(count), each on its own thread, all
    at once; after they have all finished, re-raises the first exception any of them raised."""
    import threading

    def run(count, work):
        errors = []

        def guarded(i):
            try:
                work(i)
            except BaseException as error:  # noqa: BLE001 - re-raised below, in the test's thread
                errors.append(error)
        threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
    return run


@pytest.fixture
def forked_child():
    """`forked_child(check, holding=None)` forks (holding the lock `holding` across the fork, as if
    another thread held it then) and calls `check()` in the child under a 60-second alarm, so
    that a hang kills the child rather than the run; True when the child's check returned true."""
    if not hasattr(os, "fork"):
        pytest.skip("needs fork")

    def run(check, holding=None):
        import signal
        if holding is not None:
            holding.acquire()
        try:
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    signal.alarm(60)
                    code = 0 if check() else 3
                finally:
                    os._exit(code)
        finally:
            if holding is not None:
                holding.release()
        _, status = os.waitpid(pid, 0)
        return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return run

# Third-party suites run in their own process, with their own imports (test_micrograd.py).
collect_ignore = ["third_party"]
