#!/usr/bin/env python3
"""swiftgrad against PyTorch's own operator database: runs every sample that record.py stored
(the OpInfos' own sample inputs, float32, on the CPU) through swiftgrad and compares the outputs
and the gradients with torch's.

    python harness.py [DATA_DIR] [--only NAME ...] [--json STATUS.json] [--readme README.md]

An OpInfo passes when every one of its samples gives torch's outputs (values, shapes, dtypes)
and, where torch differentiates it, torch's gradients. Otherwise its status is the worst of its
samples': "crash" (the process died), "wrong" (a value, shape, dtype or gradient differs),
"raises" (swiftgrad raises where torch answers), "missing" (swiftgrad has no such function).
Random ops (torch gives other values under another seed) are compared by shape and dtype.
OpInfos that torch itself cannot run on the CPU (every sample fails in torch) are not counted.

Samples run in a worker process, so that a crash is recorded against its OpInfo instead of
ending the run. Values compare as torch.testing does for float32 with rtol 1e-4 (atol 1e-5);
integers, bools and dtypes compare exactly. Where torch's float32 result is off its own float64
result (stored by record.py where they differ), a value also passes when it is at least as
close to the float64 result as torch's float32 value is: swiftgrad may be more accurate than
torch, never less (OPDB_FLOAT32_ONLY=1 turns this off, to list the OpInfos that need it). Samples whose outputs are defined only up to a choice (the signs of singular
vectors) are compared and differentiated through the OpInfo's own output processing
(output_process_fn_grad: abs(U), U @ Vh), as PyTorch's tests do. The few OpInfos whose gradient
in torch is itself wrong (TORCH_GRADIENT_ERRORS, each with its evidence) have their gradients
checked against float64 central differences instead.
"""
import argparse
import collections
import gzip
import json
import math
import os
import pathlib
import subprocess
import sys
import traceback
import types

HERE = pathlib.Path(__file__).resolve().parent
RTOL, ATOL = 1e-4, 1e-5
STATUS_ORDER = ["pass", "missing", "raises", "wrong", "crash"]

#: OpInfos whose gradient in this PyTorch is itself wrong (it fails torch.autograd.gradcheck),
#: with the evidence. Their gradients are checked against float64 central differences of
#: swiftgrad's own forward (whose values are checked against torch's) instead of torch's.
TORCH_GRADIENT_ERRORS = {
    "as_strided_scatter": "torch 2.15's as_strided_scatter backward routes the gradient of the "
                          "scattered source through the input's layout and fails gradcheck on "
                          "the OpInfo's own first sample (gradcheck(torch.as_strided_scatter, "
                          "...) in float64 raises 'Jacobian mismatch for output 0 with respect "
                          "to input 0')",
}
FD_STEP, FD_RTOL, FD_ATOL = 1e-6, 1e-3, 1e-4


def namespace(name):
    """The part of an OpInfo's name that PyTorch's API groups it under."""
    for prefix in ("nn.functional.", "linalg.", "special.", "fft.", "masked.", "signal.", "sparse.", "torch.ops."):
        if name.startswith(prefix):
            return prefix.rstrip(".")
    return "torch"


# ---- the worker: runs samples in swiftgrad -------------------------------------------------

class Missing(Exception):
    """swiftgrad has no function or method of this name."""


class Mismatch(Exception):
    """A value differs from torch's."""


def load(data_dir):
    with gzip.open(data_dir / "reference.json.gz", "rt") as f:
        meta = json.load(f)
    with gzip.open(data_dir / "tensors.bin.gz", "rb") as f:
        blob = f.read()
    return meta, blob


