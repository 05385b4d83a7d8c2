"""torch.testing (assert_close, assert_allclose, make_tensor) and the torch.isclose it rests on.

Two kinds of checks:
- every case of testing_cases.py (ordinary PyTorch code) against PyTorch 2.15's outcome stored in
  data/testing_reference.json: the exception type and exact message, the warnings, and for
  make_tensor the properties that do not depend on the random draws (swiftgrad's generator is
  not PyTorch's); with TORCH_PYTHON set, the stored file is checked against a fresh PyTorch run;
- tests with values derived here by hand (float32 rounding through struct, tolerance
  boundaries from the documented table, strides of a channels-last layout, ...)."""
import dataclasses
import json
import math
import os
import pathlib
import struct
import subprocess
import sys
import warnings

import pytest

import swiftgrad as torch
from conftest import needs_numpy, numpy_available
from swiftgrad.testing import assert_allclose, assert_close, make_tensor

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import testing_cases  # noqa: E402

if numpy_available():
    import numpy as np
else:
    np = None

REFERENCE_FILE = HERE / "data" / "testing_reference.json"
REFERENCE = json.loads(REFERENCE_FILE.read_text())


def f32(x):
    """x rounded to float32, as a Python float."""
    return struct.unpack("f", struct.pack("f", x))[0]


def f16(x):
    return struct.unpack("e", struct.pack("e", x))[0]


def failure(function, *args, **kwargs):
    """The exception function(*args, **kwargs) raises (it must raise)."""
    try:
        function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001
        return error
    raise AssertionError("no exception")


# ---- against PyTorch ----------------------------------------------------------------------------

def test_the_reference_is_pytorch_2_15_and_covers_every_case():
    assert REFERENCE["torch"].startswith("2.15"), REFERENCE["torch"]
    assert sorted(REFERENCE["cases"]) == sorted(testing_cases.CASES)
    outcomes = REFERENCE["cases"].values()
    assert sum(o["error"] is None for o in outcomes) >= 40
    assert sum((o["error"] or "").startswith("AssertionError") for o in outcomes) >= 50


@pytest.mark.parametrize("name", sorted(testing_cases.CASES))
def test_case_matches_pytorch(name):
    if name in testing_cases.NEEDS_NUMPY and np is None:
        pytest.skip("needs numpy")
    assert testing_cases.run_case(torch, np, name) == REFERENCE["cases"][name]


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_stored_reference_is_what_pytorch_gives(tmp_path):
    out = tmp_path / "fresh.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # PyTorch's torch, not swiftgrad
    result = subprocess.run([os.environ["TORCH_PYTHON"], str(HERE / "testing_cases.py"), str(out)],
                            capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    fresh = json.loads(out.read_text())
    assert fresh["torch"].startswith("2.15"), fresh["torch"]
    assert fresh["cases"] == REFERENCE["cases"]


# ---- the package ------------------------------------------------------------------------------

def test_torch_testing_is_the_package():
    assert torch.testing.assert_close is assert_close
    assert torch.testing.make_tensor is make_tensor
    assert sorted(torch.testing.__all__) == ["assert_allclose", "assert_close", "make_tensor"]


# ---- assert_close: messages derived by hand -----------------------------------------------------

def test_one_of_three_message():
    error = failure(assert_close, torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0]))
    assert type(error) is AssertionError
    # |2 - 2.5| = 0.5 exactly; 0.5 / 2.5 is computed in float32.
    assert str(error) == ("Tensor-likes are not close!\n\n"
                          "Mismatched elements: 1 / 3 (33.3%)\n"
                          "Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)\n"
                          f"Greatest relative difference: {f32(0.2)} at index (1,) (up to 1.3e-06 allowed)")


def test_greatest_differences_are_among_the_mismatches_with_their_own_indices():
    actual = torch.tensor([[10.0, 1.0, 0.0], [3.0, 0.001, 100.0]])
    expected = torch.tensor([[5.0, 1.0, 0.0], [3.0, 0.0001, 100.0]])
    message = str(failure(assert_close, actual, expected))
    assert "Mismatched elements: 2 / 6 (33.3%)" in message
    assert "Greatest absolute difference: 5.0 at index (0, 0) (up to 1e-05 allowed)" in message
    rel = f32(f32(f32(0.001) - f32(0.0001)) / f32(0.0001))  # about 9, against 5 / 5 = 1 at (0, 0)
    assert f"Greatest relative difference: {rel} at index (1, 1) (up to 1.3e-06 allowed)" in message


