"""micrograd's own test suite (tests/third_party/micrograd, unmodified), which checks
micrograd's scalar engine against PyTorch, run with swiftgrad in torch's place
(`sys.modules["torch"] = swiftgrad`): its legacy torch.Tensor([-4.0]).double(), requires_grad
set on a leaf, relu, powers, reflected operators and backward of a one-element tensor."""
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
SUITE = HERE / "third_party" / "micrograd"

RUNNER = """
import sys
import swiftgrad
sys.modules["torch"] = swiftgrad
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "test/test_engine.py"]))
"""


def test_micrograds_suite_passes_with_swiftgrad_as_torch():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SUITE), str(HERE.parent)] + [p for p in [env.get("PYTHONPATH")] if p])
    result = subprocess.run([sys.executable, "-c", RUNNER], cwd=SUITE, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
