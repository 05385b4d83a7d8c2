"""torch.testing's cases (and torch.isclose's, which assert_close rests on), written as
ordinary PyTorch code against a `torch` module (and numpy) passed in: run under real PyTorch
(`$TORCH_PYTHON testing_cases.py [output.json]`) they give tests/data/testing_reference.json;
test_testing.py runs them on swiftgrad and compares.

A case is a function of (torch, np). Its outcome is recorded as: the exception it raises, as
"TypeName: message" (or None when it returns; a library's own exception class is named by the
built-in class it derives from), the warnings it emits (category, message and
the file they are attributed to), and what it returns (a JSON-able value). Class reprs in
messages are written in a neutral form (<Tensor class>, <Parameter class>), since swiftgrad's
classes live in other modules; the tail of PyTorch's "unexpected exception" messages (a
pointer to its issue tracker) is cut."""
import collections
import dataclasses
import json
import math
import os
import pathlib
import sys
import warnings

CASES = {}
NEEDS_NUMPY = set()  # the cases that use NumPy (skipped where it is not installed)


def case(function):
    CASES[function.__name__] = function
    return function


def numpy_case(function):
    NEEDS_NUMPY.add(function.__name__)
    return case(function)


def close(torch, *args, **kwargs):
    torch.testing.assert_close(*args, **kwargs)


# ---- tensors: passing -------------------------------------------------------------------------

@case
def pass_identical_float32(torch, np):
    close(torch, torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.0]))


@case
def pass_doc_acos_cos(torch, np):
    expected = torch.tensor([1e0, 1e-1, 1e-2])
    close(torch, torch.acos(torch.cos(expected)), expected)


@case
def pass_float32_within_rtol(torch, np):
    close(torch, torch.tensor([1000.0, -1000.0]), torch.tensor([1000.0009765625, -1000.0009765625]))


@case
def pass_float32_within_atol(torch, np):
    close(torch, torch.tensor([0.0, 9e-6]), torch.tensor([9e-6, 0.0]))


@case
def pass_float64_within(torch, np):
    close(torch, torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([1.0 + 5e-8, 2.0 + 2e-7], dtype=torch.float64))


@case
def pass_float16_within(torch, np):
    close(torch, torch.tensor([1.0, 100.0], dtype=torch.float16), torch.tensor([1.0009765625, 100.0625], dtype=torch.float16))


@case
def pass_bfloat16_within(torch, np):
    close(torch, torch.tensor([1.0, 100.0], dtype=torch.bfloat16), torch.tensor([1.0078125, 101.0], dtype=torch.bfloat16))


@case
def pass_int_equal(torch, np):
    close(torch, torch.tensor([1, -2, 3]), torch.tensor([1, -2, 3]))


@case
def pass_int8_equal(torch, np):
    close(torch, torch.tensor([-128, 127], dtype=torch.int8), torch.tensor([-128, 127], dtype=torch.int8))


@case
def pass_bool_equal(torch, np):
    close(torch, torch.tensor([True, False]), torch.tensor([True, False]))


@case
def pass_infinities(torch, np):
    inf = math.inf
    close(torch, torch.tensor([inf, -inf, 1.0]), torch.tensor([inf, -inf, 1.0]))


@case
def pass_nan_equal_nan(torch, np):
    close(torch, torch.tensor([math.nan, 1.0]), torch.tensor([math.nan, 1.0]), equal_nan=True)


@case
def pass_empty(torch, np):
    close(torch, torch.zeros(0, 3), torch.ones(0, 3))


@case
def pass_zero_dim(torch, np):
    close(torch, torch.tensor(2.5), torch.tensor(2.5))


@case
def pass_dtype_unchecked(torch, np):
    close(torch, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0], dtype=torch.float64), check_dtype=False)


@case
def pass_int_float_unchecked(torch, np):
    close(torch, torch.tensor([1, 2]), torch.tensor([1.0, 2.000001]), check_dtype=False)


@case
def pass_transposed_strides_unchecked(torch, np):
    close(torch, torch.arange(6.0).reshape(2, 3).t(), torch.arange(6.0).reshape(2, 3).t().contiguous())


@case
def pass_explicit_tolerances(torch, np):
    close(torch, torch.tensor([1.0, 2.0]), torch.tensor([1.1, 2.0]), rtol=0.0, atol=0.11)


