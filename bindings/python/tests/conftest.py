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

# Third-party suites run in their own process, with their own imports (test_micrograd.py).
collect_ignore = ["third_party"]