def test_zero_tolerances_say_equal_and_allow_nothing():
    message = str(failure(assert_close, torch.tensor([1, 2, 3, 4]), torch.tensor([1, 2, 0, 8])))
    assert message == ("Tensor-likes are not equal!\n\n"
                       "Mismatched elements: 2 / 4 (50.0%)\n"
                       "Greatest absolute difference: 4 at index (3,)\n"
                       "Greatest relative difference: inf at index (2,)")  # 3 / |0|


def test_integer_differences_do_not_wrap():
    message = str(failure(assert_close, torch.tensor([-128, 0], dtype=torch.int8), torch.tensor([127, 0], dtype=torch.int8)))
    assert "Greatest absolute difference: 255 at index (0,)" in message


def test_scalar_message_for_zero_dim_tensors():
    message = str(failure(assert_close, torch.tensor(1.1), torch.tensor(1.2)))
    a, b = f32(1.1), f32(1.2)
    assert message == (f"Scalars are not close!\n\nExpected {b} but got {a}.\n"
                       f"Absolute difference: {abs(a - b)} (up to 1e-05 allowed)\n"
                       f"Relative difference: {abs(a - b) / b} (up to 1.3e-06 allowed)")


def test_python_scalars():
    assert_close(2.0 / math.sqrt(2.0), math.sqrt(2.0))
    message = str(failure(assert_close, 1e-9, 1e-10, rtol=0, atol=0))
    assert message == (f"Scalars are not equal!\n\nExpected 1e-10 but got 1e-09.\n"
                       f"Absolute difference: {1e-9 - 1e-10}\nRelative difference: {(1e-9 - 1e-10) / 1e-10}")
    assert str(failure(assert_close, 1, 1.0)) == "The (d)types do not match: <class 'int'> != <class 'float'>."
    assert_close(1, 1.0, check_dtype=False)
    assert str(failure(assert_close, True, False)) == "Booleans mismatch: True is not False"
    assert str(failure(assert_close, None, 0)) == "None mismatch: None is not 0"


@pytest.mark.parametrize("dtype, rtol, atol", [(torch.float16, 1e-3, 1e-5), (torch.bfloat16, 1.6e-2, 1e-5),
                                               (torch.float32, 1.3e-6, 1e-5), (torch.float64, 1e-7, 1e-7)])
def test_default_tolerances_are_the_documented_table(dtype, rtol, atol):
    message = str(failure(assert_close, torch.tensor([0.0, 4.0], dtype=dtype), torch.tensor([0.0, 2.0], dtype=dtype)))
    assert f"(up to {atol} allowed)" in message.splitlines()[3]
    assert f"(up to {rtol} allowed)" in message.splitlines()[4]


@pytest.mark.parametrize("dtype", [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64])
def test_integer_and_bool_tolerances_are_zero(dtype):
    message = str(failure(assert_close, torch.tensor([0, 1], dtype=dtype), torch.tensor([0, 0], dtype=dtype)))
    assert message.startswith("Tensor-likes are not equal!") and "allowed" not in message


@pytest.mark.parametrize("dtype, inside, outside", [
    # |actual - 1| <= atol + rtol * 1, at representable values of each dtype
    (torch.float64, 1 + 1.9e-7, 1 + 2.1e-7),        # allowed 2e-7
    (torch.float32, 1 + 1.1e-5, 1 + 1.2e-5),        # allowed 1.13e-5
    (torch.float16, 1 + 2 ** -10, 1 + 2 ** -9),     # allowed 1.01e-3; float16's step at 1 is 2**-10
    (torch.bfloat16, 1 + 2 ** -6, 1 + 3 * 2 ** -7),  # allowed 1.601e-2; bfloat16's step at 1 is 2**-7
])
def test_tolerance_boundaries(dtype, inside, outside):
    expected = torch.tensor([1.0], dtype=dtype)
    assert_close(torch.tensor([inside], dtype=dtype), expected)
    assert type(failure(assert_close, torch.tensor([outside], dtype=dtype), expected)) is AssertionError


