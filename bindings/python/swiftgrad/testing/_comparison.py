"""torch.testing.assert_close (and the deprecated assert_allclose): PyTorch 2.15's comparison of
tensors, NumPy arrays, Python numbers and booleans, None, and sequences, mappings and dataclasses
of them, with its default tolerances per dtype and its error types and messages.

How it works (the same design as PyTorch's): the inputs are walked recursively into pairs of
leaves, each leaf pair is handled by the first pair type that accepts it (NonePair, BooleanPair,
NumberPair, TensorLikePair), and every pair is compared. A failure is an ErrorMeta (an exception
type, a message and the path of the item), turned into the user-facing exception at the end, so
that `msg` can replace or augment the message. Tensor values are compared by swiftgrad ops
(isclose, abs, max, sum, boolean-mask assignment); Python numbers with Python's arithmetic."""
import abc
import cmath
import collections.abc
import contextlib
import dataclasses
import sys
import types
import warnings

from .. import _dtype
from .._creation import as_tensor, tensor
from .._functions import isclose
from .._memory_format import strided
from .._settings import promote_types
from .._tensor import Tensor
from .._types import Size


def _numpy():
    """NumPy when something imported it, else None: NumPy is optional, and inputs can only be
    NumPy objects once it is imported, so this module never imports it itself."""
    return sys.modules.get("numpy")


def _is_dataclass_skip_type(obj):
    """Whether obj is of a type never taken apart as a dataclass."""
    np = _numpy()
    skip = (type, Tensor, types.UnionType, types.GenericAlias)
    return isinstance(obj, skip if np is None else (*skip, np.ndarray, np.generic))


class ErrorMeta(Exception):
    """A comparison failure not yet shown to the user: the exception type to raise, its message
    and the id (path) of the failing item."""

    def __init__(self, type, msg, *, id=()):  # noqa: A002 - PyTorch's parameter names
        super().__init__("internal comparison error; raise ErrorMeta.to_error() for user facing errors")
        self.type = type
        self.msg = msg
        self.id = id

    def to_error(self, msg=None):
        """The exception to raise: `msg` when it is a string, else the generated message (with
        the item's path), passed through `msg` when it is a callable."""
        if not isinstance(msg, str):
            generated_msg = self.msg
            if self.id:
                generated_msg += f"\n\nThe failure occurred for item {''.join(str([item]) for item in self.id)}"
            msg = msg(generated_msg) if callable(msg) else generated_msg
        return self.type(msg)


# {dtype: (rtol, atol)}, PyTorch's table (swiftgrad has no complex or quantized dtypes).
_DTYPE_PRECISIONS = {
    _dtype.float16: (0.001, 1e-5),
    _dtype.bfloat16: (0.016, 1e-5),
    _dtype.float32: (1.3e-6, 1e-5),
    _dtype.float64: (1e-7, 1e-7),
}
# Python's complex numbers take torch.complex128's tolerances, which are float64's.
_COMPLEX128_PRECISION = (1e-7, 1e-7)


def default_tolerances(*inputs, dtype_precisions=None):
    """The loosest (rtol, atol) of the inputs' dtypes (tensors or dtypes); 0 for dtypes not in the table."""
    dtypes = []
    for input in inputs:  # noqa: A001
        if isinstance(input, Tensor):
            dtypes.append(input.dtype)
        elif isinstance(input, _dtype.dtype):
            dtypes.append(input)
        else:
            raise TypeError(f"Expected a torch.Tensor or a torch.dtype, but got {type(input)} instead.")
    dtype_precisions = dtype_precisions or _DTYPE_PRECISIONS
    rtols, atols = zip(*[dtype_precisions.get(dtype, (0.0, 0.0)) for dtype in dtypes], strict=True)
    return max(rtols), max(atols)


def _check_tolerances(rtol, atol, id):  # noqa: A002
    if (rtol is None) ^ (atol is None):
        # Both or neither: atol=0 alone would still pass values within rtol, a surprise.
        raise ErrorMeta(ValueError, f"Both 'rtol' and 'atol' must be either specified or omitted, "
                                    f"but got no {'rtol' if rtol is None else 'atol'}.", id=id)


def get_tolerances(*inputs, rtol, atol, id=()):  # noqa: A002
    """(rtol, atol) as given when both are, the inputs' defaults when neither is; ErrorMeta(ValueError) otherwise."""
    _check_tolerances(rtol, atol, id)
    if rtol is not None and atol is not None:
        return rtol, atol
    return default_tolerances(*inputs)


