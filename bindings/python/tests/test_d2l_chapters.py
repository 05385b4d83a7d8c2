"""D2L's CNN chapters (d2l_cnn_chapter.py: the book's code, imports changed) print on swiftgrad
exactly what they print on PyTorch 2.15 (data/d2l_cnn_chapter.txt), and, when TORCH_PYTHON is
set, what that PyTorch prints now."""
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SCRIPT = HERE / "d2l_cnn_chapter.py"
STORED = (HERE / "data" / "d2l_cnn_chapter.txt").read_text()


def _run(python, *args):
    env = dict(os.environ, PYTHONPATH=str(HERE.parents[0]))
    done = subprocess.run([python, str(SCRIPT), *args], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cnn_chapter_prints_what_pytorch_prints():
    assert _run(sys.executable) == STORED


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_stored_output_is_pytorchs():
    assert _run(os.environ["TORCH_PYTHON"], "torch") == STORED