@case
def pass_parameter_and_tensor(torch, np):
    close(torch, torch.nn.Parameter(torch.tensor([1.0, 2.0])), torch.tensor([1.0, 2.0]))


@case
def pass_requires_grad(torch, np):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    close(torch, a * 2, torch.tensor([2.0, 4.0]))


@numpy_case
def pass_numpy_arrays(torch, np):
    expected = np.array([1e0, 1e-1, 1e-2])
    close(torch, np.arccos(np.cos(expected)), expected)


@numpy_case
def pass_sequences(torch, np):
    expected = [torch.tensor([1.0]), 2.0, np.array(3.0)]
    close(torch, tuple(expected), expected)


@numpy_case
def pass_mappings(torch, np):
    foo, bar, baz = torch.tensor(1.0), 2.0, np.array(3.0)
    expected = collections.OrderedDict([("foo", foo), ("bar", bar), ("baz", baz)])
    close(torch, {"baz": baz, "bar": bar, "foo": foo}, expected)


@case
def pass_nested(torch, np):
    close(torch, {"a": [torch.ones(2), (1, 2.0)], "b": None}, {"a": (torch.ones(2), [1, 2.0]), "b": None})


@case
def pass_sizes(torch, np):
    close(torch, torch.ones(2, 3).shape, torch.Size([2, 3]))


# ---- tensors: failing -------------------------------------------------------------------------

@case
def fail_one_of_three(torch, np):
    close(torch, torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0]))


@case
def fail_doc_msg_string(torch, np):
    close(torch, torch.tensor([1.0, 4.0, 5.0]), torch.tensor([1.0, 2.0, 3.0]), msg="Argh, the tensors are not close!")


@case
def fail_doc_msg_callable(torch, np):
    close(torch, torch.tensor([1.0, 4.0, 5.0]), torch.tensor([1.0, 2.0, 3.0]), msg=lambda msg: f"Header\n\n{msg}\n\nFooter")


@case
def fail_nan_zero_dim(torch, np):
    close(torch, torch.tensor(math.nan), torch.tensor(math.nan))


@case
def fail_nan_in_vector(torch, np):
    close(torch, torch.tensor([1.0, math.nan, 3.0]), torch.tensor([1.0, 2.0, 3.0]))


@case
def fail_nan_both_vector(torch, np):
    close(torch, torch.tensor([math.nan, 1.0]), torch.tensor([math.nan, 1.0]))


@case
def fail_inf_against_finite(torch, np):
    close(torch, torch.tensor([1.0, 2.0]), torch.tensor([1.0, math.inf]))


@case
def fail_inf_against_minus_inf(torch, np):
    close(torch, torch.tensor([math.inf, 0.0]), torch.tensor([-math.inf, 0.0]))


@case
def fail_inf_with_rtol(torch, np):
    close(torch, torch.tensor([5.0]), torch.tensor([math.inf]), rtol=0.5, atol=0.0)


@case
def fail_expected_zero(torch, np):
    close(torch, torch.tensor([0.5, 0.0]), torch.tensor([0.0, 0.0]))


@case
def fail_greatest_at_different_indices(torch, np):
    close(torch, torch.tensor([[10.0, 1.0, 0.0], [3.0, 0.001, 100.0]]),
          torch.tensor([[1.0, 1.0, 0.0], [3.0, 0.002, 100.0]]))


@case
def fail_ties_take_first(torch, np):
    close(torch, torch.tensor([1.0, 3.0, 1.0, 3.0]), torch.tensor([1.0, 2.0, 1.0, 2.0]))


@case
def fail_three_dims(torch, np):
    a = torch.arange(24.0).reshape(2, 3, 4)
    b = a.clone()
    b[1, 2, 3] = 0.5
    close(torch, a, b)


@case
def fail_float64(torch, np):
    close(torch, torch.tensor([0.1, 0.2], dtype=torch.float64), torch.tensor([0.1, 0.3], dtype=torch.float64))


@case
def fail_float16(torch, np):
    close(torch, torch.tensor([1.0, 2.0], dtype=torch.float16), torch.tensor([1.0, 2.1], dtype=torch.float16))


@case
def fail_bfloat16(torch, np):
    close(torch, torch.tensor([1.0, 2.0], dtype=torch.bfloat16), torch.tensor([1.0, 2.5], dtype=torch.bfloat16))


@case
def fail_int(torch, np):
    close(torch, torch.tensor([1, 2, 3, 4]), torch.tensor([1, 2, 0, 7]))