def _make_mismatch_msg(*, default_identifier, identifier=None, extra=None, abs_diff, abs_diff_idx=None, atol,
                       rel_diff, rel_diff_idx=None, rtol):
    """The message for values that are not close: a header, `extra`, then the absolute and
    relative differences (with the allowed tolerances unless both are zero: then "not equal")."""
    equality = rtol == 0 and atol == 0

    def make_diff_msg(*, type, diff, idx, tol):  # noqa: A002
        if idx is None:
            msg = f"{type.title()} difference: {diff}"
        else:
            msg = f"Greatest {type} difference: {diff} at index {idx}"
        if not equality:
            msg += f" (up to {tol} allowed)"
        return msg + "\n"

    if identifier is None:
        identifier = default_identifier
    elif callable(identifier):
        identifier = identifier(default_identifier)

    msg = f"{identifier} are not {'equal' if equality else 'close'}!\n\n"
    if extra:
        msg += f"{extra.strip()}\n"
    msg += make_diff_msg(type="absolute", diff=abs_diff, idx=abs_diff_idx, tol=atol)
    msg += make_diff_msg(type="relative", diff=rel_diff, idx=rel_diff_idx, tol=rtol)
    return msg.strip()


def make_scalar_mismatch_msg(actual, expected, *, rtol, atol, identifier=None):
    """The mismatch message of two Python numbers ("Scalars are not close!")."""
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _make_mismatch_msg(default_identifier="Scalars", identifier=identifier,
                              extra=f"Expected {expected} but got {actual}.", abs_diff=abs_diff, atol=atol,
                              rel_diff=rel_diff, rtol=rtol)


def make_tensor_mismatch_msg(actual, expected, matches, *, rtol, atol, identifier=None):
    """The mismatch message of two tensors of one shape and dtype, `matches` their isclose mask:
    how many elements mismatch, and the greatest absolute and relative differences among the
    mismatched elements with their (first) indices."""

    def unravel_flat_index(flat_index):
        if not matches.shape:
            return ()
        inverse_index = []
        for size in matches.shape[::-1]:
            flat_index, mod = divmod(flat_index, size)
            inverse_index.append(mod)
        return tuple(inverse_index[::-1])

    number_of_elements = matches.numel()
    total_mismatches = number_of_elements - int(matches.sum())
    extra = (f"Mismatched elements: {total_mismatches} / {number_of_elements} "
             f"({total_mismatches / number_of_elements:.1%})")

    actual_flat = actual.flatten()
    expected_flat = expected.flatten()
    matches_flat = matches.flatten()
    if not actual.dtype.is_floating_point:
        # int64 holds the difference of any two values of the narrower integer types and bool.
        actual_flat = actual_flat.to(_dtype.int64)
        expected_flat = expected_flat.to(_dtype.int64)

    abs_diff = (actual_flat - expected_flat).abs()
    abs_diff[matches_flat] = 0  # only the mismatches count
    max_abs_diff, max_abs_diff_flat_idx = abs_diff.max(0)

    rel_diff = abs_diff / expected_flat.abs()
    rel_diff[matches_flat] = 0
    max_rel_diff, max_rel_diff_flat_idx = rel_diff.max(0)
    return _make_mismatch_msg(default_identifier="Tensor-likes", identifier=identifier, extra=extra,
                              abs_diff=max_abs_diff.item(), abs_diff_idx=unravel_flat_index(int(max_abs_diff_flat_idx)),
                              atol=atol, rel_diff=max_rel_diff.item(),
                              rel_diff_idx=unravel_flat_index(int(max_rel_diff_flat_idx)), rtol=rtol)


class UnsupportedInputs(Exception):  # noqa: N818 - PyTorch's name
    """Raised while constructing a Pair that cannot handle its inputs: the next pair type is tried."""


