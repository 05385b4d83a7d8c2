"""The bitwise family's cases, written as ordinary PyTorch code against a `torch` module passed
in: scripts/bitwise_reference.py runs them under real PyTorch and stores the results in
tests/data/bitwise_reference.json; test_bitwise.py runs them on swiftgrad and compares. (The op_db
data is recorded in float32 only, so it has no sample of these integer ops.)

Each case returns a dict of results: a tensor (its shape, dtype and values), a string (an
error, "Kind: message", or a repr), a number or a list of these. The grids cover every pair of
dtypes for each binary op (type promotion, every integer width with its wraparound, the
refusals of floating and bool operands), Python numbers on either side, 0-d operands, the
operators and their in-place forms, and the edges of shifts, gcd and lcm."""

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]
INTEGERS = ["uint8", "int8", "int16", "int32", "int64"]

# Values every dtype holds (uint8 wraps the negative ones, bool reads them as truth values).
LEFT = [-128, -7, -1, 0, 1, 5, 100, 127]
LOGICAL_RIGHT = [-3, 0, 6, 127]
SHIFTS = [-1, 0, 1, 7, 8, 15, 16, 31, 32, 64, 100]
DIVISORS = [-12, 0, 1, 8, 18, 127]
SCALARS = [3, -1, 1000, True, 2.5]

BINARY = ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "gcd", "lcm"]
RIGHT = {"bitwise_and": LOGICAL_RIGHT, "bitwise_or": LOGICAL_RIGHT, "bitwise_xor": LOGICAL_RIGHT,
         "bitwise_left_shift": SHIFTS, "bitwise_right_shift": SHIFTS, "gcd": DIVISORS, "lcm": DIVISORS}
OPERATORS = {"&": "and", "|": "or", "^": "xor", "<<": "lshift", ">>": "rshift"}


def _error(error):
    """An exception as "Kind: message", Kind the first of PyTorch's classes it is an instance
    of (swiftgrad's errors are subclasses of them)."""
    for kind in (NotImplementedError, TypeError, IndexError, ValueError, RuntimeError):
        if isinstance(error, kind):
            return f"{kind.__name__}: {error}"
    return f"{type(error).__name__}: {error}"


def _attempt(function):
    """What a call gives: its result, or its error as a string."""
    try:
        return function()
    except Exception as error:  # noqa: BLE001 - the error is the result
        return _error(error)


def _typed(torch, values, dtype, shape=None):
    t = torch.tensor(values).to(getattr(torch, dtype))
    return t if shape is None else t.reshape(shape)


def dtype_grid(torch):
    """Each binary op on every pair of dtypes: a column of LEFT against a row of the op's right
    operands (broadcast to a matrix)."""
    out = {}
    for op in BINARY:
        for da in DTYPES:
            a = _typed(torch, LEFT, da, (len(LEFT), 1))
            for db in DTYPES:
                b = _typed(torch, RIGHT[op], db)
                out[f"{op}.{da}.{db}"] = _attempt(lambda: getattr(torch, op)(a, b))
    return out


def unary(torch):
    """bitwise_not and ~ of every dtype (~ of a floating tensor is a TypeError)."""
    out = {}
    for d in DTYPES:
        a = _typed(torch, LEFT, d)
        out[f"bitwise_not.{d}"] = _attempt(lambda: torch.bitwise_not(a))
        out[f"method.{d}"] = _attempt(lambda: a.bitwise_not())
        out[f"invert.{d}"] = _attempt(lambda: ~a)
        out[f"in_place.{d}"] = _attempt(lambda: a.clone().bitwise_not_())
    return out


def python_numbers(torch):
    """Python ints, bools and floats on either side of every operator and function, on every
    dtype: a number takes the tensor's dtype when of the same kind (truncated as C++ casts it),
    an int on a bool tensor gives int64, a float gives float32 (refused)."""
    out = {}
    for d in DTYPES:
        t = _typed(torch, [-7, 0, 5, 100], d)
        for symbol in ("&", "<<", ">>"):  # | and ^ take the same path as &
            for s in SCALARS:
                out[f"{d} {symbol} {s!r}"] = _attempt(lambda: eval(f"t {symbol} s", {}, {"t": t, "s": s}))
                out[f"{s!r} {symbol} {d}"] = _attempt(lambda: eval(f"s {symbol} t", {}, {"t": t, "s": s}))
        for op in ("bitwise_and", "bitwise_left_shift"):
            for s in (3, True, 2.5):
                out[f"{op}({d}, {s!r})"] = _attempt(lambda: getattr(torch, op)(t, s))
                out[f"{op}({s!r}, {d})"] = _attempt(lambda: getattr(torch, op)(s, t))
                out[f"{d}.{op}({s!r})"] = _attempt(lambda: getattr(t, op)(s))
    for d in ("int8", "uint8", "int32", "bool"):
        t = _typed(torch, [-7, 0, 5, 100], d)
        for s in (2**40, -2**63, 2**63 - 1, False):
            out[f"{d} & {s!r}"] = _attempt(lambda: t & s)
            out[f"{s!r} | {d}"] = _attempt(lambda: s | t)
            out[f"{d} >> {s!r}"] = _attempt(lambda: t >> s)
    return out


