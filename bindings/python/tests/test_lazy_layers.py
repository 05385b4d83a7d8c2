"""The lazy convolution and normalisation layers against PyTorch 2.15's results on the same code
(lazy_layers_cases.py; data/lazy_layers_reference.json), and, when TORCH_PYTHON is set, the
reference against what that PyTorch gives now."""
import importlib.util
import json
import os
import pathlib
import subprocess

import pytest

import swiftgrad as torch

HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("lazy_layers_cases", HERE / "lazy_layers_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
REFERENCE = json.loads((HERE / "data" / "lazy_layers_reference.json").read_text())["cases"]
GOT = json.loads(json.dumps(cases.run(torch)))


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_lazy_layer_as_pytorch(name):
    assert GOT[name] == REFERENCE[name]


def test_lazy_layers_train_as_their_eager_classes():
    # After materialisation a LazyConv2d is a Conv2d: its parameters are the optimizer's, and a
    # step changes them.
    model = torch.nn.Sequential(torch.nn.LazyConv2d(2, 3), torch.nn.LazyBatchNorm2d(), torch.nn.Flatten(),
                                torch.nn.LazyLinear(1))
    x = torch.randn(4, 1, 5, 5)
    model(x)
    assert [type(m).__name__ for m in model] == ["Conv2d", "BatchNorm2d", "Flatten", "Linear"]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = [p.detach().clone() for p in model.parameters()]
    model(x).sum().backward()
    optimizer.step()
    assert all(not torch.equal(a, b) for a, b in zip(before, model.parameters()))


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_reference_is_what_pytorch_computes_now():
    script = (f"import importlib.util, json, torch\n"
              f"spec = importlib.util.spec_from_file_location('c', {str(HERE / 'lazy_layers_cases.py')!r})\n"
              "c = importlib.util.module_from_spec(spec); spec.loader.exec_module(c)\n"
              "print(json.dumps(c.run(torch)))\n")
    done = subprocess.run([os.environ["TORCH_PYTHON"], "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == REFERENCE