class Pair(abc.ABC):
    """A pair of leaves to compare. Subclasses raise UnsupportedInputs from __init__ for inputs
    they do not handle, and ErrorMeta (through _fail) from compare() when the inputs differ."""

    def __init__(self, actual, expected, *, id=(), **unknown_parameters):  # noqa: A002
        self.actual = actual
        self.expected = expected
        self.id = id
        self._unknown_parameters = unknown_parameters

    @staticmethod
    def _inputs_not_supported():
        raise UnsupportedInputs

    @staticmethod
    def _check_inputs_isinstance(*inputs, cls):
        if not all(isinstance(input, cls) for input in inputs):  # noqa: A001
            Pair._inputs_not_supported()

    def _fail(self, type, msg, *, id=()):  # noqa: A002
        raise ErrorMeta(type, msg, id=self.id if not id and hasattr(self, "id") else id)

    @abc.abstractmethod
    def compare(self):
        """Compares the inputs; raises ErrorMeta when they do not match."""

    def extra_repr(self):
        """Names of the options shown in repr (seen only in an unexpected error)."""
        return []

    def __repr__(self):
        body = [f"    {name}={value!s},"
                for name, value in [("id", self.id), ("actual", self.actual), ("expected", self.expected),
                                    *[(extra, getattr(self, extra)) if isinstance(extra, str) else extra
                                      for extra in self.extra_repr()]]]
        return "\n".join((f"{type(self).__name__}(", *body, ")"))


class ObjectPair(Pair):
    """Any inputs, compared with ==: the fallback of not_close_error_metas (assert_close does not use it)."""

    def compare(self):
        try:
            equal = self.actual == self.expected
        except Exception as error:
            raise ErrorMeta(ValueError, f"{self.actual} == {self.expected} failed with:\n{error}.", id=self.id) from error
        if not equal:
            self._fail(AssertionError, f"{self.actual} != {self.expected}")


class NonePair(Pair):
    """Inputs of which at least one is None: both must be."""

    def __init__(self, actual, expected, **other_parameters):
        if not (actual is None or expected is None):
            self._inputs_not_supported()
        super().__init__(actual, expected, **other_parameters)

    def compare(self):
        if not (self.actual is None and self.expected is None):
            self._fail(AssertionError, f"None mismatch: {self.actual} is not {self.expected}")


class BooleanPair(Pair):
    """Python bools (and numpy.bool_), compared for identity."""

    def __init__(self, actual, expected, *, id, **other_parameters):  # noqa: A002
        actual, expected = self._process_inputs(actual, expected, id=id)
        super().__init__(actual, expected, **other_parameters)

    @property
    def _supported_types(self):
        np = _numpy()
        return (bool,) if np is None else (bool, np.bool_)

    def _process_inputs(self, actual, expected, *, id):  # noqa: A002
        self._check_inputs_isinstance(actual, expected, cls=self._supported_types)
        return tuple(self._to_bool(bool_like, id=id) for bool_like in (actual, expected))

    def _to_bool(self, bool_like, *, id):  # noqa: A002
        if isinstance(bool_like, bool):
            return bool_like
        np = _numpy()
        if np is not None and isinstance(bool_like, np.bool_):
            return bool_like.item()
        raise ErrorMeta(TypeError, f"Unknown boolean type {type(bool_like)}.", id=id)

    def compare(self):
        if self.actual is not self.expected:
            self._fail(AssertionError, f"Booleans mismatch: {self.actual} is not {self.expected}")


class NumberPair(Pair):
    """Python numbers (int, float, complex; numpy.number through .item()), compared with
    |actual - expected| <= atol + rtol * |expected| and the tolerances of int64, float64 and
    complex128 for int, float and complex."""

    _TYPE_TO_PRECISION = {int: (0.0, 0.0), float: _DTYPE_PRECISIONS[_dtype.float64], complex: _COMPLEX128_PRECISION}
    _NUMBER_TYPES = tuple(_TYPE_TO_PRECISION)

    def __init__(self, actual, expected, *, id=(), rtol=None, atol=None, equal_nan=False,  # noqa: A002
                 check_dtype=False, **other_parameters):
        actual, expected = self._process_inputs(actual, expected, id=id)
        super().__init__(actual, expected, id=id, **other_parameters)
        # A bool reaches here only beside a number; like PyTorch, the table has no entry for it
        # (a KeyError, reported as an unexpected error).
        precisions = [self._TYPE_TO_PRECISION[type(input)] for input in (actual, expected)]  # noqa: A001
        _check_tolerances(rtol, atol, id)
        if rtol is None:
            rtol, atol = max(p[0] for p in precisions), max(p[1] for p in precisions)
        self.rtol, self.atol = rtol, atol
        self.equal_nan = equal_nan
        self.check_dtype = check_dtype

    @property
    def _supported_types(self):
        np = _numpy()
        return self._NUMBER_TYPES if np is None else (*self._NUMBER_TYPES, np.number)

    def _process_inputs(self, actual, expected, *, id):  # noqa: A002
        self._check_inputs_isinstance(actual, expected, cls=self._supported_types)
        return tuple(self._to_number(number_like, id=id) for number_like in (actual, expected))

    def _to_number(self, number_like, *, id):  # noqa: A002
        np = _numpy()
        if np is not None and isinstance(number_like, np.number):
            return number_like.item()
        if isinstance(number_like, self._NUMBER_TYPES):
            return number_like
        raise ErrorMeta(TypeError, f"Unknown number type {type(number_like)}.", id=id)

    def compare(self):
        if self.check_dtype and type(self.actual) is not type(self.expected):
            self._fail(AssertionError, f"The (d)types do not match: {type(self.actual)} != {type(self.expected)}.")
        if self.actual == self.expected:
            return
        if self.equal_nan and cmath.isnan(self.actual) and cmath.isnan(self.expected):
            return
        abs_diff = abs(self.actual - self.expected)
        tolerance = self.atol + self.rtol * abs(self.expected)
        if cmath.isfinite(abs_diff) and abs_diff <= tolerance:
            return
        self._fail(AssertionError, make_scalar_mismatch_msg(self.actual, self.expected, rtol=self.rtol, atol=self.atol))

    def extra_repr(self):
        return ("rtol", "atol", "equal_nan", "check_dtype")


