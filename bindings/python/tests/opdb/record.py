#!/usr/bin/env python3
"""Records PyTorch's own operator database (OpInfo, torch.testing._internal.common_methods_invocations.op_db)
as reference data for swiftgrad's harness (harness.py): for every OpInfo that torch runs in
float32 on the CPU, every sample input the OpInfo itself generates, the call, torch's outputs,
and, for ops that support autograd, the gradients of the outputs (weighted by fixed cotangents)
with respect to every input that requires grad. Run under a Python with torch:

    TORCH_PYTHON=/path/to/python make opdb-record      (or: python record.py [--max-bytes N] OUT_DIR)

It writes OUT_DIR/reference.json.gz (the samples, calls and results, tensors referenced by
number) and OUT_DIR/tensors.bin.gz (their data, little endian, back to back), which the harness
reads without torch.

The encoding of a value (inputs, outputs, gradients): a tensor is {"T": n} (tensor n of the
table: dtype, shape, requires_grad), and an input that views a larger or differently laid out
storage {"T": n, "view": [size, stride, offset]} (tensor n is that storage, 1-D); lists and tuples {"L": [...]} and {"U": [...]}; dicts
{"D": {...}}; torch.dtype {"dtype": "float32"}; torch.Size {"size": [...]}; torch.device
{"device": "cpu"}; slice {"slice": [start, stop, step]}; Ellipsis {"ellipsis": 1}; a float that
JSON cannot hold {"F": "inf"}; memory formats and layouts {"memory_format": name}, {"layout":
name}; nn modules passed as arguments {"module": class name, "kwargs": {...}}; dataclass
objects {"object": "module.Class", "kwargs": {...}}. A value with no
encoding makes its sample "unserializable" (it counts against the OpInfo).
"""
import ast
import dataclasses
import gzip
import inspect
import json
import math
import pathlib
import sys
import textwrap
import warnings

import torch
import torch.testing._internal.common_methods_invocations as cmi
from torch.testing._internal.common_methods_invocations import op_db

warnings.filterwarnings("ignore")

#: Samples whose tensors (inputs, outputs and gradients) together exceed this many bytes are not
#: stored: the harness checks them only when torch is there to run them (`--live`).
MAX_STORED_SAMPLE_BYTES = 256 << 10


class Unserializable(Exception):
    pass


class Table:
    """The tensors of the reference data, numbered, with their bytes."""

    def __init__(self):
        self.entries = []
        self.chunks = []
        self.offset = 0
        self.originals = {}  # number -> the tensor given to add (for float64_references)

    def add(self, t):
        self.originals[len(self.entries)] = t
        t = t.detach().cpu().resolve_conj().resolve_neg().contiguous()
        if t.is_complex():
            data = torch.view_as_real(t).numpy().tobytes()
        elif t.dtype == torch.bfloat16:
            data = t.view(torch.int16).numpy().tobytes()
        else:
            data = t.numpy().tobytes()
        self.entries.append({"dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape),
                             "offset": self.offset, "nbytes": len(data)})
        self.chunks.append(data)
        self.offset += len(data)
        return len(self.entries) - 1


def storage_view(t):
    """For a tensor that is not its whole storage laid out contiguously (a slice, a transpose, an
    expanded tensor), the storage as a 1-D tensor and the tensor's [size, stride, offset] in it;
    None for a plain tensor."""
    storage_count = t.untyped_storage().nbytes() // t.element_size()
    if t.storage_offset() == 0 and t.is_contiguous() and storage_count == t.numel():
        return None
    base = t.detach().as_strided((storage_count,), (1,), 0)
    return base, [list(t.shape), list(t.stride()), t.storage_offset()]