def test_mismatched_dtypes_take_the_looser_tolerances():
    # float32 with float64, dtypes not checked: max(1.3e-6, 1e-7) and max(1e-5, 1e-7)
    assert_close(torch.tensor([1.0]), torch.tensor([1.0 + 1.1e-5], dtype=torch.float64), check_dtype=False)
    message = str(failure(assert_close, torch.tensor([1.0]), torch.tensor([1.001], dtype=torch.float64),
                          check_dtype=False))
    assert "(up to 1e-05 allowed)" in message and "(up to 1.3e-06 allowed)" in message


def test_non_finite_values():
    inf, nan = math.inf, math.nan
    assert_close(torch.tensor([inf, -inf]), torch.tensor([inf, -inf]))
    for actual, expected in [([1.0], [inf]), ([inf], [-inf]), ([inf], [1e38]), ([nan], [nan]), ([nan], [1.0])]:
        assert type(failure(assert_close, torch.tensor(actual), torch.tensor(expected), rtol=1.0, atol=1.0)) is AssertionError
    assert_close(torch.tensor([nan, 1.0]), torch.tensor([nan, 1.0]), equal_nan=True)
    message = str(failure(assert_close, torch.tensor([1.0, nan]), torch.tensor([1.0, 2.0])))
    assert "Greatest absolute difference: nan at index (1,)" in message


def test_attribute_messages():
    assert str(failure(assert_close, torch.ones(2, 3), torch.ones(3, 2))) == \
        "The values for attribute 'shape' do not match: torch.Size([2, 3]) != torch.Size([3, 2])."
    assert str(failure(assert_close, torch.ones(2), torch.ones(2, dtype=torch.float64))) == \
        "The values for attribute 'dtype' do not match: torch.float32 != torch.float64."
    transposed = torch.ones(2, 3).t()
    assert_close(transposed, torch.ones(3, 2))
    assert str(failure(assert_close, transposed, torch.ones(3, 2), check_stride=True)) == \
        "The values for attribute 'stride()' do not match: (1, 3) != (2, 1)."


def test_msg_replaces_or_transforms_value_failures_only():
    a, b = torch.tensor([1.0, 4.0, 5.0]), torch.tensor([1.0, 2.0, 3.0])
    assert str(failure(assert_close, a, b, msg="Argh")) == "Argh"
    generated = str(failure(assert_close, a, b))
    assert str(failure(assert_close, a, b, msg=lambda m: f"Header\n\n{m}\n\nFooter")) == f"Header\n\n{generated}\n\nFooter"
    # Structure mismatches are found while pairing the inputs, before msg applies.
    assert str(failure(assert_close, [1, 2], [1], msg="unused")) == "The length of the sequences mismatch: 2 != 1"


def test_containers_report_the_path_of_the_failing_item():
    actual = {"layers": [{"weight": torch.ones(2, 2)}], "step": 3}
    expected = {"layers": [{"weight": torch.ones(2, 2)}], "step": 4}
    assert str(failure(assert_close, actual, expected)).endswith("\n\nThe failure occurred for item ['step']")
    expected = {"layers": ({"weight": torch.eye(2)},), "step": 3}
    message = str(failure(assert_close, actual, expected))
    assert message.endswith("\n\nThe failure occurred for item ['layers'][0]['weight']")
    assert "Mismatched elements: 2 / 4 (50.0%)" in message
    message = str(failure(assert_close, {"a": 1, "b": 2}, {"a": 1, "c": 3}))
    assert message == ("The keys of the mappings do not match:\nMissing keys in the actual mapping: ['c']\n"
                       "Additional keys in the actual mapping: ['b']")


def test_dataclasses_compare_field_by_field():
    @dataclasses.dataclass
    class Pair:
        x: object
        y: object

    assert_close(Pair(torch.ones(2), 1.0), Pair(torch.ones(2), 1.0))
    message = str(failure(assert_close, Pair(torch.ones(2), 1.0), Pair(torch.ones(2), 2.0)))
    assert message.startswith("Scalars are not close!") and message.endswith("item ['y']")