class TensorLikePair(Pair):
    """Tensors, or two directly related objects torch.as_tensor converts (NumPy arrays): the
    attributes first (shape always; layout, stride, device, dtype as the check_* options say),
    then the values with torch.isclose, after promoting to a common dtype when dtypes may differ."""

    def __init__(self, actual, expected, *, id=(), allow_subclasses=True, rtol=None, atol=None,  # noqa: A002
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True, check_stride=False,
                 **other_parameters):
        actual, expected = self._process_inputs(actual, expected, id=id, allow_subclasses=allow_subclasses)
        super().__init__(actual, expected, id=id, **other_parameters)
        self.rtol, self.atol = get_tolerances(actual, expected, rtol=rtol, atol=atol, id=self.id)
        self.equal_nan = equal_nan
        self.check_device = check_device
        self.check_dtype = check_dtype
        self.check_layout = check_layout
        self.check_stride = check_stride

    def _process_inputs(self, actual, expected, *, id, allow_subclasses):  # noqa: A002
        directly_related = isinstance(actual, type(expected)) or isinstance(expected, type(actual))
        if not directly_related:
            self._inputs_not_supported()
        if not allow_subclasses and type(actual) is not type(expected):
            self._inputs_not_supported()
        actual, expected = (self._to_tensor(input) for input in (actual, expected))  # noqa: A001
        for t in (actual, expected):
            if t.layout is not strided:
                raise ErrorMeta(ValueError, f"Unsupported tensor layout {t.layout}", id=id)
        return actual, expected

    def _to_tensor(self, tensor_like):
        if isinstance(tensor_like, Tensor):
            return tensor_like
        try:
            return as_tensor(tensor_like)
        except Exception:  # noqa: BLE001 - anything as_tensor refuses is not tensor-like
            self._inputs_not_supported()

    def compare(self):
        actual, expected = self.actual, self.expected
        self._compare_attributes(actual, expected)
        actual, expected = self._equalize_attributes(actual, expected)
        self._compare_values(actual, expected)

    def _compare_attributes(self, actual, expected):
        def raise_mismatch_error(attribute_name, actual_value, expected_value):
            self._fail(AssertionError,
                       f"The values for attribute '{attribute_name}' do not match: {actual_value} != {expected_value}.")

        if actual.shape != expected.shape:
            raise_mismatch_error("shape", actual.shape, expected.shape)
        if actual.layout != expected.layout:
            if self.check_layout:
                raise_mismatch_error("layout", actual.layout, expected.layout)
        elif actual.layout is strided and self.check_stride and actual.stride() != expected.stride():
            raise_mismatch_error("stride()", actual.stride(), expected.stride())
        if self.check_device and actual.device != expected.device:
            raise_mismatch_error("device", actual.device, expected.device)
        if self.check_dtype and actual.dtype != expected.dtype:
            raise_mismatch_error("dtype", actual.dtype, expected.dtype)

    def _equalize_attributes(self, actual, expected):
        """Both on the CPU and of their promoted dtype (when check_device/check_dtype let them differ)."""
        if actual.device != expected.device:
            actual, expected = actual.cpu(), expected.cpu()
        if actual.dtype != expected.dtype:
            dtype = promote_types(actual.dtype, expected.dtype)
            actual, expected = actual.to(dtype), expected.to(dtype)
        return actual, expected

    def _compare_values(self, actual, expected):
        self._compare_regular_values_close(actual, expected, rtol=self.rtol, atol=self.atol, equal_nan=self.equal_nan)

    def _compare_regular_values_equal(self, actual, expected, *, equal_nan=False, identifier=None):
        self._compare_regular_values_close(actual, expected, rtol=0, atol=0, equal_nan=equal_nan, identifier=identifier)

    def _compare_regular_values_close(self, actual, expected, *, rtol, atol, equal_nan, identifier=None):
        # The values only: gradients play no part, and the message's masked writes must not be recorded.
        actual, expected = actual.detach(), expected.detach()
        matches = isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
        if matches.all():
            return
        if actual.shape == Size([]):
            msg = make_scalar_mismatch_msg(actual.item(), expected.item(), rtol=rtol, atol=atol, identifier=identifier)
        else:
            msg = make_tensor_mismatch_msg(actual, expected, matches, rtol=rtol, atol=atol, identifier=identifier)
        self._fail(AssertionError, msg)

    def extra_repr(self):
        return ("rtol", "atol", "equal_nan", "check_device", "check_dtype", "check_layout", "check_stride")