@case
def fail_int8_extremes(torch, np):
    close(torch, torch.tensor([-128, 0], dtype=torch.int8), torch.tensor([127, 0], dtype=torch.int8))


@case
def fail_uint8(torch, np):
    close(torch, torch.tensor([0, 5], dtype=torch.uint8), torch.tensor([255, 5], dtype=torch.uint8))


@case
def fail_int_zero_dim(torch, np):
    close(torch, torch.tensor(3), torch.tensor(5))


@case
def fail_bool(torch, np):
    close(torch, torch.tensor([True, False, True]), torch.tensor([True, True, False]))


@case
def fail_bool_zero_dim(torch, np):
    close(torch, torch.tensor(True), torch.tensor(False))


@case
def fail_promoted_float32_float64(torch, np):
    close(torch, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0001], dtype=torch.float64), check_dtype=False)


@case
def fail_promoted_int_float(torch, np):
    close(torch, torch.tensor([1, 2]), torch.tensor([1.0, 2.5]), check_dtype=False)


@case
def fail_float32_scalar_value(torch, np):
    close(torch, torch.tensor(1.1), torch.tensor(1.2))


@case
def fail_shape(torch, np):
    close(torch, torch.ones(2, 3), torch.ones(3, 2))


@case
def fail_shape_zero_dim(torch, np):
    close(torch, torch.ones(1), torch.tensor(1.0))


@case
def fail_dtype(torch, np):
    close(torch, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0], dtype=torch.float64))


@case
def fail_dtype_int(torch, np):
    close(torch, torch.tensor([1, 2], dtype=torch.int32), torch.tensor([1, 2]))


@case
def fail_stride(torch, np):
    close(torch, torch.ones(2, 3).t(), torch.ones(3, 2), check_stride=True)


@case
def fail_explicit_zero_tolerances(torch, np):
    close(torch, torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.000001]), rtol=0, atol=0)


@case
def fail_shape_with_msg(torch, np):
    close(torch, torch.ones(2), torch.ones(3), msg="custom")


@numpy_case
def fail_numpy_arrays(torch, np):
    close(torch, np.array([1.0, 2.0]), np.array([1.0, 2.5]))


@numpy_case
def fail_numpy_dtype(torch, np):
    close(torch, np.array([1.0, 2.0], dtype=np.float32), np.array([1.0, 2.0]))


@numpy_case
def fail_tensor_and_numpy(torch, np):
    close(torch, torch.tensor([1.0, 2.0]).numpy(), torch.tensor([1.0, 2.0]))


@case
def fail_tensor_and_number(torch, np):
    close(torch, torch.tensor(1.0), 1.0)


@case
def fail_parameter_without_subclasses(torch, np):
    close(torch, torch.nn.Parameter(torch.tensor([1.0, 2.0])), torch.tensor([1.0, 2.0]), allow_subclasses=False)


@case
def fail_rtol_only(torch, np):
    close(torch, torch.tensor([1.0]), torch.tensor([1.0]), rtol=1e-3)


@case
def fail_atol_only(torch, np):
    close(torch, torch.tensor([1.0]), torch.tensor([1.0]), atol=1e-3, msg="ignored")


@case
def fail_negative_rtol(torch, np):
    close(torch, torch.tensor([1.0]), torch.tensor([1.0]), rtol=-1.0, atol=0.0)


# ---- Python numbers, booleans, None -----------------------------------------------------------

@case
def pass_doc_sqrt2(torch, np):
    close(torch, 2.0 / math.sqrt(2.0), math.sqrt(2.0))


@case
def pass_float_int_unchecked(torch, np):
    close(torch, 1.0, 1, check_dtype=False)


@case
def pass_complex(torch, np):
    close(torch, complex(1.0, 2.0), complex(1.0, 2.0 + 1e-8))


@numpy_case
def pass_numpy_scalars(torch, np):
    close(torch, np.float64(0.5), 0.5)
    close(torch, np.float32(0.25), np.float32(0.25))


@case
def pass_nan_scalars_equal_nan(torch, np):
    close(torch, math.nan, math.nan, equal_nan=True)


@numpy_case
def pass_bools(torch, np):
    close(torch, True, np.bool_(True))


@case
def pass_none(torch, np):
    close(torch, None, None)


@case
def fail_doc_scalars_equal(torch, np):
    close(torch, 1e-9, 1e-10, rtol=0, atol=0)