def zero_dim(torch):
    """0-d tensors promote by category only: an int64 0-d tensor leaves an int8 tensor int8, a
    floating one makes it floating (refused)."""
    out = {}
    for da in DTYPES:
        a = _typed(torch, [-7, 0, 5, 100], da)
        for db in DTYPES:
            b = _typed(torch, 3, db)
            out[f"{da} & 0d {db}"] = _attempt(lambda: a & b)
            out[f"0d {db} << {da}"] = _attempt(lambda: b << a)
            if da in ("bool", "int8", "float16"):
                out[f"0d {da} ^ 0d {db}"] = _attempt(lambda: _typed(torch, 6, da) ^ b)
    return out


def in_place(torch):
    """The in-place methods and operators on every pair of dtypes: the result must cast to the
    tensor's dtype (same or lower category). An integer or bool tensor with a floating operand
    is left out: PyTorch refuses it by the cast ("result type Float can't be cast to the desired
    output type Long"), swiftgrad by the kernel (test_bitwise.py checks that case)."""
    out = {}
    for da in DTYPES:
        for db in DTYPES:
            if not da.startswith(("float", "bfloat")) and db.startswith(("float", "bfloat")):
                continue
            b = _typed(torch, [3, 1, 0, 2], db)
            for name in ("bitwise_or_", "bitwise_right_shift_", "lcm_"):
                a = _typed(torch, [-7, 0, 5, 100], da)
                out[f"{da}.{name}({db})"] = _attempt(lambda: getattr(a, name)(b))
            for symbol in ("&", "^", "<<"):
                def assign():
                    x = _typed(torch, [-7, 0, 5, 100], da)
                    y = x
                    exec(f"y {symbol}= b", {}, {"y": y, "b": b})
                    return x
                out[f"{da} {symbol}= {db}"] = _attempt(assign)
    for d in DTYPES:
        for s in (3, True, 2.5):
            def assign_number():
                x = _typed(torch, [-7, 0, 5, 100], d)
                y = x
                y &= s
                return [x, y is x]
            out[f"{d} &= {s!r}"] = _attempt(assign_number)
    return out


def shift_edges(torch):
    """Shifts by negative amounts and by the width or more (PyTorch's CPU kernels give 0 left,
    the sign right), on contiguous operands long enough for vectorised loops and on strided ones,
    at each integer width's extremes."""
    out = {}
    for d in INTEGERS:
        info = torch.iinfo(getattr(torch, d))
        values = [info.min, info.min + 1, -5, -1, 0, 1, 5, info.max - 1, info.max]
        amounts = [-2, -1, 0, 1, 2, info.bits - 2, info.bits - 1, info.bits, info.bits + 1, 100, 127]
        a = torch.tensor(values, dtype=getattr(torch, d)).reshape(-1, 1)
        b = torch.tensor(amounts).to(getattr(torch, d))
        out[f"{d} <<"] = a << b
        out[f"{d} >>"] = a >> b
        long_a = a.expand(len(values), len(amounts)).contiguous().reshape(-1).repeat(3)
        long_b = b.expand(len(values), len(amounts)).contiguous().reshape(-1).repeat(3)
        # The same results from long contiguous operands (PyTorch's vectorised loops) and strided ones.
        out[f"{d} long"] = [torch.equal(long_a << long_b, (a << b).reshape(-1).repeat(3)),
                            torch.equal(long_a >> long_b, (a >> b).reshape(-1).repeat(3)),
                            torch.equal(long_a[::3] >> long_b[::3], (a >> b).reshape(-1).repeat(3)[::3])]
        out[f"{d} & | ^ extremes"] = [a & b[4:8], a | b[4:8], a ^ b[4:8]]
    return out


