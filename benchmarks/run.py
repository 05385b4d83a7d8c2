"""Runs the benchmark workloads through the C ABI (bench), through Python on swiftgrad, and on
PyTorch when a Python with torch is available, each workload in a fresh process, plus the
machine's own limits; prints one Markdown table and, with --readme, puts it in README.md.

    python benchmarks/run.py --bench build/bin/bench [--torch-python PY] [--readme README.md]
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


def run_json(command, env=None):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


RUNS = 3


def best_of_interleaved(commands, runs=RUNS):
    """For each named command (a list, or a (list, env) pair; None is skipped), the run with the
    lowest median time of `runs` separate processes (the machine's other activity only ever
    slows a run down). The commands take turns, so that a slow spell of a shared machine falls
    on all of them rather than on whichever ran then, and the ratios between them hold."""
    best = {}
    for _ in range(runs):
        for key, command in commands.items():
            if command is None:
                continue
            argv, env = command if isinstance(command, tuple) else (command, None)
            result = run_json(argv, env)
            if key not in best or result["seconds"] < best[key]["seconds"]:
                best[key] = result
    return {key: best.get(key) for key in commands}


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
    is there."""
    if shutil.which("mpirun") is None:
        return ["(no mpirun: the DistributedDataParallel row was not measured; `make test-distributed` installs Open MPI)"]
    print("running DDP ...", file=sys.stderr)
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "distributed.py"), "5"], env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"benchmarks/distributed.py failed:\n{result.stderr.strip()}")
    table = [line for line in result.stdout.splitlines() if line.startswith("|")]
    return ["DistributedDataParallel over MPI on this machine's 2 cores (`benchmarks/distributed.py`, "
            "medians of 5 runs): the step on 2 processes of 128 samples each against one process on all "
            "256, and how much of the all-reduce time DDP hides behind backward.", "", *table]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", default=str(ROOT / "build" / "bin" / "bench"))
    parser.add_argument("--torch-python", default=os.environ.get("TORCH_PYTHON", ""))
    parser.add_argument("--readme")
    args = parser.parse_args()

    env = dict(os.environ, PYTHONPATH=str(ROOT / "bindings" / "python"))
    torch_python = args.torch_python or None
    version = torch_version(torch_python)
    if torch_python and version is None:
        print(f"note: {torch_python} cannot import torch; PyTorch columns are left empty", file=sys.stderr)
        torch_python = None

    stream = max((run_json([args.bench, "stream"]) for _ in range(2)), key=lambda r: r["one_core_gbs"])
    results = {}
    for name, *_ in ROWS:
        print(f"running {name} ...", file=sys.stderr)
        commands = {
            "c": [args.bench, name] if name in C_WORKLOADS else None,
            "python": ([sys.executable, str(WORKLOADS), "swiftgrad", name], env),
            "torch": [torch_python, str(WORKLOADS), "torch", name] if torch_python else None,
        }
        if name == "W4":
            # The direct sgemm rate W4 is held to, measured in turn with it.
            commands["sgemm"] = [args.bench, "sgemm"]
        results[name] = best_of_interleaved(commands)
    sgemm = results["W4"]["sgemm"]

    def seconds(name, impl):
        r = results[name][impl]
        return r["seconds"] if r else None

    def peak(name, impl):
        r = results[name][impl]
        return r["peak_rss_mb"] - r["rss_before_mb"] if r else None

    lines = [
        f"Machine: {machine()}. PyTorch: {version or 'not measured'}. "
        f"Machine limits in the same run: STREAM triad {stream['one_core_gbs']:.1f} GB/s on one core, "
        f"{stream['all_cores_gbs']:.1f} GB/s on all; OpenBLAS `cblas_sgemm` called directly "
        f"{sgemm['gflops']:.0f} GFLOP/s (1024^3).",
        "",
        "| Workload | unit | swiftgrad C | swiftgrad Python | PyTorch Python | Python ÷ PyTorch | target | met | peak RSS MiB (C / Py / torch) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    def within(value, limit):
        return None if value is None else value <= limit

    def verdict(checks):
        """yes when every check holds, no when one fails, – when one cannot be made."""
        if any(c is False for c in checks):
            return "no"
        return "–" if any(c is None for c in checks) else "yes"

    for name, description, unit, scale in ROWS:
        c, py, pt = (seconds(name, k) for k in ("c", "python", "torch"))
        ratio = py / pt if pt else None
        if name == "W1":
            target, checks = "Py ≤ ⅓ PyTorch", [within(ratio, 1 / 3)]
        elif name == "W1b":
            target, checks = "C ≤ 0.5 µs/op, Py ≤ ⅓ PyTorch", [c * scale <= 0.5, within(ratio, 1 / 3)]
        elif name == "W2":
            target = "≤ ½ PyTorch, peak RSS ≤ PyTorch's"
            checks = [within(ratio, 0.5), within(c / pt if pt else None, 0.5),
                      within(peak(name, "python"), peak(name, "torch") if pt else None) if pt else None]
        elif name == "W3":
            target, checks = "Py ≤ PyTorch", [within(ratio, 1)]
        elif name == "W5":
            target, checks = "Py ≤ 0.8 PyTorch", [within(ratio, 0.8)]
        elif name == "W6":
            target, checks = "Py ≤ PyTorch", [within(ratio, 1)]
        else:
            flops = 2 * 1024**3
            c_share, py_share = flops / c / 1e9 / sgemm["gflops"], flops / py / 1e9 / sgemm["gflops"]
            target = f"≥ 90% of direct sgemm (C {c_share:.0%}, Py {py_share:.0%})"
            checks = [c_share >= 0.9, py_share >= 0.9]
        rss = " / ".join(fmt(peak(name, k), 3) for k in ("c", "python", "torch"))
        lines.append(
            f"| {name}: {description} | {unit} | {fmt(c * scale if c else None)} | {fmt(py * scale)} | "
            f"{fmt(pt * scale if pt else None)} | {fmt(ratio, 2) if ratio else '–'} | {target} | "
            f"{verdict(checks)} | {rss} |")
    lines.append("")
    lines.append(f"Times are medians of at least a second of repeated runs, the best of {RUNS} processes per "
                 "workload and implementation, the implementations (and for W4 the direct sgemm) taking turns; "
                 "peak RSS is the rise over the process's resident memory before the workload (imports excluded).")
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