class Decoder:
    def __init__(self, torch, np, meta, blob):
        self.torch, self.np, self.tensors, self.blob = torch, np, meta["tensors"], blob

    def array(self, n):
        """Reference tensor n as a numpy array (complex as complex, bfloat16 as float32)."""
        np = self.np
        e = self.tensors[n]
        raw = self.blob[e["offset"]:e["offset"] + e["nbytes"]]
        dtype = e["dtype"]
        if dtype == "bfloat16":
            bits = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
            return bits.view(np.float32).reshape(e["shape"])
        numpy_dtype = {"complex64": np.complex64, "complex128": np.complex128, "bool": np.bool_}.get(dtype, dtype)
        return np.frombuffer(raw, dtype=numpy_dtype).reshape(e["shape"]).copy()

    def value(self, v):
        """The swiftgrad value of an encoded input."""
        torch = self.torch
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if not isinstance(v, dict):
            return v
        if "T" in v:
            e = self.tensors[v["T"]]
            dtype = getattr(torch, e["dtype"], None)
            if not isinstance(dtype, torch.dtype):
                raise NotImplementedError(f"swiftgrad has no dtype {e['dtype']}")
            t = torch.from_numpy(self.array(v["T"])) if e["dtype"] != "bfloat16" else \
                torch.from_numpy(self.array(v["T"])).to(dtype)
            if t.dtype != dtype:
                t = t.to(dtype)
            if "view" in v:
                t = torch.as_strided(t, *v["view"])
            if e.get("requires_grad"):
                t.requires_grad_(True)
            return t
        if "L" in v:
            return [self.value(x) for x in v["L"]]
        if "U" in v:
            return tuple(self.value(x) for x in v["U"])
        if "D" in v:
            return {k: self.value(x) for k, x in v["D"].items()}
        if "F" in v:
            return float(v["F"])
        if "C" in v:
            return complex(self.value(v["C"][0]), self.value(v["C"][1]))
        if "dtype" in v:
            d = getattr(torch, v["dtype"], None)
            if d is None:
                raise NotImplementedError(f"swiftgrad has no dtype {v['dtype']}")
            return d
        if "size" in v:
            return torch.Size(v["size"])
        if "device" in v:
            return torch.device(v["device"])
        if "slice" in v:
            return slice(*(self.value(x) for x in v["slice"]))
        if "ellipsis" in v:
            return Ellipsis
        if "memory_format" in v:
            return getattr(torch, v["memory_format"])
        if "layout" in v:
            return getattr(torch, v["layout"])
        if "module" in v:
            # The recorder stores a module's public attributes, which are usually its
            # constructor's parameters; where they are not (PairwiseDistance keeps p as `norm`),
            # the module is made with its defaults and given the attributes.
            cls, attributes = getattr(torch.nn, v["module"]), {k: self.value(x) for k, x in v["kwargs"].items()}
            try:
                return cls(**attributes)
            except TypeError:
                module = cls()
                for k, x in attributes.items():
                    setattr(module, k, x)
                return module
        if "object" in v:
            path = v["object"].split(".")
            obj = torch
            for part in path[1:]:
                obj = getattr(obj, part)
            return obj(**{k: self.value(x) for k, x in v["kwargs"].items()})
        raise ValueError(f"unknown encoding {v}")