def divisor_edges(torch):
    """gcd and lcm at each integer dtype's extremes: C's abs leaves the most negative value
    negative, lcm wraps (in C's int for the narrow types). (PyTorch's lcm divides -2^63 by a
    gcd of -1 with a trap, killing the process: lcm(-2^63, 7) is not asked.)"""
    out = {}
    for d in INTEGERS:
        info = torch.iinfo(getattr(torch, d))
        values = [info.min, info.min + 1, -100, -6, 0, 1, 7, 25, 100, info.max]
        a = torch.tensor(values, dtype=getattr(torch, d)).reshape(-1, 1)
        b = torch.tensor([x for x in [-4, 0, 1, 6, 8, 12, 100] if info.min <= x <= info.max], dtype=getattr(torch, d))
        out[f"gcd {d}"] = torch.gcd(a, b)
        if d != "int64":
            out[f"lcm {d}"] = torch.lcm(a, b)
        out[f"gcd {d} with itself"] = torch.gcd(a, a)
    lo = -2**63
    out["lcm int64"] = torch.lcm(torch.tensor([[lo], [lo + 1], [-6], [0], [25], [2**62], [2**63 - 1]]),
                                 torch.tensor([0, 1, 3, 6, -2]))
    out["gcd int64 odd"] = torch.gcd(torch.tensor([lo, lo]), torch.tensor([7, -7]))
    out["lcm broadcast"] = torch.lcm(torch.tensor([4, 7, 8]), torch.tensor([[6], [2]]))
    out["gcd refused"] = [_attempt(lambda: torch.tensor([4]).gcd(2)),
                          _attempt(lambda: torch.gcd(torch.tensor([True]), torch.tensor([True]))),
                          _attempt(lambda: torch.lcm(torch.tensor([1.0]), torch.tensor([2]))),
                          _attempt(lambda: torch.gcd(torch.tensor([1, 2]), torch.tensor([1, 2, 3])))]
    out["gcd_ functions"] = [_attempt(lambda: torch.gcd_(torch.tensor([4, 6]), torch.tensor([6]))),
                             _attempt(lambda: torch.lcm_(torch.tensor([4, 6], dtype=torch.int8), torch.tensor([6]))),
                             _attempt(lambda: torch.tensor([4], dtype=torch.int8).gcd(other=torch.tensor([6])))]
    return out


def bincount(torch):
    """bincount's dtypes (int64 counts; float32 weights stay float32, any other become float64
    and sum in float64), minlength, empty inputs and refusals, in PyTorch's order of checks."""
    out = {}
    a = [1, 3, 3, 0, 7, 3]
    weights = [0.1, 0.2, 0.3, 0.7, 1e8, 1.0]
    for d in INTEGERS + ["bool", "float32"]:
        x = _typed(torch, a, d)
        out[f"input {d}"] = _attempt(lambda: torch.bincount(x))
        out[f"input {d} minlength"] = _attempt(lambda: x.bincount(minlength=10))
    x = torch.tensor(a)
    for d in DTYPES:
        w = torch.tensor(weights).to(getattr(torch, d))
        out[f"weights {d}"] = _attempt(lambda: torch.bincount(x, weights=w))
        out[f"weights {d} positional"] = _attempt(lambda: torch.bincount(x, w, 9))
    empty = torch.tensor([], dtype=torch.int64)
    out["empty"] = torch.bincount(empty)
    out["empty minlength"] = torch.bincount(empty, minlength=3)
    out["empty weights"] = torch.bincount(empty, weights=torch.tensor([1.0]), minlength=2)
    out["large minlength"] = torch.bincount(torch.tensor([2]), minlength=5)
    out["strided"] = torch.bincount(torch.tensor([5, 1, 2, 1, 3, 1])[::2], weights=torch.tensor([1.0, 2, 3, 4, 5, 6])[1::2])
    out["uint8 200"] = torch.bincount(torch.tensor([200, 3], dtype=torch.uint8))
    out["errors"] = [
        _attempt(lambda: torch.bincount(x, minlength=-1)),
        _attempt(lambda: torch.bincount(torch.tensor([1.0]), minlength=-1)),
        _attempt(lambda: torch.bincount(torch.tensor([[1]]), minlength=-1)),
        _attempt(lambda: torch.bincount(torch.tensor([-1, 2]))),
        _attempt(lambda: torch.bincount(torch.tensor([[1, 2]]))),
        _attempt(lambda: torch.bincount(torch.tensor(1))),
        _attempt(lambda: torch.bincount(torch.tensor([1, 2]), weights=torch.tensor([1.0]))),
        _attempt(lambda: torch.bincount(torch.tensor([1]), weights=torch.tensor([[1.0]]))),
        _attempt(lambda: torch.bincount(torch.tensor([-1]), weights=torch.tensor([1.0, 2.0]))),
        _attempt(lambda: torch.bincount(torch.tensor([[]], dtype=torch.int64))),
    ]
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = torch.bincount(torch.tensor([0, 2, 2]), weights=w)
    out["grad"] = [y, y.requires_grad, type(y.grad_fn).__name__, _attempt(lambda: y.sum().backward())]
    return out