def encode(value, table, views=False):
    """The JSON encoding of `value` (see the module's doc); tensors go into `table`. With `views`
    (the sample's inputs), a tensor that is a view of a larger or differently laid out storage is
    stored as that storage, {"T": n, "view": [size, stride, offset]}, so that ops that see the
    storage (as_strided) see the same one."""
    if isinstance(value, torch.Tensor):
        if value.layout != torch.strided:
            raise Unserializable(f"{value.layout} tensor")
        view = storage_view(value) if views and not value.is_complex() else None
        n = table.add(value if view is None else view[0])
        table.entries[n]["requires_grad"] = bool(value.requires_grad)
        return {"T": n} if view is None else {"T": n, "view": view[1]}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"F": repr(value)}
    if isinstance(value, complex):
        return {"C": [encode(value.real, table, views), encode(value.imag, table, views)]}
    if isinstance(value, torch.dtype):
        return {"dtype": str(value).removeprefix("torch.")}
    if isinstance(value, torch.Size):
        return {"size": list(value)}
    if isinstance(value, torch.device):
        return {"device": str(value)}
    if isinstance(value, torch.memory_format):
        return {"memory_format": str(value).removeprefix("torch.")}
    if isinstance(value, torch.layout):
        return {"layout": str(value).removeprefix("torch.")}
    if isinstance(value, slice):
        return {"slice": [encode(value.start, table, views), encode(value.stop, table, views), encode(value.step, table, views)]}
    if value is Ellipsis:
        return {"ellipsis": 1}
    if isinstance(value, tuple):
        return {"U": [encode(v, table, views) for v in value]}
    if isinstance(value, list):
        return {"L": [encode(v, table, views) for v in value]}
    if isinstance(value, dict):
        return {"D": {str(k): encode(v, table, views) for k, v in value.items()}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name), table, views) for f in dataclasses.fields(value)}
        return {"object": f"{type(value).__module__}.{type(value).__qualname__}", "kwargs": fields}
    if isinstance(value, torch.nn.Module):
        kwargs = {k: v for k, v in vars(value).items() if not k.startswith("_") and k != "training"}
        return {"module": type(value).__name__, "kwargs": {k: encode(v, table, views) for k, v in kwargs.items()}}
    raise Unserializable(type(value).__name__)


def tensors_in(value):
    """Every tensor in a (nested) value, in order."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in tensors_in(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in tensors_in(v)]
    return []


def lambda_source(function):
    """The source of a lambda, cut out of the lines that define it (inspect.getsource gives only
    the first line of a lambda that spans several)."""
    path, first = inspect.getsourcefile(function), function.__code__.co_firstlineno
    with open(path) as f:
        lines = f.readlines()[first - 1:first + 30]
    text = "".join(lines)
    text = text[text.index("lambda"):]
    for end in range(len(text), 0, -1):
        candidate = "(" + text[:end] + ")"
        try:
            if isinstance(ast.parse(candidate, mode="eval").body, ast.Lambda):
                return candidate
        except SyntaxError:
            continue
    raise Unserializable("lambda source")


def resolve(root, name):
    obj = root
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def call_spec(op):
    """How the harness calls the op in swiftgrad: by its name in the torch namespace, as a
    Tensor method, or from the source of the OpInfo's own wrapper (a lambda or a function)."""
    function = op.op
    if resolve(torch, op.name) is function:
        return {"function": op.name}
    if getattr(torch.Tensor, op.name, None) is function or (
            getattr(function, "__name__", None) == op.name and hasattr(torch.Tensor, op.name)):
        return {"method": op.name}
    name = getattr(function, "__name__", "")
    if name == "<lambda>":
        return {"lambda": lambda_source(function)}
    if inspect.isfunction(function):
        return {"source": textwrap.dedent(inspect.getsource(function)), "name": name}
    if isinstance(function, torch._ops.OpOverload) or isinstance(function, torch._ops.OpOverloadPacket):
        return {"aten": str(function)}
    return {"opaque": repr(function)}


def encode_function(function, table):
    """A sample's output processing (output_process_fn_grad) as its source, to be run again on
    swiftgrad's outputs: {"lambda": source} or {"source": ..., "name": ..., "closure": {...}},
    with the closure's functions encoded the same way and its other values as values."""
    name = getattr(function, "__name__", "")
    if name == "<lambda>" and not function.__closure__:
        return {"lambda": lambda_source(function)}
    if not inspect.isfunction(function) or name == "<lambda>":
        raise Unserializable(f"output processing {function!r}")
    closure = {}
    for var, cell in zip(function.__code__.co_freevars, function.__closure__ or ()):
        value = cell.cell_contents
        if inspect.isfunction(value):
            closure[var] = {"function": encode_function(value, table)}
        elif isinstance(value, cmi.OpInfo):  # out_fn(output) asks op_info.name
            closure[var] = {"opinfo": {"name": value.name, "variant_test_name": value.variant_test_name}}
        else:
            closure[var] = encode(value, table)
    return {"source": textwrap.dedent(inspect.getsource(function)), "name": name, "closure": closure}


def processing(sample):
    """The sample's output_process_fn_grad, None when it is the identity."""
    function = sample.output_process_fn_grad
    default = cmi.SampleInput(torch.zeros(())).output_process_fn_grad
    if function is None or getattr(function, "__code__", None) is default.__code__:
        return None
    if getattr(function, "__name__", "") == "<lambda>" and lambda_source(function).replace(" ", "") in ("(lambdax:x)",):
        return None
    return function