def _item_path(id):  # noqa: A002
    return "".join(str([item]) for item in id)


def originate_pairs(actual, expected, *, pair_types, sequence_types=(collections.abc.Sequence,),
                    mapping_types=(collections.abc.Mapping,), id=(), **options):  # noqa: A002
    """The leaf pairs of `actual` and `expected`, walking sequences (not strings), mappings and
    dataclasses whose == does not give a bool; each leaf pair is the first of `pair_types` that
    accepts it. Raises ErrorMeta for a structure mismatch or leaves no pair type handles."""
    if (isinstance(actual, sequence_types) and not isinstance(actual, str)
            and isinstance(expected, sequence_types) and not isinstance(expected, str)):
        actual_len, expected_len = len(actual), len(expected)
        if actual_len != expected_len:
            raise ErrorMeta(AssertionError, f"The length of the sequences mismatch: {actual_len} != {expected_len}",
                            id=id)
        pairs = []
        for idx in range(actual_len):
            pairs.extend(originate_pairs(actual[idx], expected[idx], pair_types=pair_types,
                                         sequence_types=sequence_types, mapping_types=mapping_types,
                                         id=(*id, idx), **options))
        return pairs

    if isinstance(actual, mapping_types) and isinstance(expected, mapping_types):
        actual_keys, expected_keys = set(actual.keys()), set(expected.keys())
        if actual_keys != expected_keys:
            missing_keys = expected_keys - actual_keys
            additional_keys = actual_keys - expected_keys
            raise ErrorMeta(AssertionError, (f"The keys of the mappings do not match:\n"
                                             f"Missing keys in the actual mapping: {sorted(missing_keys)}\n"
                                             f"Additional keys in the actual mapping: {sorted(additional_keys)}"),
                            id=id)
        keys = actual_keys
        with contextlib.suppress(Exception):  # sorted when the keys can be: the first failure is then deterministic
            keys = sorted(keys)
        pairs = []
        for key in keys:
            pairs.extend(originate_pairs(actual[key], expected[key], pair_types=pair_types,
                                         sequence_types=sequence_types, mapping_types=mapping_types,
                                         id=(*id, key), **options))
        return pairs

    if (not _is_dataclass_skip_type(actual) and not _is_dataclass_skip_type(expected)
            and dataclasses.is_dataclass(actual) and dataclasses.is_dataclass(expected)
            and type(actual) is type(expected)):
        # Dataclasses compare with their own == when it gives a bool; field by field when a
        # tensor field makes it raise or return a tensor.
        try:
            equal = actual == expected
        except RuntimeError as error:
            if "Boolean value of Tensor" not in str(error):
                raise
        else:
            if type(equal) is bool:
                return [ObjectPair(actual, expected, id=id, **options)]
        pairs = []
        for field in dataclasses.fields(actual):
            if not field.compare:
                continue
            pairs.extend(originate_pairs(getattr(actual, field.name), getattr(expected, field.name),
                                         pair_types=pair_types, sequence_types=sequence_types,
                                         mapping_types=mapping_types, id=(*id, field.name), **options))
        return pairs

    for pair_type in pair_types:
        try:
            return [pair_type(actual, expected, id=id, **options)]
        except UnsupportedInputs:
            continue
        except ErrorMeta:
            raise
        except Exception as error:
            raise RuntimeError(
                f"Originating a {pair_type.__name__}() at item {_item_path(id)} with\n\n"
                f"{type(actual).__name__}(): {actual}\n\n"
                f"and\n\n"
                f"{type(expected).__name__}(): {expected}\n\n"
                f"resulted in the unexpected exception above. This is a defect of the comparison functions, "
                f"not of the inputs: please report it to swiftgrad."
            ) from error
    raise ErrorMeta(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.",
                    id=id)