def triangle_indices(torch):
    """tril_indices and triu_indices over a grid of shapes and offsets (beyond the matrix both
    ways), their dtypes and refusals. (PyTorch's size arithmetic overflows for offsets within a
    few units of +-2^63, tril_indices(3, 3, 2**63 - 1) asks for a negative size: not asked here;
    test_bitwise.py checks swiftgrad's exact answers.)"""
    out = {}
    for row, col in ((0, 0), (0, 3), (3, 0), (1, 1), (3, 3), (3, 5), (5, 3), (4, 1)):
        for offset in (-7, -3, -1, 0, 1, 2, 4, 9):
            out[f"tril {row} {col} {offset}"] = torch.tril_indices(row, col, offset)
            out[f"triu {row} {col} {offset}"] = torch.triu_indices(row, col, offset)
    out["extreme offsets"] = [torch.tril_indices(3, 3, 2**62), torch.triu_indices(3, 3, -2**62),
                              torch.tril_indices(3, 3, -2**62), torch.triu_indices(3, 3, 2**62),
                              torch.tril_indices(3, 3, -2**63)]
    out["keywords"] = [torch.tril_indices(row=3, col=2, offset=1), torch.triu_indices(2, 4, dtype=torch.int32),
                       torch.tril_indices(3, 3, 1, dtype=torch.int64, device="cpu", layout=torch.strided)]
    for d in DTYPES:
        out[f"dtype {d}"] = [_attempt(lambda: torch.tril_indices(3, 3, dtype=getattr(torch, d))),
                             _attempt(lambda: torch.triu_indices(3, 3, dtype=getattr(torch, d)))]
    out["errors"] = [_attempt(lambda: torch.tril_indices(-1, 3)), _attempt(lambda: torch.tril_indices(3, -1)),
                     _attempt(lambda: torch.triu_indices(-1, 3)), _attempt(lambda: torch.triu_indices(3, -2)),
                     _attempt(lambda: torch.tril_indices(3.0, 3)), _attempt(lambda: torch.triu_indices(3, 3, 1.5)),
                     _attempt(lambda: torch.tril_indices(3, 3, requires_grad=True)),
                     _attempt(lambda: torch.tril_indices(-1, 3, dtype=torch.float32))]
    return out


def _layout(t):
    """A tensor's layout (its values are not set by empty_strided)."""
    if isinstance(t, str):
        return t
    return [list(t.shape), list(t.stride()), str(t.dtype), t.untyped_storage().nbytes(), t.requires_grad,
            t.is_contiguous()]


def empty_strided(torch):
    """empty_strided's layouts: the storage it allocates, strides as given (a negative one
    replaced by the contiguous stride after the next dimension's), its refusals."""
    out = {}
    cases = [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((), ()), ((5,), (4,)), ((5, 5), (2, 0)), ((2, 2, 2), (20, 10, 5)),
             ((2, 0), (5, 5)), ((1, 3), (-5, 1)), ((0, 3), (5, -1)), ((3, 1), (1, -7)), ((2, 0), (-1, -1)),
             ((1, 1), (-1, -1)), ((2, 3), (0, 0)), ((2, 3), (-1, 1)), ((2, 2), (1, -1)), ((2, -3), (1, -2)),
             ((2, -3), (1,)), ((2, 3), (1, -2, 3)), ((2, 3), (2**62, 1)), ((2, 3), (2**61, 1)), ((2**62,), (1,)),
             ((2**61,), (1,))]
    for size, stride in cases:
        out[f"{size} {stride}"] = _layout(_attempt(lambda: torch.empty_strided(size, stride)))
        out[f"{size} {stride} int8"] = _layout(_attempt(lambda: torch.empty_strided(size, stride, dtype=torch.int8)))
    x = torch.tensor([1.0, 2.0], dtype=torch.float64)
    out["keywords"] = [_layout(torch.empty_strided(size=[2, 2], stride=[2, 1])),
                       _layout(torch.empty_strided([2, 2], [1, 2], dtype=torch.float64, requires_grad=True)),
                       _layout(torch.empty_strided(torch.Size([3]), (1,), layout=torch.strided, device="cpu",
                                                   pin_memory=False)),
                       _layout(x.new_empty_strided((2, 3), (1, 2))),
                       _layout(x.new_empty_strided((2, 3), (3, 1), dtype=torch.int32)),
                       _layout(x.new_empty_strided([4], [2], requires_grad=True))]
    out["errors"] = [_attempt(lambda: torch.empty_strided(3, 1)), _attempt(lambda: torch.empty_strided((3,), 1)),
                     _attempt(lambda: torch.empty_strided((3.0,), (1,))),
                     _attempt(lambda: torch.empty_strided((2, 2), (1, 2), dtype=torch.int64, requires_grad=True)),
                     _attempt(lambda: x.new_empty_strided((2, 2)))]
    return out