@case
def fail_scalars(torch, np):
    close(torch, 1.0, 1.1)


@case
def fail_int_scalars(torch, np):
    close(torch, 1, 2)


@case
def fail_scalar_expected_zero(torch, np):
    close(torch, 0.5, 0.0)


@case
def fail_complex_scalars(torch, np):
    close(torch, complex(1.0, 2.0), complex(1.0, 2.5))


@case
def fail_nan_scalars(torch, np):
    close(torch, math.nan, math.nan)


@case
def fail_inf_scalars(torch, np):
    close(torch, math.inf, 1.0)


@case
def fail_scalar_types(torch, np):
    close(torch, 1, 1.0)


@numpy_case
def fail_numpy_scalar_types(torch, np):
    close(torch, np.float32(1.0), 1)


@case
def fail_bools(torch, np):
    close(torch, True, False)


@numpy_case
def fail_numpy_bools(torch, np):
    close(torch, np.bool_(False), True)


@case
def fail_bool_and_int(torch, np):
    close(torch, True, 1)


@case
def fail_none(torch, np):
    close(torch, None, 1)


@case
def fail_none_expected(torch, np):
    close(torch, torch.tensor(1.0), None)


@case
def fail_strings(torch, np):
    close(torch, "a", "b")


@case
def fail_scalar_msg(torch, np):
    close(torch, 1.0, 2.0, msg=lambda m: m.upper())


# ---- containers -------------------------------------------------------------------------------

@case
def fail_sequence_length(torch, np):
    close(torch, [1, 2, 3], [1, 2])


@case
def fail_sequence_length_msg_ignored(torch, np):
    close(torch, (torch.ones(1),), (), msg="not used")


@case
def fail_sequence_item(torch, np):
    close(torch, [torch.tensor([1, 2]), {"a": torch.tensor([[1, 2], [3, 4]])}],
          [torch.tensor([1, 2]), {"a": torch.tensor([[1, 2], [3, 5]])}])


@case
def fail_sequence_first_failure_reported(torch, np):
    close(torch, [1.0, torch.ones(2), 3], [2.0, torch.zeros(2), 4])


@case
def fail_sequence_item_msg_callable(torch, np):
    close(torch, [0, [1.0, 2.0]], [0, [1.0, 2.5]], msg=lambda m: "<" + m + ">")


@case
def fail_mapping_keys(torch, np):
    close(torch, {"a": 1, "b": 2, "d": 4}, {"a": 1, "c": 3, "e": 5})


@case
def fail_mapping_value(torch, np):
    close(torch, {"w": torch.ones(2), "b": torch.zeros(1)}, {"w": torch.ones(2), "b": torch.ones(1)})


@case
def fail_mapping_nested_path(torch, np):
    close(torch, {"layers": [{"weight": torch.ones(2, 2)}]}, {"layers": [{"weight": torch.eye(2)}]})


@dataclasses.dataclass
class _Batch:
    inputs: object
    label: object
    note: str = dataclasses.field(default="", compare=False)


@case
def pass_dataclass(torch, np):
    close(torch, _Batch(torch.ones(3), 1, "x"), _Batch(torch.ones(3), 1, "y"))


@case
def fail_dataclass_field(torch, np):
    close(torch, _Batch(torch.ones(3), 1), _Batch(torch.tensor([1.0, 2.0, 1.0]), 1))


@case
def fail_sequence_and_tensor(torch, np):
    close(torch, [1.0, 2.0], torch.tensor([1.0, 2.0]))


# ---- assert_allclose (deprecated) -------------------------------------------------------------

@case
def allclose_pass_list(torch, np):
    torch.testing.assert_allclose([1.0, 2.0], torch.tensor([1.0, 2.0001]))


@case
def allclose_pass_nan(torch, np):
    torch.testing.assert_allclose(torch.tensor([math.nan]), [math.nan])


@case
def allclose_pass_dtypes_differ(torch, np):
    torch.testing.assert_allclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0], dtype=torch.float64))


@case
def allclose_fail(torch, np):
    torch.testing.assert_allclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.01]))


@case
def allclose_fail_float64(torch, np):
    torch.testing.assert_allclose(torch.tensor([1.0], dtype=torch.float64), [1.0001])


@case
def allclose_fail_msg(torch, np):
    torch.testing.assert_allclose(torch.tensor([1, 2]), torch.tensor([1, 3]), msg="ints differ")