def float64_references(op, sample, process, out, cotangents, grads, table):
    """Torch's float64 results for the sample's floating outputs and gradients, stored where its
    float32 results are off them by more than half the harness's tolerance (so that the harness
    can accept a swiftgrad result at least as accurate as torch's float32 one): a map from the
    table number of a float32 tensor to that of its float64 counterpart. Only where the float64
    run is the same computation at a higher precision (every element within 1% of the float32
    one, but for one in a thousand: a coordinate that float32 rounds across a discontinuity, a
    cell border in grid_sampler, flips its element), so a float64 path with other semantics
    stores nothing."""
    if torch.float64 not in op.supported_dtypes("cpu"):
        return {}

    def double(t):
        if isinstance(t, torch.Tensor) and t.is_floating_point():
            return t.detach().double().requires_grad_(t.requires_grad)
        return t

    try:
        sample64 = sample.transform(double)
        inputs = [t for t in tensors_in([sample64.input, list(sample64.args), dict(sample64.kwargs)]) if t.requires_grad]
        torch.manual_seed(0)
        out64 = run(op, sample64)
        if process is not None:
            out64 = process(out64)
        pairs = list(zip(tensors_in(out), tensors_in(out64)))
        if grads is not None:
            outputs = [t for t in tensors_in(out64) if t.requires_grad and t.is_floating_point()]
            grads64 = torch.autograd.grad(outputs, inputs, [c.double() for c in cotangents], allow_unused=True)
            pairs += [(g, g64) for g, g64 in zip(grads, grads64) if g is not None and g64 is not None]
    except Exception:  # noqa: BLE001 - no float64 reference for this sample
        return {}
    numbers = {id(t): n for n, t in table.originals.items()}
    references = {}
    for t32, t64 in pairs:
        if id(t32) not in numbers or t32.dtype != torch.float32 or t64.dtype != torch.float64 or t32.shape != t64.shape:
            continue
        a, b = t32.detach().double(), t64.detach()
        finite = torch.isfinite(a) & torch.isfinite(b)
        if not bool((torch.isfinite(a) == torch.isfinite(b)).all()):
            continue
        error = (a - b).abs()[finite]
        scale = b.abs()[finite]
        if error.numel() == 0 or not bool((error > 0.5 * (1e-5 + 1e-4 * scale)).any()):
            continue
        if int((error > 1e-2 * (scale + 1)).sum()) > error.numel() // 1000:
            continue
        references[str(numbers[id(t32)])] = table.add(t64)
    return references


def run(op, sample):
    return op.op(sample.input, *sample.args, **sample.kwargs)


def same_values(a, b):
    ta, tb = tensors_in(a), tensors_in(b)
    if len(ta) != len(tb):
        return False
    for x, y in zip(ta, tb):
        if x.shape != y.shape or x.dtype != y.dtype:
            return False
        x, y = x.detach(), y.detach()
        if x.dtype == torch.complex32:
            x, y = x.to(torch.complex64), y.to(torch.complex64)
        try:
            torch.testing.assert_close(x, y, rtol=0, atol=0, equal_nan=True)
        except AssertionError:
            return False
    if not ta:
        return a == b if not isinstance(a, float) or not math.isnan(a) else isinstance(b, float) and math.isnan(b)
    return True