def fill(torch):
    """torch.fill (out of place, FillBackward0 for a number, FillBackward1 for a 0-d tensor),
    torch.fill_ and torch.zero_ as functions."""
    out = {}
    for d in DTYPES:
        t = _typed(torch, [1, 2, 3], d)
        for value in (2, -1, 300, 2.5, True):
            out[f"fill {d} {value!r}"] = _attempt(lambda: torch.fill(t, value))
        out[f"fill {d} tensor"] = _attempt(lambda: torch.fill(t, torch.tensor(7.5)))
        out[f"fill_ {d}"] = _attempt(lambda: torch.fill_(t.clone(), 4))
        out[f"zero_ {d}"] = _attempt(lambda: torch.zero_(t.clone()))
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    y = torch.fill(x, v)
    (y * torch.tensor([1.0, 2.0, 4.0])).sum().backward()
    out["grad tensor value"] = [y, type(y.grad_fn).__name__, x.grad, v.grad]
    x.grad = None
    y = torch.fill(x, value=5)
    (y * 3).sum().backward()
    out["grad number"] = [y, type(y.grad_fn).__name__, x.grad]
    z = torch.zero_(x.clone())
    out["zero_ graph"] = [z, type(z.grad_fn).__name__]
    out["errors"] = [_attempt(lambda: torch.fill(x, torch.tensor([2.0]))),
                     _attempt(lambda: torch.fill(torch.tensor([1], dtype=torch.uint8), 300)),
                     _attempt(lambda: torch.zero_(x)), _attempt(lambda: torch.zero_(3)),
                     _attempt(lambda: torch.fill(torch.tensor([1, 2]), torch.tensor(2.5, requires_grad=True)))]
    return out


def operators_protocol(torch):
    """What the operators give for other operand types: NotImplemented (Python's TypeError) for
    strings, None and lists; PyTorch's refusals of floats; the reflected shifts' operand order."""
    a = torch.tensor([5, 6])
    out = {"reflected shifts": [2 << a, 2 >> a, a.__rlshift__(3), a.__rrshift__(512)],
           "reflected logical": [3 & a, 3 | a, 3 ^ a, True ^ torch.tensor([True, False])]}
    results = []
    for symbol, name in OPERATORS.items():
        for other in ("x", None, [1, 2]):
            results.append(repr(getattr(a, f"__{name}__")(other)))
            results.append(repr(getattr(a, f"__r{name}__")(other)))
            results.append(repr(getattr(a, f"__i{name}__")(other)))
            results.append(_attempt(lambda: eval(f"a {symbol} other", {}, {"a": a, "other": other})))
            results.append(_attempt(lambda: eval(f"other {symbol} a", {}, {"a": a, "other": other})))
    out["other operands"] = results
    out["invert"] = [_attempt(lambda: ~torch.tensor([1.5])), _attempt(lambda: ~torch.tensor(2.5, dtype=torch.float64)),
                     _attempt(lambda: torch.tensor([1.5]).bitwise_not()), ~torch.tensor(5, dtype=torch.uint8)]
    out["two numbers"] = [_attempt(lambda: torch.bitwise_and(3, 4)), _attempt(lambda: torch.bitwise_left_shift(1, 2))]
    out["shapes"] = [_attempt(lambda: torch.tensor([1, 2]) & torch.tensor([1, 2, 3])),
                     _attempt(lambda: torch.tensor([1.5, 2]) & torch.tensor([1, 2, 3]))]
    return out


def run(torch):
    """Every case's results under `torch`, encoded."""
    return {name: {key: encode(value) for key, value in CASES[name](torch).items()} for name in sorted(CASES)}


def encode(value):
    """A result as JSON data: a tensor as its shape, dtype and values (row-major), lists element
    by element, numbers, strings and None as they are."""
    if hasattr(value, "detach") and hasattr(value, "dtype"):
        return {"shape": list(value.shape), "dtype": str(value.dtype), "values": value.detach().reshape(-1).tolist()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


CASES = {f.__name__: f for f in (dtype_grid, unary, python_numbers, zero_dim, in_place, shift_edges, divisor_edges,
                                 bincount, triangle_indices, empty_strided, fill, operators_protocol)}