@case
def allclose_fail_rtol_only(torch, np):
    torch.testing.assert_allclose(torch.tensor([1.0]), torch.tensor([1.0]), rtol=0.1)


@case
def allclose_fail_shape(torch, np):
    torch.testing.assert_allclose(torch.ones(2), torch.ones(3))


# ---- make_tensor ------------------------------------------------------------------------------

def _describe(torch, t, low, high, exclude_zero=False):
    """What make_tensor's result must be whatever the random draws: shape, dtype, strides, flags,
    whether every value lies in [low, high] and, with exclude_zero, has no zero. (The interval is
    closed: a float16 draw from [-9, 9) can round to 9; integer cases pass the last value.)"""
    values = t.detach().to(torch.float64)
    described = {"shape": list(t.shape), "dtype": str(t.dtype), "stride": list(t.stride()),
                 "contiguous": t.is_contiguous(), "requires_grad": t.requires_grad, "leaf": t.is_leaf,
                 "in_range": bool(((values >= low) & (values <= high)).all()) if t.numel() else True}
    if exclude_zero:
        described["has_zero"] = bool((values == 0).any())
    return described


def _make_case(name, low_high, *args, **kwargs):
    def run(torch, np):
        t = torch.testing.make_tensor(*args, **{k: getattr(torch, v[6:]) if isinstance(v, str) and v.startswith("torch.")
                                                else v for k, v in kwargs.items()})
        return _describe(torch, t, *low_high, exclude_zero=kwargs.get("exclude_zero", False))
    run.__name__ = name
    CASES[name] = run


_make_case("make_float32_default", (-9, 9), 3, 4, dtype="torch.float32", device="cpu")
_make_case("make_float64_range", (-1, 1), (5,), dtype="torch.float64", device="cpu", low=-1, high=1)
_make_case("make_float16_default", (-9, 9), [2, 2], dtype="torch.float16", device="cpu")
_make_case("make_bfloat16_requires_grad", (-9, 9), 4, dtype="torch.bfloat16", device="cpu", requires_grad=True)
_make_case("make_int64_default", (-9, 9), 50, dtype="torch.int64", device="cpu")
_make_case("make_int8_clamped", (-128, 127), 200, dtype="torch.int8", device="cpu", low=-1000, high=1000)
_make_case("make_uint8_default", (0, 9), 50, dtype="torch.uint8", device="cpu")
_make_case("make_int16_ceil", (2, 4), 50, dtype="torch.int16", device="cpu", low=1.5, high=4.5)
_make_case("make_int32_exclude_zero", (-1, 1), 100, dtype="torch.int32", device="cpu", low=-1, high=2,
           exclude_zero=True)
_make_case("make_bool_default", (0, 1), 10, dtype="torch.bool", device="cpu")
_make_case("make_bool_exclude_zero", (1, 1), 10, dtype="torch.bool", device="cpu", exclude_zero=True)
_make_case("make_float_exclude_zero", (1e-38, 1), 20, dtype="torch.float32", device="cpu", low=0, high=1,
           exclude_zero=True)
_make_case("make_noncontiguous", (-9, 9), 3, 4, dtype="torch.float32", device="cpu", noncontiguous=True)
_make_case("make_noncontiguous_one_element", (-9, 9), 1, 1, dtype="torch.float32", device="cpu", noncontiguous=True)
_make_case("make_noncontiguous_int_exclude_zero", (-9, 9), 2, 5, dtype="torch.int64", device="cpu",
           noncontiguous=True, exclude_zero=True)
_make_case("make_channels_last", (-9, 9), 2, 3, 4, 5, dtype="torch.float32", device="cpu",
           memory_format="torch.channels_last")
_make_case("make_zero_dim", (-9, 9), dtype="torch.float32", device="cpu")
_make_case("make_empty", (-9, 9), 0, 3, dtype="torch.float32", device="cpu")
_make_case("make_huge_float_range", (-3.5e38, 3.5e38), 100, dtype="torch.float32", device="cpu",
           low=-math.inf, high=math.inf)
_make_case("make_int64_full_range", (-2**63, 2**63 - 1), 10, dtype="torch.int64", device="cpu", low=-2**70, high=2**70)
_make_case("make_low_equals_high_float", (2.5, 2.5), 3, dtype="torch.float32", device="cpu", low=2.5, high=2.5)


