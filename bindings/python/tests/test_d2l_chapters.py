"""D2L's CNN chapters (d2l_cnn_chapter.py) and builders' guide (d2l_builders_guide.py), the
book's code with the imports changed, print on swiftgrad exactly what they print on PyTorch 2.15
(data/d2l_*.txt; a class path prints as swiftgrad's, `swiftgrad.nn.parameter.Parameter`), and,
when TORCH_PYTHON is set, the stored output is what that PyTorch prints now."""
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
CHAPTERS = ["d2l_cnn_chapter", "d2l_builders_guide"]


def _run(name, python, tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=str(HERE.parents[0]))
    # The builders' guide saves files (6.6) into the directory it is given.
    where = [str(tmp_path)] if name == "d2l_builders_guide" else []
    done = subprocess.run([python, str(HERE / f"{name}.py"), *where, *args], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _stored(name):
    return (HERE / "data" / f"{name}.txt").read_text()


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_prints_what_pytorch_prints(name, tmp_path):
    assert _run(name, sys.executable, tmp_path).replace("swiftgrad.", "torch.") == _stored(name)


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
@pytest.mark.parametrize("name", CHAPTERS)
def test_stored_output_is_pytorchs(name, tmp_path):
    assert _run(name, os.environ["TORCH_PYTHON"], tmp_path, "torch") == _stored(name)