def record_sample(op, sample, table):
    entry = {"name": sample.name or ""}
    try:
        encoded = {"input": encode(sample.input, table, views=True),
                   "args": encode(list(sample.args), table, views=True),
                   "kwargs": encode(dict(sample.kwargs), table, views=True)}
    except Unserializable as e:
        return {"unserializable": str(e)}
    entry.update(encoded)
    torch.manual_seed(0)
    try:
        out = run(op, sample)
    except Exception as e:  # noqa: BLE001 - torch refuses its own sample: not counted
        return {"torch_error": f"{type(e).__name__}: {str(e)[:200]}"}
    try:
        entry["output"] = encode(out, table)  # now: an in-place op's output is its input
    except Unserializable as e:
        return {"unserializable": f"output {e}"}
    snapshot = [t.detach().clone() for t in tensors_in(out)]
    # A sample whose outputs are defined only up to a choice (the signs of singular vectors)
    # comes with the processing PyTorch's own tests compare and differentiate through
    # (abs(U), U @ Vh): the harness compares that, and the raw outputs by shape and dtype.
    process = processing(sample)
    compared = out
    if process is not None:
        try:
            entry["process"] = encode_function(process, table)
            compared = process(out)
            entry["processed"] = encode(compared, table)
        except Unserializable as e:
            return {"unserializable": str(e)}
    inputs = [t for t in tensors_in([sample.input, list(sample.args), dict(sample.kwargs)]) if t.requires_grad]
    outputs = [t for t in tensors_in(compared) if t.requires_grad and (t.is_floating_point() or t.is_complex())]
    cotangents, grads = None, None
    if op.supports_autograd and inputs and outputs:
        generator = torch.Generator().manual_seed(7)
        cotangents = [torch.randn(t.shape, dtype=t.dtype, generator=generator) for t in outputs]
        try:
            grads = torch.autograd.grad(outputs, inputs, cotangents, allow_unused=True)
            entry["cotangents"] = encode(cotangents, table)
            entry["grads"] = encode(list(grads), table)
        except Exception as e:  # noqa: BLE001
            entry["grad_error"] = f"{type(e).__name__}: {str(e)[:200]}"
            grads = None
    # A random op gives other values under another seed: the harness then compares shapes and
    # dtypes only (the two libraries' generators differ). The OpInfo wraps its random ops in
    # wrapper_set_seed, which seeds the generator itself: the second run reseeds through it too.
    # Other seeds, up to 8 for small outputs: a random op on one element (dropout of a 0-d
    # tensor) may repeat its value under one other seed.
    original = cmi.wrapper_set_seed
    users = [m for m in list(sys.modules.values()) if getattr(m, "wrapper_set_seed", None) is original]
    entry["random"] = False
    try:
        tries = 8 if sum(t.numel() for t in snapshot) <= 16 else 2
        for seed in range(1, tries + 1):
            torch.manual_seed(seed)
            for module in users:
                module.wrapper_set_seed = lambda f, *a, seed=seed, **k: (torch.manual_seed(1000 + seed), f(*a, **k))[1]
            again = [t.detach().clone() for t in tensors_in(run(op, sample))]
            if not same_values(snapshot, again):
                entry["random"] = True
                break
    except Exception:  # noqa: BLE001
        entry["random"] = True
    finally:
        for module in users:
            module.wrapper_set_seed = original
    if entry["random"]:
        entry.pop("cotangents", None), entry.pop("grads", None)
    else:
        references = float64_references(op, sample, process, compared, cotangents, grads, table)
        if references:
            entry["float64"] = references
    return entry


def main():
    global MAX_STORED_SAMPLE_BYTES
    args = sys.argv[1:]
    if "--max-bytes" in args:  # 0: no limit (a live run, not stored in the repository)
        i = args.index("--max-bytes")
        MAX_STORED_SAMPLE_BYTES = int(args[i + 1]) or float("inf")
        del args[i:i + 2]
    out_dir = pathlib.Path(args[0] if args else pathlib.Path(__file__).parent / "data")
    out_dir.mkdir(parents=True, exist_ok=True)
    table = Table()
    records = []
    for op in op_db:
        if torch.float32 not in op.supported_dtypes("cpu"):
            continue
        record = {"name": op.name, "variant": op.variant_test_name, "autograd": bool(op.supports_autograd),
                  "samples": []}
        # The in-place variant (Tensor.abs_), which the harness checks against the op's results.
        inplace = getattr(op, "inplace_variant", None)
        if inplace is not None and getattr(torch.Tensor, getattr(inplace, "__name__", ""), None) is inplace:
            record["inplace"] = inplace.__name__
        try:
            record["call"] = call_spec(op)
        except Unserializable as e:
            record["call"] = {"opaque": str(e)}
        torch.manual_seed(0)
        try:
            samples = list(op.sample_inputs("cpu", torch.float32, requires_grad=op.supports_autograd))
        except Exception as e:  # noqa: BLE001
            record["sample_error"] = f"{type(e).__name__}: {e}"[:300]
            records.append(record)
            continue
        for sample in samples:
            first = len(table.entries), table.offset, len(table.chunks)
            entry = record_sample(op, sample, table)
            if table.offset - first[1] > MAX_STORED_SAMPLE_BYTES:
                del table.entries[first[0]:], table.chunks[first[2]:]
                table.offset = first[1]
                entry = {"too_large": True}
            record["samples"].append(entry)
        records.append(record)
    meta = {"torch": torch.__version__, "dtype": "float32", "max_stored_sample_bytes": MAX_STORED_SAMPLE_BYTES,
            "tensors": table.entries, "ops": records}
    with gzip.open(out_dir / "reference.json.gz", "wt", compresslevel=9) as f:
        json.dump(meta, f, separators=(",", ":"))
    with gzip.open(out_dir / "tensors.bin.gz", "wb", compresslevel=9) as f:
        for chunk in table.chunks:
            f.write(chunk)
    counted = sum(1 for r in records if any("output" in s for s in r["samples"]))
    print(f"recorded {len(records)} OpInfos ({counted} with samples torch runs), "
          f"{sum(len(r['samples']) for r in records)} samples, {len(table.entries)} tensors, "
          f"{table.offset / 1e6:.1f} MB of tensor data, from torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