@needs_numpy
def test_numpy_inputs():
    assert str(failure(assert_close, np.ones(2), torch.ones(2))) == (
        f"No comparison pair was able to handle inputs of type {np.ndarray} and {torch.Tensor}.")
    assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    assert type(failure(assert_close, np.array([1.0, 2.0]), np.array([1.0, 2.1]))) is AssertionError
    assert_close(np.float32(0.5), 0.5)  # NumPy scalars are numbers (float32's .item() is a Python float)
    assert str(failure(assert_close, np.bool_(True), False)) == "Booleans mismatch: True is not False"


def test_package_does_not_import_numpy():
    program = ("import sys, swiftgrad as torch\n"
               "torch.testing.assert_close({'a': [torch.ones(2), 1.0, True, None]}, {'a': (torch.ones(2), 1.0, True, None)})\n"
               "assert 'numpy' not in sys.modules\n"
               "print('ok')\n")
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, env=env)
    assert result.stdout == "ok\n", result.stderr


def test_type_relations():
    assert type(failure(assert_close, "a", "b")) is TypeError
    assert str(failure(assert_close, torch.ones(1), 1.0)) == (
        f"No comparison pair was able to handle inputs of type {torch.Tensor} and <class 'float'>.")
    parameter = torch.nn.Parameter(torch.ones(2))
    assert_close(parameter, torch.ones(2))
    assert type(failure(assert_close, parameter, torch.ones(2), allow_subclasses=False)) is TypeError


def test_tolerances_both_or_neither():
    for kwargs, missing in [({"rtol": 1e-3}, "atol"), ({"atol": 1e-3}, "rtol")]:
        error = failure(assert_close, torch.ones(1), torch.ones(1), **kwargs)
        assert type(error) is ValueError
        assert str(error) == f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}."


def test_gradients_play_no_part():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    assert_close(y, torch.tensor([3.0, 6.0]))
    failure(assert_close, y, torch.tensor([3.0, 7.0]))
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


# ---- torch.isclose, which assert_close calls ----------------------------------------------------

def test_isclose_non_finite_values():
    inf, nan = math.inf, math.nan
    a = torch.tensor([1.0, inf, -inf, inf, nan, nan, 1.0])
    b = torch.tensor([inf, inf, inf, 1.0, nan, 1.0, 1.0])
    # Equal infinities are close; an infinity is not close to anything else even with a huge rtol
    # (|1 - inf| = inf <= rtol * inf would hold); NaN only with equal_nan.
    assert torch.isclose(a, b, rtol=10.0, atol=0.0).tolist() == [False, True, False, False, False, False, True]
    assert torch.isclose(a, b, equal_nan=True).tolist() == [False, True, False, False, True, False, True]


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_isclose_every_float_dtype(dtype):
    a = torch.tensor([1.0, math.nan, math.inf, 2.0], dtype=dtype)
    b = torch.tensor([1.0, math.nan, 1.0, 2.5], dtype=dtype)
    assert torch.isclose(a, b, rtol=0.1, atol=0.0, equal_nan=True).tolist() == [True, True, False, False]
    assert torch.isclose(a, b, rtol=0.25, atol=0.0).tolist() == [True, False, False, True]  # 0.5 <= 0.625


def test_isclose_integers_and_bools():
    a, b = torch.tensor([1, 2, 100]), torch.tensor([1, 3, 101])
    assert torch.isclose(a, b, rtol=0, atol=0).tolist() == [True, False, False]
    assert torch.isclose(a, b, rtol=0.01, atol=0).tolist() == [True, False, True]  # 1 <= 1.01
    # Integers compare in float32, the default dtype: no wraparound (uint8's 5 - 6 would be 255,
    # int8's 120 - -120 would be -16), and values beyond 2**24 round (2**40 + 1 becomes 2**40).
    u8 = torch.uint8
    assert torch.isclose(torch.tensor([5], dtype=u8), torch.tensor([6], dtype=u8), rtol=0, atol=1).tolist() == [True]
    i8 = (torch.tensor([120], dtype=torch.int8), torch.tensor([-120], dtype=torch.int8))
    assert torch.isclose(*i8, rtol=0, atol=239).tolist() == [False]
    assert torch.isclose(*i8, rtol=0, atol=240).tolist() == [True]
    assert torch.isclose(torch.tensor([2 ** 40 + 1]), torch.tensor([2 ** 40]), rtol=0, atol=0.5).tolist() == [True]
    assert f32(2 ** 40 + 1) == 2 ** 40
    t, f = torch.tensor([True, False]), torch.tensor([True, True])
    assert torch.isclose(t, f).tolist() == [True, False]
    assert torch.isclose(t, f, rtol=0, atol=1).tolist() == [True, True]


