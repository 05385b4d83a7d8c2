"""Runs the benchmark workloads through the C ABI (bench), through Python on swiftgrad, on
PyTorch when a Python with torch is available, and W1/W1b on libtorch's C++ API (the anchor
benchmarks/libtorch_anchor.cpp, built by the Makefile), each workload in several fresh processes
per implementation taking turns, plus the machine's own limits, the RSS of a 10,000-step
training loop (rss_steady.py) and the scaling picture (scaling.py); prints one Markdown table
and, with --readme, puts it in README.md.

    python benchmarks/run.py --bench build/bin/bench [--torch-python PY] [--libtorch-anchor BIN]
                             [--runs N] [--readme README.md]
"""
import argparse
import json
import os
import pathlib
import platform
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORKLOADS = pathlib.Path(__file__).resolve().parent / "workloads.py"

# name, description, unit, scale from seconds to the unit
ROWS = [
    ("W1", "chapter's f(a) on a 0-d tensor, forward + backward", "µs", 1e6),
    ("W1b", "1,000-op chain on 4 elements + backward, per op", "µs/op", 1e6 / 1000),
    ("W2", "(x * x * 2).sum().backward(), 2^24 float32", "ms", 1e3),
    ("W3", "SGD step, 784-512-10 ReLU MLP, batch 256", "ms", 1e3),
    ("W4", "1024^3 float32 matmul", "ms", 1e3),
    ("W5", "LeNet training step, batch 256 of 1x28x28, SGD momentum", "ms", 1e3),
    ("W6", "TransformerEncoderLayer(256, 4, 1024) fwd+bwd, 16 x 128 tokens, causal", "ms", 1e3),
]
# Workloads that bench.c also runs through the C ABI (the others are Python-level models).
C_WORKLOADS = {"W1", "W1b", "W2", "W3", "W4"}
# Workloads that benchmarks/libtorch_anchor.cpp runs on libtorch's C++ API.
ANCHOR_WORKLOADS = {"W1", "W1b"}


def run_json(command, env=None):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


RUNS = 5


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def median_of_interleaved(commands, runs=RUNS):
    """For each named command (a list, or a (list, env) pair; None is skipped), `runs` separate
    processes, the commands taking turns (so that a slow spell of a shared machine falls on all
    of them rather than on whichever ran then). Each process reports the median of its own
    repeats; the result per command is the median over its processes of the time and of the
    peak-RSS rise, with every process's time kept in "all_seconds"."""
    runs_by_key = {key: [] for key in commands}
    for _ in range(runs):
        for key, command in commands.items():
            if command is None:
                continue
            argv, env = command if isinstance(command, tuple) else (command, None)
            runs_by_key[key].append(run_json(argv, env))
    summary = {}
    for key, results in runs_by_key.items():
        if not results:
            summary[key] = None
            continue
        merged = dict(results[0])
        if "seconds" in merged:
            merged["all_seconds"] = [r["seconds"] for r in results]
            merged["seconds"] = median(merged["all_seconds"])
        if "peak_rss_mb" in merged:
            merged["rss_rise_mb"] = median([r["peak_rss_mb"] - r["rss_before_mb"] for r in results])
        for rate in ("gflops", "one_core_gbs", "all_cores_gbs"):
            if rate in merged:
                merged[rate] = median([r[rate] for r in results])
        summary[key] = merged
    return summary


def torch_version(python):
    if not python:
        return None
    result = subprocess.run([python, "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def machine():
    model = "unknown CPU"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", pathlib.Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    blas = subprocess.run(["pkg-config", "--modversion", "openblas"], capture_output=True, text=True).stdout.strip()
    return f"{model}, {os.cpu_count()} cores{memory}, Linux {platform.release()}, OpenBLAS {blas or '?'}"


def fmt(value, digits=3):
    if value is None:
        return "–"
    return f"{value:.{digits}g}" if value < 100 else f"{value:.0f}"


def distributed_rows(env):
    """DistributedDataParallel's step on 2 processes against one process on the whole batch, and
    the share of its all-reduces hidden behind backward (benchmarks/distributed.py), when mpirun
    and mpi4py are there."""
    if shutil.which("mpirun") is None:
        return ["(no mpirun: the DistributedDataParallel row was not measured; `make test-distributed` installs Open MPI)"]
    if subprocess.run([sys.executable, "-c", "import mpi4py"], capture_output=True).returncode != 0:
        return ["(no mpi4py in this Python: the DistributedDataParallel row was not measured; "
                "`make test-distributed` installs it)"]
    print("running DDP ...", file=sys.stderr)
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "distributed.py"), "5"], env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"benchmarks/distributed.py failed:\n{result.stderr.strip()}")
    table = [line for line in result.stdout.splitlines() if line.startswith("|")]
    return ["DistributedDataParallel over MPI on this machine's 2 cores (`benchmarks/distributed.py`, "
            "medians of 5 runs): the step on 2 processes of 128 samples each against one process on all "
            "256, and how much of the all-reduce time DDP hides behind backward.", "", *table]