def not_close_error_metas(actual, expected, *, pair_types=(ObjectPair,), sequence_types=(collections.abc.Sequence,),
                          mapping_types=(collections.abc.Mapping,), **options):
    """The ErrorMetas of every leaf pair that does not match (empty when all do). A structure
    mismatch raises at once, as its user-facing exception (a given `msg` does not replace it)."""
    __tracebackhide__ = True
    try:
        pairs = originate_pairs(actual, expected, pair_types=pair_types, sequence_types=sequence_types,
                                mapping_types=mapping_types, **options)
    except ErrorMeta as error_meta:
        raise error_meta.to_error() from None

    error_metas = []
    for pair in pairs:
        try:
            pair.compare()
        except ErrorMeta as error_meta:
            error_metas.append(error_meta)
        except Exception as error:
            raise RuntimeError(
                f"Comparing\n\n{pair}\n\nresulted in the unexpected exception above. This is a defect of the "
                f"comparison functions, not of the inputs: please report it to swiftgrad."
            ) from error
    return error_metas


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False, check_device=True,
                 check_dtype=True, check_layout=True, check_stride=False, msg=None):
    r"""Asserts that ``actual`` and ``expected`` are close, as torch.testing.assert_close.

    Values are close if ``|actual - expected| <= atol + rtol * |expected|``; infinities only if
    equal, NaNs only with ``equal_nan=True``. Tensors must also have the same shape, and the
    same device, dtype, layout and stride when the ``check_*`` options say so (the defaults
    check all but stride; a different dtype is otherwise promoted). Inputs are tensors, NumPy
    arrays, Python numbers and bools, None, or sequences, mappings and dataclasses of them.

    Default tolerances (the loosest of the two dtypes): float16 1e-3/1e-5, bfloat16 1.6e-2/1e-5,
    float32 1.3e-6/1e-5, float64 1e-7/1e-7 (rtol/atol), integers and bool 0/0. Pass both rtol
    and atol or neither.

    ``msg`` replaces the message (a string) or transforms it (a callable).

    Raises:
        AssertionError: values, shapes, dtypes, ..., sequence lengths or mapping keys differ.
        TypeError: no comparison handles the inputs (e.g. a tensor and a NumPy array).
        ValueError: only one of rtol and atol is given.

    Example::

        >>> torch.testing.assert_close(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5, 3.0]))
        Traceback (most recent call last):
        ...
        AssertionError: Tensor-likes are not close!
        <BLANKLINE>
        Mismatched elements: 1 / 3 (33.3%)
        Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)
        Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)
    """
    __tracebackhide__ = True
    error_metas = not_close_error_metas(
        actual, expected, pair_types=(NonePair, BooleanPair, NumberPair, TensorLikePair),
        allow_subclasses=allow_subclasses, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
        check_dtype=check_dtype, check_layout=check_layout, check_stride=check_stride, msg=msg)
    if error_metas:
        raise error_metas[0].to_error(msg)


_ASSERT_ALLCLOSE_DEPRECATION = (
    "`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future release. "
    "Please use `torch.testing.assert_close()` instead. "
    "You can find detailed upgrade instructions in https://github.com/pytorch/pytorch/issues/61844.")


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated (a FutureWarning): use assert_close. Non-tensors become tensors (expected in
    actual's dtype), NaNs are equal by default, dtypes may differ, and the default tolerances
    are looser: float16 1e-3/1e-3, float32 1e-4/1e-5, float64 1e-5/1e-8 (rtol/atol)."""
    warnings.warn(_ASSERT_ALLCLOSE_DEPRECATION, FutureWarning, stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = default_tolerances(actual, expected, dtype_precisions={
            _dtype.float16: (1e-3, 1e-3), _dtype.float32: (1e-4, 1e-5), _dtype.float64: (1e-5, 1e-8)})
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True, check_dtype=False,
                 check_stride=False, msg=msg or None)


assert_allclose.__deprecated__ = _ASSERT_ALLCLOSE_DEPRECATION