@case
def make_exclude_zero_float16_gives_tiny(torch, np):
    # Every draw from [0, 1e-8) rounds to float16's zero, so every value becomes finfo.tiny (outside [low, high)).
    return torch.testing.make_tensor(4, dtype=torch.float16, device="cpu", low=0, high=1e-8, exclude_zero=True).tolist()


@case
def make_size(torch, np):
    t = torch.testing.make_tensor(torch.Size([2, 3]), dtype=torch.float32, device="cpu")
    return _describe(torch, t, -9, 9)


@case
def make_seeded_repeatable(torch, np):
    torch.manual_seed(7)
    a = torch.testing.make_tensor(6, dtype=torch.float32, device="cpu")
    torch.manual_seed(7)
    b = torch.testing.make_tensor(6, dtype=torch.float32, device="cpu")
    return bool(torch.equal(a, b))


@case
def make_error_low_ge_high(torch, np):
    torch.testing.make_tensor(3, dtype=torch.int64, device="cpu", low=5, high=5)


@case
def make_error_low_gt_high_float(torch, np):
    torch.testing.make_tensor(3, dtype=torch.float32, device="cpu", low=2.0, high=1.0)


@case
def make_error_nan(torch, np):
    torch.testing.make_tensor(3, dtype=torch.float32, device="cpu", low=math.nan, high=1)


@case
def make_error_interval(torch, np):
    torch.testing.make_tensor(3, dtype=torch.int8, device="cpu", low=200, high=300)


@case
def make_error_interval_float16(torch, np):
    torch.testing.make_tensor(3, dtype=torch.float16, device="cpu", low=70000, high=80000)


@case
def make_error_interval_uint8(torch, np):
    torch.testing.make_tensor(3, dtype=torch.uint8, device="cpu", low=-20, high=-10)


@case
def make_error_requires_grad_int(torch, np):
    torch.testing.make_tensor(3, dtype=torch.int64, device="cpu", requires_grad=True)


@case
def make_error_requires_grad_bool(torch, np):
    torch.testing.make_tensor(3, dtype=torch.bool, device="cpu", requires_grad=True)


@case
def make_error_noncontiguous_and_memory_format(torch, np):
    torch.testing.make_tensor(2, 3, 4, 5, dtype=torch.float32, device="cpu", noncontiguous=True,
                              memory_format=torch.channels_last)


@case
def make_error_dtype(torch, np):
    torch.testing.make_tensor(3, dtype="float32", device="cpu")


@case
def make_error_channels_last_rank(torch, np):
    torch.testing.make_tensor(2, 3, dtype=torch.float32, device="cpu", memory_format=torch.channels_last)


@case
def make_error_missing_device(torch, np):
    torch.testing.make_tensor(3, dtype=torch.float32)


# ---- more edges -------------------------------------------------------------------------------

@case
def fail_float16_zero_dim(torch, np):
    close(torch, torch.tensor(1.5, dtype=torch.float16), torch.tensor(1.25, dtype=torch.float16))


@case
def fail_bfloat16_zero_dim_promoted(torch, np):
    close(torch, torch.tensor(1.5, dtype=torch.bfloat16), torch.tensor(1.25, dtype=torch.float16), check_dtype=False)


@case
def fail_all_elements(torch, np):
    close(torch, torch.arange(8.0), torch.arange(8.0) + 0.5)


@case
def fail_percentages_round(torch, np):
    a = torch.zeros(16)
    b = torch.zeros(16)
    b[3] = 1.0
    close(torch, a, b)


@case
def fail_one_in_a_thousand(torch, np):
    a = torch.arange(1000.0)
    b = a.clone()
    b[999] = 0.0
    close(torch, a, b)


@case
def fail_non_contiguous_views(torch, np):
    a = torch.arange(12.0).reshape(3, 4).t()
    b = a.clone()
    b[2, 1] = -1.0
    close(torch, a, b)


@case
def fail_broadcastable_shapes(torch, np):
    close(torch, torch.ones(1, 3), torch.ones(3))


@case
def fail_nan_on_one_side_equal_nan(torch, np):
    close(torch, torch.tensor([math.nan, 1.0]), torch.tensor([1.0, 1.0]), equal_nan=True)


@case
def fail_bool_int_unchecked(torch, np):
    close(torch, torch.tensor([True, False]), torch.tensor([1, 2]), check_dtype=False)


@case
def fail_uint8_int8_unchecked(torch, np):
    close(torch, torch.tensor([200, 1], dtype=torch.uint8), torch.tensor([-56, 1], dtype=torch.int8), check_dtype=False)