def test_isclose_refusals():
    a = torch.ones(2)
    assert str(failure(torch.isclose, a, a, rtol=-1.0)) == "rtol must be greater than or equal to zero, but got -1"
    assert str(failure(torch.isclose, a, a, atol=-0.5)) == "atol must be greater than or equal to zero, but got -0.5"
    assert str(failure(torch.isclose, a, torch.ones(2, dtype=torch.int64))) == "Float did not match Long"


# ---- assert_allclose ----------------------------------------------------------------------------

def test_assert_allclose_warns_and_uses_its_own_defaults():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert_allclose([1.0, 2.0], torch.tensor([1.0, 2.0001]))  # rtol 1e-4 for float32
        assert_allclose(torch.tensor([math.nan]), [math.nan])  # NaNs equal by default
    assert [w.category for w in caught] == [FutureWarning, FutureWarning]
    assert "assert_allclose()` is deprecated since 1.12" in str(caught[0].message)
    assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        message = str(failure(assert_allclose, torch.tensor([1.0]), torch.tensor([1.01])))
        assert "(up to 0.0001 allowed)" in message and "(up to 1e-05 allowed)" in message
        assert str(failure(assert_allclose, torch.tensor([1]), torch.tensor([2]), msg="ints")) == "ints"


# ---- make_tensor --------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype, low, high", [
    (torch.float32, -9, 9), (torch.float64, -9, 9), (torch.float16, -9, 9), (torch.bfloat16, -9, 9),
    (torch.int64, -9, 10), (torch.int32, -9, 10), (torch.int16, -9, 10), (torch.int8, -9, 10),
    (torch.uint8, 0, 10), (torch.bool, 0, 2)])
def test_make_tensor_default_ranges(dtype, low, high):
    t = make_tensor(2000, dtype=dtype, device="cpu")
    assert t.dtype is dtype and t.shape == torch.Size([2000])
    values = t.to(torch.float64)
    assert values.min().item() >= low and values.max().item() < high or (
        dtype in (torch.float16, torch.bfloat16) and values.max().item() == high)  # a draw can round up to high
    if not dtype.is_floating_point:  # 2000 draws hit both ends of a range of at most 19 integers
        assert values.min().item() == low and values.max().item() == high - 1


def test_make_tensor_clamps_and_rounds_bounds():
    t = make_tensor(3000, dtype=torch.int8, device="cpu", low=-1000, high=1000).to(torch.int64)
    assert t.min().item() >= -128 and t.max().item() <= 127
    t = make_tensor(500, dtype=torch.int16, device="cpu", low=1.5, high=4.5)
    assert sorted(set(t.tolist())) == [2, 3, 4]  # ceil(1.5) .. ceil(4.5) - 1
    t = make_tensor(100, dtype=torch.float32, device="cpu", low=-math.inf, high=math.inf)
    assert bool(t.isfinite().all())


def test_make_tensor_shapes_and_layouts():
    assert make_tensor(dtype=torch.float32, device="cpu").shape == torch.Size([])
    for shape in [(2, 3), [(2, 3)], [[2, 3]], [torch.Size([2, 3])]]:
        assert make_tensor(*shape, dtype=torch.float32, device="cpu").shape == torch.Size([2, 3])
    t = make_tensor(3, 4, dtype=torch.float32, device="cpu", noncontiguous=True)
    assert t.shape == torch.Size([3, 4]) and t.stride() == (8, 2) and not t.is_contiguous()
    assert make_tensor(1, 1, dtype=torch.float32, device="cpu", noncontiguous=True).is_contiguous()
    # channels last: C is innermost, then W, H, N: strides (H*W*C, 1, W*C, C)
    assert make_tensor(2, 3, 4, 5, dtype=torch.float32, device="cpu",
                       memory_format=torch.channels_last).stride() == (60, 1, 15, 3)