# W2's memory-bandwidth bound: the eager op sequence of (x * x * 2).sum().backward() (PyTorch's
# derivative formulas, which swiftgrad's backward rules follow), each op reading each distinct
# input tensor once and writing its output once, in elements of x (a 0-d tensor or a broadcast
# view of one counts nothing): (op, elements read, elements written).
W2_OPS = [
    ("t = x * x", 1, 1),
    ("u = t * 2", 1, 1),
    ("s = u.sum()", 1, 0),
    ("backward of sum: ones broadcast from the 0-d gradient (a view)", 0, 0),
    ("backward of * 2: g = ones * 2", 0, 1),
    ("backward of x * x, first operand: g * x", 2, 1),
    ("backward of x * x, second operand: g * x", 2, 1),
    ("the two gradients of x summed", 2, 1),
]
W2_ELEMENTS = 2**24


def w2_bound_bytes():
    return sum(r + w for _, r, w in W2_OPS) * W2_ELEMENTS * 4


def rss_steady_line(torch_python, env, steps=10_000):
    """benchmarks/rss_steady.py on swiftgrad (and PyTorch): RSS of a 10,000-step W3 loop."""
    script = str(ROOT / "benchmarks" / "rss_steady.py")
    runs = {"swiftgrad": ([sys.executable, script, "swiftgrad", str(steps)], env)}
    if torch_python:
        runs["PyTorch"] = ([torch_python, script, "torch", str(steps)], None)
    parts = []
    growth_ok = None
    for label, (argv, run_env) in runs.items():
        print(f"running rss_steady ({label}) ...", file=sys.stderr)
        r = run_json(argv, run_env)
        samples = [r["rss_mb"][str(k)] for k in (steps // 10, steps // 2, steps)]
        growth = samples[2] - samples[0]
        if label == "swiftgrad":
            growth_ok = growth <= RSS_FLAT_MIB
        parts.append(f"{label} {samples[0]:.1f} / {samples[1]:.1f} / {samples[2]:.1f} MiB "
                     f"({growth:+.2f} MiB from step {steps // 10:,} to {steps:,})")
    return (f"RSS of a training loop (`benchmarks/rss_steady.py`: W3's MLP from Python, {steps:,} SGD steps, "
            f"RSS at steps {steps // 10:,} / {steps // 2:,} / {steps:,}): {'; '.join(parts)}. Flat (swiftgrad's growth ≤ "
            f"{RSS_FLAT_MIB:g} MiB): {'yes' if growth_ok else 'no'}.")


RSS_FLAT_MIB = 1.0


def scaling_lines(args, torch_python, env):
    """benchmarks/scaling.py: the picture, and its two sentences for the README. It measures the
    machine's rates for its bounds itself, around its own runs."""
    print("running scaling ...", file=sys.stderr)
    argv = [sys.executable, str(ROOT / "benchmarks" / "scaling.py"), "--bench", args.bench,
            "--out", str(ROOT / "build" / "bench" / "scaling.svg")]
    if torch_python:
        argv += ["--torch-python", torch_python]
    if args.readme:
        argv += ["--copy", str(ROOT / "benchmarks" / "scaling.svg")]
    summary = run_json(argv, env)
    return ["![Time per op against tensor size, swiftgrad and PyTorch, with the bandwidth and FLOP bounds]"
            "(benchmarks/scaling.svg)", "", summary["text"]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=str(ROOT / "build" / "bin" / "bench"))
    parser.add_argument("--torch-python", default=os.environ.get("TORCH_PYTHON", ""))
    parser.add_argument("--libtorch-anchor", help="the built benchmarks/libtorch_anchor.cpp")
    parser.add_argument("--libtorch-log", help="its build log, present when the build failed")
    parser.add_argument("--runs", type=int, default=RUNS, help="processes per workload and implementation")
    parser.add_argument("--only", help="comma-separated workloads to run (a quick look; skips the rest)")
    parser.add_argument("--no-extras", action="store_true", help="skip DDP, the RSS loop and the scaling picture")
    parser.add_argument("--rss-steps", type=int, default=10_000, help="steps of the RSS loop (a quick look: fewer)")
    parser.add_argument("--readme")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    env = dict(os.environ, PYTHONPATH=str(ROOT / "bindings" / "python"))
    torch_python = args.torch_python or None
    version = torch_version(torch_python)
    if torch_python and version is None:
        print(f"note: {torch_python} cannot import torch; PyTorch columns are left empty", file=sys.stderr)
        torch_python = None

    anchor, anchor_note = None, None
    if torch_python:
        if args.libtorch_anchor and os.access(args.libtorch_anchor, os.X_OK):
            anchor = args.libtorch_anchor
        else:
            reason = "not built"
            if args.libtorch_log and os.path.exists(args.libtorch_log):
                errors = [line.strip() for line in pathlib.Path(args.libtorch_log).read_text(errors="replace").splitlines()
                          if "error" in line.lower() or "cannot" in line.lower()]
                reason = f"its build failed ({errors[0][:200] if errors else 'see ' + args.libtorch_log})"
            anchor_note = f"The libtorch C++ anchor (`benchmarks/libtorch_anchor.cpp`) was not measured: {reason}."
    elif args.libtorch_anchor:
        anchor_note = "The libtorch C++ anchor was not measured: no Python with torch."

    rows = [row for row in ROWS if not args.only or row[0] in args.only.split(",")]
    results = {}
    for name, *_ in rows:
        print(f"running {name} ({args.runs} rounds) ...", file=sys.stderr)
        commands = {
            "c": [args.bench, name] if name in C_WORKLOADS else None,
            "libtorch": [anchor, name] if anchor and name in ANCHOR_WORKLOADS else None,
            "python": ([sys.executable, str(WORKLOADS), "swiftgrad", name], env),
            "torch": [torch_python, str(WORKLOADS), "torch", name] if torch_python else None,
        }
        if name == "W4":
            # The direct sgemm rate W4 is held to, measured in turn with it.
            commands["sgemm"] = [args.bench, "sgemm"]
        if name == "W2":
            # Likewise the STREAM rate behind W2's bandwidth bound.
            commands["stream"] = [args.bench, "stream"]
        if name == "W3":
            # And W3's matrix products alone through the same BLAS: the floor under its step.
            commands["w3_products"] = [args.bench, "w3_products"]
        results[name] = median_of_interleaved(commands, args.runs)
    # The machine's rates: medians of the runs taken in turn with W2 and W4, else of 3 runs now.
    if "W4" in results:
        sgemm_gflops = results["W4"]["sgemm"]["gflops"]
    else:
        sgemm_gflops = median([run_json([args.bench, "sgemm"])["gflops"] for _ in range(3)])
    if "W2" in results:
        stream = results["W2"]["stream"]
    else:
        streams = [run_json([args.bench, "stream"]) for _ in range(3)]
        stream = {key: median([s[key] for s in streams]) for key in ("one_core_gbs", "all_cores_gbs")}

    def seconds(name, impl):
        r = results[name][impl]
        return r["seconds"] if r else None

    def peak(name, impl):
        r = results[name][impl]
        return r["rss_rise_mb"] if r else None

    def ratio(a, b):
        return a / b if a is not None and b else None

    bound_ms = w2_bound_bytes() / (stream["all_cores_gbs"] * 1e9) * 1e3
    lines = [
        f"Machine: {machine()}. PyTorch: {version or 'not measured'}. "
        f"Machine limits in the same run (medians of the runs taken in turn with W2 and W4): STREAM triad "
        f"{stream['one_core_gbs']:.1f} GB/s on one core, {stream['all_cores_gbs']:.1f} GB/s on all; "
        f"OpenBLAS `cblas_sgemm` called directly {sgemm_gflops:.0f} GFLOP/s (1024^3).",
        "",
        "| Workload | unit | swiftgrad C | libtorch C++ | C ÷ libtorch | swiftgrad Python | PyTorch Python | "
        "Python ÷ PyTorch | target | met | peak RSS MiB (C / Py / torch) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def within(value, limit):
        return None if value is None or limit is None else value <= limit

    def verdict(checks):
        """yes when every check holds, no when one fails, – when one cannot be made."""
        if any(c is False for c in checks):
            return "no"
        return "–" if any(c is None for c in checks) else "yes"

    def times(value):
        return f"{value:.2f}×" if value is not None else "–"

    for name, description, unit, scale in rows:
        c, lt, py, pt = (seconds(name, k) for k in ("c", "libtorch", "python", "torch"))
        py_ratio, c_ratio = ratio(py, pt), ratio(c, lt)
        rss_ok = within(peak(name, "python"), peak(name, "torch"))
        if name == "W1":
            target, checks = "C ≤ 0.07× libtorch, Py ≤ 0.20× PyTorch", [within(c_ratio, 0.07), within(py_ratio, 0.20)]
        elif name == "W1b":
            target, checks = "C ≤ 1/16 libtorch, Py ≤ 0.20× PyTorch", [within(c_ratio, 1 / 16), within(py_ratio, 0.20)]
        elif name == "W2":
            target = (f"Py ≤ 0.30× PyTorch; ≤ 1.3× the bandwidth bound, {bound_ms:.1f} ms "
                      f"(C {times(ratio(c * 1e3, bound_ms))}, Py {times(ratio(py * 1e3, bound_ms))}); "
                      "peak RSS ≤ PyTorch's")
            checks = [within(py_ratio, 0.30), within(c * 1e3, 1.3 * bound_ms), within(py * 1e3, 1.3 * bound_ms), rss_ok]
        elif name == "W3":
            products = results[name]["w3_products"]["seconds"]
            target = (f"Py ≤ 0.70× PyTorch, peak RSS ≤ PyTorch's (the step's matrix products alone, "
                      f"direct sgemm: {products * 1e3:.2f} ms, {fmt(ratio(products, pt), 2) if pt else '–'}× PyTorch's step)")
            checks = [within(py_ratio, 0.70), rss_ok]
        elif name == "W4":
            flops = 2 * 1024**3
            c_share, py_share = flops / c / 1e9 / sgemm_gflops, flops / py / 1e9 / sgemm_gflops
            target = f"≥ 95% of direct sgemm's speed (C {c_share:.0%}, Py {py_share:.0%})"
            checks = [c_share >= 0.95, py_share >= 0.95]
        elif name == "W5":
            target, checks = "Py ≤ 0.8× PyTorch, peak RSS ≤ PyTorch's", [within(py_ratio, 0.8), rss_ok]
        else:
            target, checks = "Py ≤ 1× PyTorch", [within(py_ratio, 1)]
        rss = " / ".join(fmt(peak(name, k), 3) for k in ("c", "python", "torch"))
        lines.append(
            f"| {name}: {description} | {unit} | {fmt(c * scale if c else None)} | {fmt(lt * scale if lt else None)} | "
            f"{fmt(c_ratio, 2) if c_ratio else '–'} | {fmt(py * scale)} | {fmt(pt * scale if pt else None)} | "
            f"{fmt(py_ratio, 2) if py_ratio else '–'} | {target} | {verdict(checks)} | {rss} |")
    lines.append("")
    spreads = []
    for impl, label in (("c", "C"), ("libtorch", "libtorch"), ("python", "Py"), ("torch", "PyTorch")):
        worst = max(((max(r[impl]["all_seconds"]) / min(r[impl]["all_seconds"]) - 1, name)
                     for name, r in results.items() if r.get(impl)), default=None)
        if worst:
            spreads.append(f"{label} {worst[0]:.0%} ({worst[1]})")
    lines.append(
        f"Times are medians over {args.runs} processes per workload and implementation, the implementations "
        "(and for W2 the STREAM triad, for W3 its products through direct sgemm, for W4 the direct sgemm) taking turns; each process's own figure is the median of at least a "
        "second of repeated runs after a tenth as many warm-up runs. Ratios are ratios of those medians. Largest "
        f"spread between one implementation's processes (slowest ÷ fastest − 1): {', '.join(spreads)}. "
        "Peak RSS is the median rise over the process's resident memory before the workload (imports excluded).")
    if anchor_note:
        lines += ["", anchor_note]
    if not args.no_extras:
        lines += ["", rss_steady_line(torch_python, env, args.rss_steps)]
        lines += ["", *scaling_lines(args, torch_python, env)]
        lines += ["", *distributed_rows(env)]
    table = "\n".join(lines)
    print(table)
    if args.readme:
        readme = pathlib.Path(args.readme)
        text = readme.read_text()
        begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
        if begin not in text or end not in text:
            raise SystemExit(f"{readme} has no {begin} ... {end} section")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        readme.write_text(f"{head}{begin}\n{table}\n{end}{tail}")
        print(f"updated {readme}", file=sys.stderr)


if __name__ == "__main__":
    main()
