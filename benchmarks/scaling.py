"""Time per op against tensor size, swiftgrad and PyTorch side by side, as a picture.

For float32 tensors of 1, 4, 16, ..., 2^24 elements this times add, mul, exp, a full sum, a
matmul (n x n with n^2 the size, up to n = 2048 or until one call takes over 0.3 s) and a
forward + backward ((x * x).sum().backward()), through swiftgrad's Python API and, with
--torch-python, through PyTorch's (in a subprocess each: `scaling.py --worker swiftgrad|torch`).
Each point is the median of repeated batches of calls (batches of at least 0.2 ms, at least 5 of
them and about 0.1 s in all). It then draws build/bench/scaling.svg by hand: one log-log panel
per op with both libraries and the op's bound, time = bytes / the STREAM triad rate of all cores
for the elementwise ops, the sum and forward + backward (the bytes each op reads and writes once,
counted as for W2 in run.py), time = 2 n^3 / the direct sgemm rate for matmul, both rates the
best of runs of `bench stream` / `bench sgemm` before, between and after the workers. The SVG
is parsed back (xml.etree) before it is kept.

    python scaling.py [--torch-python PY] [--stream-gbs GBS] [--sgemm-gflops GFLOPS]
                      [--bench build/bin/bench] [--out build/bench/scaling.svg] [--copy PATH]

The last line printed is JSON: the measured points, the bounds and "text", two sentences on where
swiftgrad's fixed per-op cost ends and the kernel cost begins, derived from the points.
"""
import argparse
import json
import math
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[1]
SIZES = [4**k for k in range(13)]  # 1 .. 2^24
MATMUL_MAX_N = 2048
SLOW = 0.3  # seconds: a matmul slower than this ends the matmul series

# op -> (title, bytes read and written per element under the one-pass-per-op count, or None for
# matmul's FLOP bound). add and mul read two operands and write one; exp reads one and writes
# one; sum reads one; (x * x).sum().backward() as in run.py's W2_OPS: x * x (read 1, write 1),
# sum (read 1), the sum's gradient a broadcast view, the two products g * x of mul's backward
# (each read 1, since g is a broadcast 0-d tensor, write 1) and their sum (read 2, write 1).
OPS = {
    "add": ("add: a + b", 12),
    "mul": ("mul: a * b", 12),
    "exp": ("exp: a.exp()", 8),
    "sum": ("sum: a.sum() (full)", 4),
    "matmul": ("matmul: (n×n) @ (n×n), size n²", None),
    "fwdbwd": ("(x * x).sum().backward()", 40),
}


# ---- measuring (the worker, in the library's own process) ----

def time_call(fn, budget=0.1):
    """Median seconds per call of fn over batches of calls."""
    fn()
    start = time.perf_counter()
    fn()
    single = max(time.perf_counter() - start, 1e-9)
    per_batch = max(1, int(2e-4 / single))
    batches = max(5, min(51, int(budget / (per_batch * single))))
    times = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(per_batch):
            fn()
        times.append((time.perf_counter() - start) / per_batch)
    return statistics.median(times)


def worker(backend):
    if backend == "torch":
        import torch
    else:
        import swiftgrad as torch
    torch.manual_seed(0)
    points = {op: [] for op in OPS}
    for size in SIZES:
        a, b = torch.rand(size), torch.rand(size)
        points["add"].append([size, time_call(lambda: a + b)])
        points["mul"].append([size, time_call(lambda: a * b)])
        points["exp"].append([size, time_call(lambda: a.exp())])
        points["sum"].append([size, time_call(lambda: a.sum())])
        x = torch.rand(size, requires_grad=True)

        def forward_backward():
            (x * x).sum().backward()
            x.grad = None
        points["fwdbwd"].append([size, time_call(forward_backward)])
        del a, b, x
    for size in SIZES:
        n = math.isqrt(size)
        if n > MATMUL_MAX_N:
            break
        A, B = torch.rand(n, n), torch.rand(n, n)
        seconds = time_call(lambda: A @ B)
        points["matmul"].append([size, seconds])
        if seconds > SLOW:
            break
    print(json.dumps({"impl": backend, "points": points}))


# ---- drawing ----