def same_values(torch, a, b):
    """Equal shapes and elements, NaN equal to NaN."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if torch.equal(a, b):
        return True
    return a.dtype.is_floating_point and bool(((a == b) | (a.isnan() & b.isnan())).all())


def tensors_in(torch, value):
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in tensors_in(torch, v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in tensors_in(torch, v)]
    return []


def resolve(root, name):
    obj = root
    for part in name.split("."):
        if not hasattr(obj, part):
            raise Missing(f"swiftgrad has no {name}")
        obj = getattr(obj, part)
    return obj


def callable_for(torch, call):
    if "function" in call:  # a name in the torch namespace ("torch.ops.aten.x.default" spelled out)
        name = call["function"]
        return resolve(torch, name[len("torch."):] if name.startswith("torch.") else name)
    if "method" in call:
        if not hasattr(torch.Tensor, call["method"]):
            raise Missing(f"swiftgrad.Tensor has no {call['method']}")
        return getattr(torch.Tensor, call["method"])
    namespace_ = {"torch": torch, "wrapper_set_seed": lambda f, *a, **k: f(*a, **k),
                  "partial": __import__("functools").partial}
    if "aten" in call:  # an aten operator ("aten.name" or "aten.name.overload"): torch.ops.aten's
        _, name, *overload = call["aten"].split(".")
        return resolve(resolve(torch, f"ops.aten.{name}"), overload[0] if overload else "default")
    if "lambda" in call:
        return eval(call["lambda"], namespace_)  # noqa: S307 - the OpInfo's own wrapper, from torch's source
    if "source" in call:
        exec(call["source"], namespace_)  # noqa: S102
        return namespace_[call["name"]]
    raise Missing(f"no swiftgrad counterpart of {call}")


def build_function(torch, spec, decoder):
    """A sample's output processing, recorded as source (record.py's encode_function), built
    over swiftgrad."""
    namespace_ = {"torch": torch}
    if "lambda" in spec:
        return eval(spec["lambda"], namespace_)  # noqa: S307 - the OpInfo's own code, from torch's source
    for var, value in spec.get("closure", {}).items():
        if isinstance(value, dict) and "function" in value:
            namespace_[var] = build_function(torch, value["function"], decoder)
        elif isinstance(value, dict) and "opinfo" in value:
            namespace_[var] = types.SimpleNamespace(**value["opinfo"])
        else:
            namespace_[var] = decoder.value(value)
    exec(spec["source"], namespace_)  # noqa: S102
    return namespace_[spec["name"]]


def close(np, got, want, reference=None):
    """Whether two arrays agree (torch.testing's float rule for floats, exact otherwise). With
    torch's float64 result as `reference`, an element also agrees when it is at least as close to
    that as torch's float32 element is."""
    if got.shape != want.shape:
        return False
    if want.dtype.kind in "fc":
        got = got.astype(np.complex128 if want.dtype.kind == "c" else np.float64)
        want = want.astype(got.dtype)
        both_nan = np.isnan(got) & np.isnan(want)
        equal = got == want
        near = np.abs(got - want) <= ATOL + RTOL * np.abs(want)
        agree = both_nan | equal | near
        if reference is not None:
            agree |= np.abs(got - reference) <= np.abs(want - reference)
        return bool(np.all(agree))
    return bool(np.array_equal(got, want))


class Runner:
    def __init__(self, torch, np, meta, blob):
        self.torch, self.np = torch, np
        self.decoder = Decoder(torch, np, meta, blob)
        self.float64 = {}  # the current sample's float64 references (record.py's float64_references)

    def compare(self, got, want, where, shapes_only=False):
        torch, np = self.torch, self.np
        if isinstance(want, dict) and "T" in want:
            if not isinstance(got, torch.Tensor):
                raise Mismatch(f"{where}: {type(got).__name__} where torch gives a tensor")
            e = self.decoder.tensors[want["T"]]
            if list(got.shape) != e["shape"]:
                raise Mismatch(f"{where}: shape {list(got.shape)}, torch {e['shape']}")
            if str(got.dtype).removeprefix("torch.") != e["dtype"]:
                raise Mismatch(f"{where}: dtype {got.dtype}, torch torch.{e['dtype']}")
            if shapes_only:
                return
            values = got.detach()
            array = values.to(torch.float32).numpy() if e["dtype"] in ("bfloat16", "float16") else values.numpy()
            reference = self.float64.get(str(want["T"]))
            if not close(np, array, self.decoder.array(want["T"]),
                         None if reference is None else self.decoder.array(reference)):
                raise Mismatch(f"{where}: values differ")
            return
        if isinstance(want, dict) and ("L" in want or "U" in want):
            items = want.get("L", want.get("U"))
            if not isinstance(got, (list, tuple)) or len(got) != len(items):
                raise Mismatch(f"{where}: {type(got).__name__} where torch gives a sequence of {len(items)}")
            for i, (g, w) in enumerate(zip(got, items)):
                self.compare(g, w, f"{where}[{i}]", shapes_only)
            return
        if isinstance(want, dict) and "size" in want:
            if list(got) != want["size"]:
                raise Mismatch(f"{where}: {got}, torch {want['size']}")
            return
        if isinstance(want, dict) and "dtype" in want:
            if str(got).removeprefix("torch.") != want["dtype"]:
                raise Mismatch(f"{where}: {got}, torch torch.{want['dtype']}")
            return
        if isinstance(want, dict) and "F" in want:
            want = float(want["F"])
        if isinstance(got, torch.Tensor):
            raise Mismatch(f"{where}: a tensor where torch gives {type(want).__name__}")
        if isinstance(want, bool) or want is None or isinstance(want, str):
            if got != want or type(got) is not type(want):
                raise Mismatch(f"{where}: {got!r}, torch {want!r}")
            return
        if isinstance(want, (int, float)):
            if shapes_only:
                return
            if not isinstance(got, (int, float)) or isinstance(got, bool) or (
                    isinstance(want, int) and not isinstance(got, int)):
                raise Mismatch(f"{where}: {got!r}, torch {want!r}")
            if not (got == want or (math.isnan(want) and math.isnan(got))
                    or abs(got - want) <= ATOL + RTOL * abs(want)):
                raise Mismatch(f"{where}: {got!r}, torch {want!r}")
            return
        raise Mismatch(f"{where}: cannot compare with {want!r}")

    def check_by_differences(self, function, args, kwargs, grads, cotangents):
        """None when `grads` (of sum(output * cotangent) over the inputs that require grad) agree
        with central differences of the forward in float64, else ("wrong", detail)."""
        torch = self.torch

        def double(value):
            if isinstance(value, torch.Tensor):
                return value.detach().double() if value.dtype.is_floating_point else value.detach()
            if isinstance(value, (list, tuple)):
                return type(value)(double(v) for v in value)
            if isinstance(value, dict):
                return {k: double(v) for k, v in value.items()}
            return value

        wrt = [t for t in tensors_in(torch, [args, kwargs]) if t.requires_grad]
        args64, kwargs64 = double(args), double(kwargs)
        leaves64 = [t64 for t, t64 in zip(tensors_in(torch, [args, kwargs]), tensors_in(torch, [args64, kwargs64]))
                    if t.requires_grad]
        cot64 = [c.double() for c in cotangents]

        def objective():
            with torch.no_grad():
                out = function(*args64, **kwargs64)
                outs = [o for o in tensors_in(torch, out) if o.dtype.is_floating_point]
                return sum(float((o * c).sum()) for o, c in zip(outs, cot64))

        for i, (leaf, g) in enumerate(zip(leaves64, grads)):
            flat = leaf.view(-1) if leaf.is_contiguous() else None
            if flat is None:
                return "raises", f"grad[{i}]: finite differences need a contiguous input"
            got = (g if g is not None else torch.zeros_like(wrt[i])).double().reshape(-1)
            for k in range(flat.numel()):
                saved = float(flat[k])
                flat[k] = saved + FD_STEP
                up = objective()
                flat[k] = saved - FD_STEP
                down = objective()
                flat[k] = saved
                want = (up - down) / (2 * FD_STEP)
                if abs(float(got[k]) - want) > FD_ATOL + FD_RTOL * abs(want):
                    return "wrong", f"grad[{i}][{k}]: {float(got[k])!r}, finite differences {want!r}"
        return None

    def run_sample(self, function, sample, name="", seeded=False):
        """None when the sample passes, else (status, detail). `seeded`: the OpInfo calls its op
        through wrapper_set_seed (its values are drawn from the generator)."""
        torch = self.torch
        try:
            args = [self.decoder.value(sample["input"])] + self.decoder.value(sample["args"])
            kwargs = self.decoder.value(sample["kwargs"])
        except NotImplementedError as e:
            return "raises", f"input: {e}"
        except Exception as e:  # noqa: BLE001
            return "raises", f"input: {type(e).__name__}: {e}"
        try:
            out = function(*args, **kwargs)
        except Missing as e:
            return "missing", str(e)
        except AttributeError as e:
            text = str(e)
            if "swiftgrad" in text or "'Tensor' object" in text or "module" in text:
                return "missing", text
            return "raises", f"AttributeError: {text}"
        except Exception as e:  # noqa: BLE001
            return "raises", f"{type(e).__name__}: {str(e)[:160]}"
        random = sample.get("random", False) or (seeded and self.varies_with_seed(function, sample, out))
        self.float64 = {} if os.environ.get("OPDB_FLOAT32_ONLY") else sample.get("float64", {})
        try:
            self.compare(out, sample["output"], "output", shapes_only=random or "process" in sample)
            if "process" in sample:
                # Outputs defined up to a choice (singular vectors' signs): compared, and
                # differentiated, through the OpInfo's own processing, as PyTorch's tests do.
                try:
                    out = build_function(torch, sample["process"], self.decoder)(out)
                except Exception as e:  # noqa: BLE001
                    return "raises", f"output processing: {type(e).__name__}: {str(e)[:160]}"
                self.compare(out, sample["processed"], "processed output", shapes_only=random)
        except Mismatch as e:
            return "wrong", str(e)
        if "grads" not in sample:
            return None
        inputs = [t for t in tensors_in(torch, [args[0], args[1:], kwargs]) if t.requires_grad]
        outputs = [t for t in tensors_in(torch, out) if t.requires_grad and t.dtype.is_floating_point]
        cotangents = self.decoder.value(sample["cotangents"])
        if len(outputs) != len(cotangents):
            return "wrong", f"{len(outputs)} differentiable outputs, torch {len(cotangents)}"
        try:
            grads = torch.autograd.grad(outputs, inputs, cotangents, allow_unused=True)
        except Exception as e:  # noqa: BLE001
            return "raises", f"backward: {type(e).__name__}: {str(e)[:160]}"
        if name in TORCH_GRADIENT_ERRORS:
            return self.check_by_differences(function, args, kwargs, grads, cotangents)
        for i, (g, w) in enumerate(zip(grads, sample["grads"]["L"])):
            if w is None:
                if g is not None and bool((g != 0).any()):
                    return "wrong", f"grad[{i}]: nonzero where torch has none"
                continue
            if g is None:
                g = torch.zeros_like(inputs[i])
            try:
                self.compare(g, w, f"grad[{i}]")
            except Mismatch as e:
                return "wrong", str(e)
        return None

    def run_inplace_sample(self, name, sample):
        """None when the in-place method `name` gives torch's result and gradients on `sample`,
        else (status, detail)."""
        torch = self.torch
        try:
            args = [self.decoder.value(sample["input"])] + self.decoder.value(sample["args"])
            kwargs = self.decoder.value(sample["kwargs"])
        except Exception as e:  # noqa: BLE001
            return "raises", f"input: {type(e).__name__}: {e}"
        leaf = args[0]
        target = leaf.clone() if leaf.requires_grad else leaf  # a leaf that requires grad may not be written
        try:
            out = getattr(target, name)(*args[1:], **kwargs)
        except Exception as e:  # noqa: BLE001
            return "raises", f"{type(e).__name__}: {str(e)[:160]}"
        if out is not target:
            return "wrong", f"{name} returned another object than the tensor it was called on"
        self.float64 = {} if os.environ.get("OPDB_FLOAT32_ONLY") else sample.get("float64", {})
        try:
            self.compare(out, sample["output"], "in-place output")
        except Mismatch as e:
            return "wrong", str(e)
        if "grads" not in sample or not target.requires_grad:
            return None
        inputs = [t for t in tensors_in(torch, [args[0], args[1:], kwargs]) if t.requires_grad]
        cotangents = self.decoder.value(sample["cotangents"])
        if len(cotangents) != 1:
            return None
        try:
            grads = torch.autograd.grad([out], inputs, cotangents, allow_unused=True)
        except Exception as e:  # noqa: BLE001
            return "raises", f"backward: {type(e).__name__}: {str(e)[:160]}"
        for i, (g, w) in enumerate(zip(grads, sample["grads"]["L"])):
            if w is None:
                continue
            try:
                self.compare(g if g is not None else torch.zeros_like(inputs[i]), w, f"in-place grad[{i}]")
            except Mismatch as e:
                return "wrong", str(e)
        return None

    def varies_with_seed(self, function, sample, out):
        """Whether swiftgrad's result of a seeded OpInfo's sample changes with the seed. The
        recorder marks a sample random when torch's result changed under one of two other seeds,
        which can miss one whose draws rarely matter (a fractional pooling window that two draws
        happened to put in the same place). Values drawn from a generator cannot match across
        libraries; a sample is compared by value when swiftgrad's result is the same under four
        seeds too (so a deterministic mistake is still caught)."""
        torch = self.torch
        first = [t.detach().clone() for t in tensors_in(torch, out)]
        try:
            for seed in (1, 2, 3, 4):
                torch.manual_seed(seed)
                args = [self.decoder.value(sample["input"])] + self.decoder.value(sample["args"])
                again = tensors_in(torch, function(*args, **self.decoder.value(sample["kwargs"])))
                if len(again) != len(first) or not all(same_values(torch, a.detach(), b) for a, b in zip(again, first)):
                    return True
        except Exception:  # noqa: BLE001 - the first run succeeded; a failing rerun decides nothing
            return False
        return False

    def run_op(self, op):
        """(status, detail, samples checked) of one OpInfo."""
        samples = [s for s in op["samples"] if "output" in s]
        try:
            function = callable_for(self.torch, op["call"])
        except Missing as e:
            return "missing", str(e), len(samples)
        except AttributeError as e:
            return "missing", str(e), len(samples)
        worst, detail = "pass", ""
        for s in op["samples"]:
            if "unserializable" in s:
                worst, detail = max((worst, detail), ("raises", f"harness: unserializable {s['unserializable']}"),
                                    key=lambda x: STATUS_ORDER.index(x[0]))
                continue
            if "output" not in s:
                continue
            result = self.run_sample(function, s, op["name"], seeded="wrapper_set_seed" in json.dumps(op["call"]))
            if result and STATUS_ORDER.index(result[0]) > STATUS_ORDER.index(worst):
                worst, detail = result
                if worst == "wrong":
                    detail = f"sample {s.get('name') or op['samples'].index(s)}: {detail}"
        return worst, detail, len(samples)


def inplace_status(runner, op):
    """(status, detail, samples checked) of an OpInfo's in-place variant (Tensor.abs_): on a
    copy of each sample's input, the method must return that tensor, holding torch's result, with
    torch's gradients through it. Samples whose result torch could not write in place (another
    dtype or shape than the input's), random and output-processed ones are not used."""
    torch = runner.torch
    name = op["inplace"]
    if not hasattr(torch.Tensor, name):
        return "missing", f"swiftgrad.Tensor has no {name}", 0
    worst, detail, checked = "pass", "", 0
    for index, sample in enumerate(op["samples"]):
        want = sample.get("output")
        if (not isinstance(want, dict) or "T" not in want or sample.get("random") or "process" in sample
                or not isinstance(sample.get("input"), dict) or "T" not in sample["input"]):
            continue
        given, result = runner.decoder.tensors[sample["input"]["T"]], runner.decoder.tensors[want["T"]]
        if (given["dtype"], given["shape"]) != (result["dtype"], result["shape"]) or "view" in sample["input"]:
            continue
        checked += 1
        outcome = runner.run_inplace_sample(name, sample)
        if outcome and STATUS_ORDER.index(outcome[0]) > STATUS_ORDER.index(worst):
            worst, detail = outcome[0], f"sample {sample.get('name') or index}: {outcome[1]}"
    return worst, detail, checked


def worker(data_dir, start):
    """Runs OpInfos from index `start`, printing one JSON line per OpInfo (its index first)."""
    import numpy as np
    import swiftgrad as torch
    meta, blob = load(data_dir)
    runner = Runner(torch, np, meta, blob)
    only = set(os.environ.get("OPDB_ONLY", "").split(",")) - {""}
    for index, op in enumerate(meta["ops"]):
        if index < start or (only and op["name"] not in only):
            continue
        print(json.dumps({"index": index, "start": True}), flush=True)
        try:
            status, detail, n = runner.run_op(op)
        except Exception:  # noqa: BLE001 - a harness bug is reported, not hidden
            status, detail, n = "raises", "harness: " + traceback.format_exc(limit=2)[-200:], 0
        message = {"index": index, "status": status, "detail": detail, "samples": n}
        if op.get("inplace"):
            try:
                message["inplace"] = inplace_status(runner, op)
            except Exception:  # noqa: BLE001
                message["inplace"] = ("raises", "harness: " + traceback.format_exc(limit=2)[-200:], 0)
        print(json.dumps(message), flush=True)


# ---- the parent: runs workers, survives crashes, reports ------------------------------------

def run_all(data_dir, only=()):
    meta, _ = load(data_dir)
    ops = meta["ops"]
    results = {}
    start = 0
    env = dict(os.environ, OPDB_ONLY=",".join(only))
    while True:
        process = subprocess.Popen([sys.executable, __file__, "--worker", str(data_dir), str(start)],
                                   stdout=subprocess.PIPE, text=True, env=env)
        current = None
        for line in process.stdout:
            message = json.loads(line)
            if message.get("start"):
                current = message["index"]
            else:
                results[message["index"]] = message
                current = None
        code = process.wait()
        if current is None:
            if code != 0:
                raise SystemExit(f"harness worker failed with status {code} outside an op")
            break
        results[current] = {"index": current, "status": "crash", "detail": f"worker died (status {code})",
                            "samples": 0}
        start = current + 1
    report = []
    for index, op in enumerate(ops):
        if index not in results:
            continue
        runnable = any("output" in s for s in op["samples"]) or any("unserializable" in s for s in op["samples"])
        if not runnable:
            continue  # torch cannot run it on the CPU: not counted
        r = results[index]
        key = op["name"] + (f"[{op['variant']}]" if op["variant"] else "")
        unchecked = sum(1 for s in op["samples"] if s.get("too_large"))
        entry = {"op": key, "namespace": namespace(op["name"]), "status": r["status"],
                 "detail": r["detail"], "samples": r["samples"], "unchecked": unchecked}
        if r.get("inplace") and r["inplace"][2] or (r.get("inplace") and r["inplace"][0] == "missing"):
            entry["inplace"] = {"name": op["inplace"], "status": r["inplace"][0], "detail": r["inplace"][1]}
        elif r["status"] == "crash" and op.get("inplace"):
            entry["inplace"] = {"name": op["inplace"], "status": "crash", "detail": r["detail"]}
        report.append(entry)
    return meta, report


def summary(meta, report):
    lines = []
    by_ns = collections.defaultdict(collections.Counter)
    for r in report:
        by_ns[r["namespace"]][r["status"]] += 1
        by_ns["all"][r["status"]] += 1
    order = ["torch", "nn.functional", "linalg", "special", "fft", "masked", "signal", "sparse", "torch.ops", "all"]
    lines.append("| namespace | OpInfos | pass | rate | wrong | raises | missing | crash |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for ns in order:
        c = by_ns.get(ns)
        if not c:
            continue
        total = sum(c.values())
        name = "**all**" if ns == "all" else ("torch.*" if ns == "torch" else ns if ns.startswith("torch.") else f"torch.{ns}")
        lines.append(f"| {name} | {total} | {c['pass']} | {100 * c['pass'] / total:.1f}% | {c['wrong']} | "
                     f"{c['raises']} | {c['missing']} | {c['crash']} |")
    variants = [r["inplace"] for r in report if "inplace" in r]
    if variants:
        c = collections.Counter(v["status"] for v in variants)
        lines.append("")
        lines.append(f"In-place variants (Tensor.abs_, ...) of these OpInfos, on the same samples: {c['pass']} of "
                     f"{len(variants)} pass ({c['wrong']} wrong, {c['raises']} raise, {c['missing']} missing, "
                     f"{c['crash']} crash).")
    return "\n".join(lines)


def causes(report, limit=25):
    counter = collections.Counter()
    for r in report:
        if r["status"] in ("raises", "missing"):
            detail = r["detail"].split(":")[0] if r["status"] == "missing" else r["detail"][:70]
            counter[(r["status"], detail)] += 1
    return counter.most_common(limit)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(pathlib.Path(sys.argv[2]), int(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default=str(HERE / "data"))
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--json", help="write the per-OpInfo status here")
    parser.add_argument("--readme", help="put the table into this README between the opdb markers")
    parser.add_argument("--verbose", action="store_true", help="list every failing OpInfo")
    parser.add_argument("--check", help="fail on any wrong result or crash, and on any OpInfo that passes "
                                        "in this status file but not now")
    args = parser.parse_args()
    meta, report = run_all(pathlib.Path(args.data), args.only)
    table = summary(meta, report)
    print(f"PyTorch {meta['torch']} op_db, {meta['dtype']} on the CPU:")
    print(table)
    print("\nmost common causes of failure:")
    for (status, detail), n in causes(report):
        print(f"  {n:4d}  {status}: {detail}")
    wrong = [r for r in report if r["status"] in ("wrong", "crash")]
    wrong_inplace = [r for r in report if r.get("inplace", {}).get("status") in ("wrong", "crash")]
    for r in wrong:
        print(f"  {r['status'].upper()}: {r['op']}: {r['detail']}")
    for r in wrong_inplace:
        print(f"  {r['inplace']['status'].upper()}: {r['inplace']['name']} ({r['op']}): {r['inplace']['detail']}")
    if args.verbose:
        for r in report:
            if r["status"] != "pass":
                print(f"  {r['status']:8s} {r['op']}: {r['detail'][:150]}")
            if r.get("inplace", {}).get("status", "pass") != "pass":
                print(f"  {r['inplace']['status']:8s} {r['inplace']['name']} ({r['op']}): {r['inplace']['detail'][:150]}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(
            {"torch": meta["torch"], "ops": {r["op"]: r["status"] for r in report},
             "inplace": {r["op"]: [r["inplace"]["name"], r["inplace"]["status"]] for r in report if "inplace" in r}},
            indent=0, sort_keys=True) + "\n")
    failures = []
    if args.check:
        before = json.loads(pathlib.Path(args.check).read_text())["ops"]
        now = {r["op"]: r for r in report}
        failures += [f"{r['op']} gives a {r['status']} result: {r['detail']}" for r in wrong]
        failures += [f"{r['inplace']['name']} ({r['op']}) gives a {r['inplace']['status']} result: "
                     f"{r['inplace']['detail']}" for r in wrong_inplace]
        failures += [f"{name} passed before and is now {now[name]['status']}: {now[name]['detail']}"
                     for name, status in sorted(before.items())
                     if status == "pass" and name in now and now[name]["status"] != "pass"]
        before_inplace = json.loads(pathlib.Path(args.check).read_text()).get("inplace", {})
        failures += [f"{method} ({name}) passed before and is now {now[name]['inplace']['status']}: "
                     f"{now[name]['inplace']['detail']}"
                     for name, (method, status) in sorted(before_inplace.items())
                     if status == "pass" and name in now and now[name].get("inplace", {}).get("status") != "pass"]
        for f in failures:
            print("FAIL:", f)
        passed = sum(r["status"] == "pass" for r in report)
        print(f"op_db check: {passed} of {len(report)} OpInfos pass; {len(failures)} failure(s)")
    if args.readme:
        path = pathlib.Path(args.readme)
        text = path.read_text()
        begin, end = "<!-- opdb table begin -->", "<!-- opdb table end -->"
        if begin in text:
            head, rest = text.split(begin)
            text = head + begin + "\n" + table + "\n" + end + rest.split(end)[1]
            path.write_text(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