@case
def pass_float16_bfloat16_unchecked(torch, np):
    close(torch, torch.tensor([100.0], dtype=torch.float16), torch.tensor([101.0], dtype=torch.bfloat16), check_dtype=False)


@case
def fail_float16_bfloat16_unchecked(torch, np):
    close(torch, torch.tensor([100.0], dtype=torch.float16), torch.tensor([104.0], dtype=torch.bfloat16), check_dtype=False)


@case
def pass_signed_zeros_and_infinite_scalars(torch, np):
    close(torch, -0.0, 0.0)
    close(torch, math.inf, math.inf)
    close(torch, torch.tensor([-0.0]), torch.tensor([0.0]))


@case
def fail_large_int_scalars(torch, np):
    close(torch, 2**62, 2**62 + 1)


@case
def fail_complex_nan(torch, np):
    close(torch, complex(math.nan, 0), complex(math.nan, 0))


@case
def pass_complex_nan_equal_nan(torch, np):
    close(torch, complex(math.nan, 0), complex(math.nan, 0), equal_nan=True)


@case
def pass_empty_containers(torch, np):
    close(torch, [], ())
    close(torch, {}, {})


@case
def pass_max_return_type(torch, np):
    a = torch.tensor([[1.0, 5.0], [7.0, 2.0]])
    close(torch, torch.max(a, 0), (torch.tensor([7.0, 5.0]), torch.tensor([1, 0])))


@case
def fail_max_return_type(torch, np):
    a = torch.tensor([[1.0, 5.0], [7.0, 2.0]])
    close(torch, torch.max(a, 1), (torch.tensor([5.0, 7.0]), torch.tensor([1, 1])))


@case
def pass_device_unchecked(torch, np):
    close(torch, torch.ones(2), torch.ones(2, device="cpu"), check_device=False)


@case
def fail_layout_unchecked_values(torch, np):
    close(torch, torch.ones(2), torch.zeros(2), check_layout=False)


@case
def fail_int_tensor_float_tolerance(torch, np):
    close(torch, torch.tensor([10, 20]), torch.tensor([11, 20]), rtol=0.05, atol=0.0)


@case
def pass_int_tensor_float_tolerance(torch, np):
    close(torch, torch.tensor([100, 20]), torch.tensor([101, 20]), rtol=0.01, atol=0.0)


@case
def allclose_scalars(torch, np):
    torch.testing.assert_allclose(1.0, 1.00005)


@case
def allclose_int_scalars(torch, np):
    torch.testing.assert_allclose(2, 3)


@case
def allclose_numpy(torch, np):
    torch.testing.assert_allclose(torch.tensor([1.0, 2.0], dtype=torch.float64), [1.0, 2.00001])


@case
def make_error_negative_dimension(torch, np):
    torch.testing.make_tensor(2, -1, dtype=torch.float32, device="cpu")


@case
def make_error_bool_low_high(torch, np):
    torch.testing.make_tensor(3, dtype=torch.bool, device="cpu", low=1, high=0)


@case
def make_error_float_interval(torch, np):
    torch.testing.make_tensor(3, dtype=torch.float32, device="cpu", low=-1e39, high=-5e38)


@case
def make_error_nan_high_int(torch, np):
    torch.testing.make_tensor(3, dtype=torch.int32, device="cpu", low=0, high=math.nan)


_make_case("make_int_infinite_bounds", (-128, 127), 300, dtype="torch.int8", device="cpu", low=-math.inf, high=math.inf)
_make_case("make_float_low_equals_high_infinite", (3.4028234663852886e38, 3.4028234663852886e38), 2,
           dtype="torch.float32", device="cpu", low=math.inf, high=math.inf)
_make_case("make_uint8_low_only", (5, 9), 100, dtype="torch.uint8", device="cpu", low=5)
_make_case("make_float_high_only", (-9, 0), 100, dtype="torch.float64", device="cpu", high=0)
_make_case("make_bool_noncontiguous", (0, 1), 3, 4, dtype="torch.bool", device="cpu", noncontiguous=True)
_make_case("make_contiguous_format", (-9, 9), 2, 3, dtype="torch.float32", device="cpu",
           memory_format="torch.contiguous_format")
_make_case("make_channels_last_3d", (-9, 9), 2, 3, 4, 5, 6, dtype="torch.float64", device="cpu",
           memory_format="torch.channels_last_3d")