COLORS = {"swiftgrad": "#1f63b4", "PyTorch": "#e8710a", "bound": "#555555"}
PANEL_W, PANEL_H = 330, 230
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 62, 14, 28, 40
COLS = 3
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def time_label(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale * 0.999:
            return f"{seconds / scale:.0f} {unit}"
    return f"{seconds * 1e9:.1g} ns"


def power_of_two(size):
    return "1" if size == 1 else f"2{str(round(math.log2(size))).translate(SUPERSCRIPT)}"


def bound_seconds(op, size, stream_gbs, sgemm_gflops):
    if op == "matmul":
        n = math.sqrt(size)
        return 2 * n**3 / (sgemm_gflops * 1e9) if sgemm_gflops else None
    return OPS[op][1] * size / (stream_gbs * 1e9) if stream_gbs else None


def panel(op, index, series, stream_gbs, sgemm_gflops, knee):
    """One panel's SVG elements: frame, decade ticks, the bound, each library's points."""
    col, row = index % COLS, index // COLS
    x0, y0 = col * PANEL_W + MARGIN_L, 40 + row * PANEL_H + MARGIN_T
    w, h = PANEL_W - MARGIN_L - MARGIN_R, PANEL_H - MARGIN_T - MARGIN_B
    values = [t for pts in series.values() for _, t in pts]
    sizes = [s for pts in series.values() for s, _ in pts]
    lo_y = 10 ** math.floor(math.log10(min(values)))
    hi_y = 10 ** math.ceil(math.log10(max(values)))
    if hi_y / lo_y < 100:
        hi_y = lo_y * 100
    hi_x = max(sizes)

    def px(size):
        return x0 + w * math.log10(size) / math.log10(hi_x) if hi_x > 1 else x0

    def py(seconds):
        return y0 + h - h * (math.log10(seconds) - math.log10(lo_y)) / (math.log10(hi_y) - math.log10(lo_y))

    out = [f'<g id="panel-{op}">',
           f'<text x="{x0 + w / 2:.1f}" y="{y0 - 10:.1f}" text-anchor="middle" font-weight="bold">{OPS[op][0]}</text>',
           f'<clipPath id="clip-{op}"><rect x="{x0}" y="{y0}" width="{w}" height="{h}"/></clipPath>',
           f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#000" stroke-width="0.8"/>']
    for k in range(0, int(math.log10(hi_x)) + 1):
        x = px(10**k)
        out.append(f'<line x1="{x:.1f}" y1="{y0 + h}" x2="{x:.1f}" y2="{y0 + h + 4}" stroke="#000"/>')
        out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + h}" stroke="#e4e4e4" stroke-width="0.6"/>')
        label = "1" if k == 0 else ("10" if k == 1 else f'10<tspan dy="-5" font-size="8">{k}</tspan>')
        out.append(f'<text x="{x:.1f}" y="{y0 + h + 15}" text-anchor="middle" font-size="10">{label}</text>')
    k = round(math.log10(lo_y))
    while 10**k <= hi_y * 1.001:
        y = py(10**k)
        out.append(f'<line x1="{x0 - 4}" y1="{y:.1f}" x2="{x0}" y2="{y:.1f}" stroke="#000"/>')
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + w}" y2="{y:.1f}" stroke="#e4e4e4" stroke-width="0.6"/>')
        out.append(f'<text x="{x0 - 7}" y="{y + 3:.1f}" text-anchor="end" font-size="10">{time_label(10**k)}</text>')
        k += 1
    out.append(f'<text x="{x0 + w / 2:.1f}" y="{y0 + h + 31}" text-anchor="middle" font-size="10">'
               'elements (float32)</text>')
    # The bound: a straight line in log-log; drawn over the whole x range, clipped to the panel.
    b_lo, b_hi = bound_seconds(op, 1, stream_gbs, sgemm_gflops), bound_seconds(op, hi_x, stream_gbs, sgemm_gflops)
    if b_lo and b_hi:
        out.append(f'<line x1="{px(1):.1f}" y1="{py(b_lo):.1f}" x2="{px(hi_x):.1f}" y2="{py(b_hi):.1f}" '
                   f'stroke="{COLORS["bound"]}" stroke-width="1.2" stroke-dasharray="5,3" clip-path="url(#clip-{op})"/>')
    if knee:
        x = px(knee)
        out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + h}" stroke="{COLORS["swiftgrad"]}" '
                   'stroke-width="0.8" stroke-dasharray="1,2"/>')
    for name, pts in series.items():
        color = COLORS[name]
        path = " ".join(f"{px(s):.1f},{py(t):.1f}" for s, t in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.6"/>')
        out += [f'<circle cx="{px(s):.1f}" cy="{py(t):.1f}" r="2.2" fill="{color}"><title>{name} {op} '
                f'{s} elements: {time_label_exact(t)}</title></circle>' for s, t in pts]
    out.append("</g>")
    return out


def time_label_exact(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def draw(results, stream_gbs, sgemm_gflops, knees):
    rows = math.ceil(len(OPS) / COLS)
    width, height = COLS * PANEL_W, 40 + rows * PANEL_H + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="#fff"/>']
    legend = [(name, COLORS[name], None) for name in results]
    legend.append((f"bound: bytes / STREAM all cores ({stream_gbs:.1f} GB/s); matmul 2n³ / sgemm "
                   f"({sgemm_gflops:.0f} GFLOP/s)", COLORS["bound"], "5,3"))
    legend.append(("swiftgrad time = 2× its size-1 time", COLORS["swiftgrad"], "1,2"))
    x = 20
    for label, color, dash in legend:
        style = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" y1="20" x2="{x + 24}" y2="20" stroke="{color}" stroke-width="1.6"{style}/>')
        out.append(f'<text x="{x + 30}" y="24">{label}</text>')
        x += 40 + 6.2 * len(label)
    for index, op in enumerate(OPS):
        series = {name: pts[op] for name, pts in results.items() if pts.get(op)}
        out += panel(op, index, series, stream_gbs, sgemm_gflops, knees.get(op))
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---- reading the points ----

def crossing(points, factor):
    """The size (interpolated in log-log between measured sizes) where time first reaches
    `factor` times the size-1 time; None when it never does."""
    base = points[0][1]
    for (s0, t0), (s1, t1) in zip(points, points[1:]):
        if t1 >= factor * base:
            if t0 >= factor * base or t1 == t0:
                return s1
            f = (math.log(factor * base) - math.log(t0)) / (math.log(t1) - math.log(t0))
            return math.exp(math.log(s0) + f * (math.log(s1) - math.log(s0)))
    return None


NAMES = {"fwdbwd": "forward + backward"}


def listing(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def summary_text(results, stream_gbs, sgemm_gflops, knees):
    """Two sentences from swiftgrad's points: its one-element times and where each op's time
    reaches twice that (the fixed cost's end), then each op's time over its bound at the
    largest size measured (the kernel's cost)."""
    sg = results["swiftgrad"]
    ops = [op for op in OPS if sg.get(op)]
    ones = listing([f"{NAMES.get(op, op)} {sg[op][0][1] * 1e6:.3g} µs" for op in ops])
    groups = {}
    for op in ops:
        if op == "matmul":
            continue
        knee = knees.get(op)
        key = power_of_two(2 ** round(math.log2(knee))) if knee else None
        groups.setdefault(key, []).append(NAMES.get(op, op))
    where = [f"{key} elements for {listing(names)}" if key else f"beyond the largest size for {listing(names)}"
             for key, names in groups.items()]
    if "matmul" in ops:
        knee = knees.get("matmul")
        where.append(f"n² = {power_of_two(2 ** round(math.log2(knee)))} for matmul" if knee
                     else "beyond the largest n for matmul")
    first = (f"From Python, swiftgrad's fixed cost per op (its time on one element: {ones}) dominates "
             f"up to about {listing(where)}, where the time reaches twice the one-element time.")
    by_size, matmul = {}, None
    for op in ops:
        size, seconds = sg[op][-1]
        bound = bound_seconds(op, size, stream_gbs, sgemm_gflops)
        if not bound:
            continue
        if op == "matmul":
            matmul = f"matmul {seconds / bound:.2g}× its FLOP bound at n = {math.isqrt(size)}"
        else:
            by_size.setdefault(size, []).append(f"{NAMES.get(op, op)} {seconds / bound:.2g}×")
    over = [f"{listing(items)} its bandwidth bound at {power_of_two(size)} elements" for size, items in by_size.items()]
    if matmul:
        over.append(matmul)
    second = ("Above that the kernel's cost takes over: at the largest size measured the time is "
              f"{listing(over) if over else 'not compared with a bound (no machine rates)'}.")
    return f"{first} {second}"


def run_json(argv, env=None):
    result = subprocess.run(argv, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", choices=["swiftgrad", "torch"])
    parser.add_argument("--torch-python", default="")
    parser.add_argument("--stream-gbs", type=float,
                        help="STREAM triad GB/s on all cores (else the best of runs of --bench around the workers)")
    parser.add_argument("--sgemm-gflops", type=float,
                        help="direct cblas_sgemm GFLOP/s (else the best of runs of --bench around the workers)")
    parser.add_argument("--bench", default=str(ROOT / "build" / "bin" / "bench"))
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "scaling.svg"))
    parser.add_argument("--copy", help="also copy the picture here (make bench README=1: benchmarks/scaling.svg)")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)

    # The machine's rates are taken before, between and after the workers, and the best of them
    # drawn: a bound is what the machine can do, measured close in time to the points.
    streams, sgemms = [], []

    def rates():
        if not args.stream_gbs:
            streams.append(run_json([args.bench, "stream"])["all_cores_gbs"])
        if not args.sgemm_gflops:
            sgemms.append(run_json([args.bench, "sgemm"])["gflops"])

    env = dict(os.environ, PYTHONPATH=str(ROOT / "bindings" / "python"))
    rates()
    results = {"swiftgrad": run_json([sys.executable, __file__, "--worker", "swiftgrad"], env)["points"]}
    rates()
    if args.torch_python:
        results["PyTorch"] = run_json([args.torch_python, __file__, "--worker", "torch"])["points"]
        rates()
    stream_gbs = args.stream_gbs or max(streams)
    sgemm_gflops = args.sgemm_gflops or max(sgemms)
    knees = {op: crossing(pts, 2) for op, pts in results["swiftgrad"].items() if pts}

    svg = draw(results, stream_gbs, sgemm_gflops, knees)
    ET.fromstring(svg)  # raises ParseError if the picture is not well-formed XML
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(svg)
    if args.copy:
        shutil.copyfile(out, args.copy)
    print(f"wrote {out}" + (f" and {args.copy}" if args.copy else ""), file=sys.stderr)
    print(json.dumps({"stream_gbs": stream_gbs, "sgemm_gflops": sgemm_gflops, "points": results,
                      "knees": knees, "text": summary_text(results, stream_gbs, sgemm_gflops, knees)}))


if __name__ == "__main__":
    main()