def test_make_tensor_exclude_zero_and_requires_grad():
    t = make_tensor(300, dtype=torch.int32, device="cpu", low=-1, high=2, exclude_zero=True)
    assert sorted(set(t.tolist())) == [-1, 1]
    assert make_tensor(3, dtype=torch.float16, device="cpu", low=0, high=1e-8, exclude_zero=True).tolist() == \
        [f16(2.0 ** -14)] * 3  # float16's smallest normal
    t = make_tensor(3, dtype=torch.float32, device="cpu", requires_grad=True)
    assert t.requires_grad and t.is_leaf


def test_make_tensor_seeded_draws_repeat():
    torch.manual_seed(3)
    a = make_tensor(5, 5, dtype=torch.float64, device="cpu", noncontiguous=True)
    torch.manual_seed(3)
    b = make_tensor(5, 5, dtype=torch.float64, device="cpu", noncontiguous=True)
    assert_close(a, b, rtol=0, atol=0)


def test_make_tensor_refusals():
    def message(**kwargs):
        kwargs = {"dtype": torch.float32, "device": "cpu", **kwargs}
        error = failure(make_tensor, 3, **kwargs)
        return f"{type(error).__name__}: {error}"

    assert message(dtype=torch.int64, low=5, high=5) == "ValueError: `low` must be less than `high`, but got 5 >= 5"
    assert message(low=math.nan, high=1) == "ValueError: `low` and `high` cannot be NaN, but got low=nan and high=1"
    assert message(dtype=torch.int8, low=200, high=300) == \
        "ValueError: The value interval specified by `low` and `high` is [200, 300), but torch.int8 only supports [-128, 128)"
    assert message(dtype=torch.int64, requires_grad=True) == \
        "ValueError: `requires_grad=True` is not supported for boolean and integral dtypes, but got dtype=torch.int64"
    assert message(noncontiguous=True, memory_format=torch.channels_last).startswith(
        "ValueError: The parameters `noncontiguous` and `memory_format` are mutually exclusive")
    assert message(dtype="float32").startswith(
        "TypeError: The requested dtype 'float32' is not supported by torch.testing.make_tensor().")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert make_tensor(2, dtype=torch.float32, device="cpu", low=2.5, high=2.5).tolist() == [2.5, 2.5]
    assert [w.category for w in caught] == [FutureWarning] and caught[0].filename == __file__


# ---- code that uses torch.testing: the same files under swiftgrad and under PyTorch ------------

USAGE = HERE / "testing_usage"
USAGE_FILES = ["usage_manual_backprop.py", "usage_softmax.py", "usage_sgd.py"]

# Every loaded swiftgrad module also under its torch name, so that `import torch.nn.functional`
# or `from torch.testing import ...` finds the loaded module rather than a second copy.
RUNNER = """
import sys
import swiftgrad
for name, module in list(sys.modules.items()):
    if name == "swiftgrad" or name.startswith("swiftgrad."):
        sys.modules["torch" + name[len("swiftgrad"):]] = module
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]]))
"""


def test_usage_files_pass_with_swiftgrad_as_torch():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent)] + [p for p in [env.get("PYTHONPATH")] if p])
    result = subprocess.run([sys.executable, "-c", RUNNER, *USAGE_FILES], cwd=USAGE, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "11 passed" in result.stdout


@pytest.mark.skipif(not os.environ.get("TORCH_PYTHON"), reason="TORCH_PYTHON is not set")
def test_usage_files_pass_with_pytorch():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([os.environ["TORCH_PYTHON"], "-m", "pytest", "-q", "-p", "no:cacheprovider", *USAGE_FILES],
                            cwd=USAGE, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "11 passed" in result.stdout


def test_docstring_examples_run():
    import doctest

    from swiftgrad.testing import _comparison, _creation
    for module in (_comparison, _creation):
        result = doctest.testmod(module, extraglobs={"torch": torch, "make_tensor": make_tensor})
        assert result.attempted > 0 and result.failed == 0, module.__name__