# ---- torch.isclose, on which assert_close rests -----------------------------------------------

_ISCLOSE_LEFT = [0.0, 1.0, -1.0, 100.0, 1e-6, 2.0, math.inf, -math.inf, math.inf, math.nan, math.nan, 1.0, 65504.0, 3.0]
_ISCLOSE_RIGHT = [0.0, 1.0001, -1.001, 100.5, 0.0, -2.0, math.inf, math.inf, 1.0, math.nan, 1.0, math.inf, 65000.0, 3.0]
_ISCLOSE_OPTIONS = [{}, {"rtol": 0.0, "atol": 0.0}, {"equal_nan": True}, {"rtol": 1e-3, "atol": 0.0},
                    {"rtol": 0.0, "atol": 0.6}, {"rtol": 10.0, "atol": 1.0}, {"rtol": 1, "atol": 0}]


def _isclose_grid(torch, dtype, left, right):
    a = torch.tensor(left).to(getattr(torch, dtype))
    b = torch.tensor(right).to(getattr(torch, dtype))
    return [torch.isclose(a, b, **options).tolist() for options in _ISCLOSE_OPTIONS]


for _dtype in ["float16", "bfloat16", "float32", "float64"]:
    CASES[f"isclose_{_dtype}"] = (lambda dtype: lambda torch, np: _isclose_grid(torch, dtype, _ISCLOSE_LEFT,
                                                                                _ISCLOSE_RIGHT))(_dtype)
for _dtype in ["bool", "uint8", "int8", "int16", "int32", "int64"]:
    CASES[f"isclose_{_dtype}"] = (lambda dtype: lambda torch, np: _isclose_grid(
        torch, dtype, [0, 1, 1, 5, 100, 120, 7], [0, 1, 0, 6, 101, -120, 9]))(_dtype)


@case
def isclose_broadcasts(torch, np):
    return torch.isclose(torch.tensor([[1.0], [2.0]]), torch.tensor([1.0, 2.0, 2.00001])).tolist()


@case
def isclose_dtype_mismatch(torch, np):
    torch.isclose(torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float16))


@case
def isclose_negative_atol(torch, np):
    torch.isclose(torch.tensor([1.0]), torch.tensor([1.0]), atol=-1e-20)


@case
def isclose_nan_rtol(torch, np):
    torch.isclose(torch.tensor([1.0]), torch.tensor([1.0]), rtol=math.nan)


# ---- running ----------------------------------------------------------------------------------

_CUT = "resulted in the unexpected exception above."


def _neutral(torch, text):
    text = text.replace(str(torch.nn.Parameter), "<Parameter class>").replace(str(torch.Tensor), "<Tensor class>")
    return text[:text.index(_CUT) + len(_CUT)] if _CUT in text else text


def _kind(error):
    """The exception's type name; for a library's own class (swiftgrad's errors subclass
    RuntimeError, NotImplementedError, ...), the first built-in class it derives from."""
    for cls in type(error).__mro__:
        if cls.__module__ == "builtins":
            return cls.__name__
    return type(error).__name__


def run_case(torch, np, name):
    """The outcome of one case: {"error", "cause", "warnings", "result"}."""
    outcome = {"error": None, "cause": None, "warnings": [], "result": None}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            outcome["result"] = CASES[name](torch, np)
        except Exception as error:  # noqa: BLE001 - the error is the outcome
            outcome["error"] = f"{_kind(error)}: {_neutral(torch, str(error))}"
            if error.__cause__ is not None:
                outcome["cause"] = _kind(error.__cause__)
    outcome["warnings"] = [[w.category.__name__, str(w.message), os.path.basename(w.filename)] for w in caught]
    return outcome


def run(torch, np):
    return {name: run_case(torch, np, name) for name in sorted(CASES)}


def main():
    import numpy as np
    import torch

    results = run(torch, np)
    lines = ["{", f' "torch": {json.dumps(torch.__version__.split("+")[0])},', ' "cases": {']
    for i, name in enumerate(sorted(results)):
        comma = "," if i < len(results) - 1 else ""
        lines.append(f"  {json.dumps(name)}: {json.dumps(results[name], sort_keys=True)}{comma}")
    lines += [" }", "}"]
    default = pathlib.Path(__file__).resolve().parent / "data" / "testing_reference.json"
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default
    path.write_text("\n".join(lines) + "\n")
    json.loads(path.read_text())  # well formed


if __name__ == "__main__":
    main()
