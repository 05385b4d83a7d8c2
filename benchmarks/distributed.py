"""DistributedDataParallel's step time on 2 processes (mpirun -np 2, batch 128 each) against one
process on the same total batch of 256, for an MLP 784-1024-1024-10 in float32 (1.86 M parameters,
7.5 MB of gradients; SGD with momentum), and how much of the gradient all-reduce DDP hides
behind backward:

    all-reduce alone   the all-reduces of DDP's buckets, run by themselves (blocking), per step
    exposed            how long the all-reduces still run once the last process has finished its
                       backward (up to the end of DDP's wait), per step
    hidden             1 - exposed / all-reduce alone

Medians over several runs of STEPS steps each. Each process uses one BLAS thread
(OPENBLAS_NUM_THREADS=1 and set_num_threads(1)): the 2 processes take the machine's 2 cores; the
one-process figure is given with 1 and with 2 threads. Prints one table row (markdown).

    PYTHONPATH=bindings/python python benchmarks/distributed.py [runs]

With --check-cost instead: what the check of each collective costs (swiftgrad.distributed
exchanges a fingerprint of every collective first; TORCH_DISTRIBUTED_DEBUG=OFF skips it):
all_reduce's median time on 2 processes with and without it, for three sizes.
"""
import os
import statistics
import subprocess
import sys
import time

SIZES = [784, 1024, 1024, 10]
BATCH = 256
STEPS = 10
WARMUP = 3


def build(torch, seed=0):
    torch.manual_seed(seed)
    nn = torch.nn
    layers = []
    for a, b in zip(SIZES, SIZES[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def step_times(torch, model, X, y, steps):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    times = []
    for k in range(WARMUP + steps):
        start = time.perf_counter()
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
        if k >= WARMUP:
            times.append(time.perf_counter() - start)
    return times


def data(torch, rows, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(rows, SIZES[0], generator=g), torch.randint(0, SIZES[-1], (rows,), generator=g)


def single(threads):
    import swiftgrad as torch
    torch.set_num_threads(threads)
    X, y = data(torch, BATCH, 0)
    print(statistics.median(step_times(torch, build(torch), X, y, STEPS)))


def worker():
    import swiftgrad as torch
    import swiftgrad.distributed as dist
    torch.set_num_threads(1)
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    X, y = data(torch, BATCH // world, 1 + rank)
    ddp = torch.nn.parallel.DistributedDataParallel(build(torch))
    spans = []  # per step: when this process started waiting for the all-reduces, when they were done
    wait = dist.Work.wait

    def timed_wait(self, timeout=None):  # only DDP's end-of-backward waits run during the steps
        start = time.perf_counter()
        try:
            return wait(self, timeout)
        finally:
            if ddp.reducer.buckets[0].work is self:
                spans.append([start, None])
            spans[-1][1] = time.perf_counter()
    dist.Work.wait = timed_wait
    dist.barrier()
    steps = step_times(torch, ddp, X, y, STEPS)
    dist.Work.wait = wait
    # perf_counter is CLOCK_MONOTONIC, one clock for the processes of a machine: what is left of
    # the all-reduces once the last process has finished its backward
    everyone = [None] * world
    dist.all_gather_object(everyone, spans[WARMUP:])
    exposed = statistics.median(max(s[k][1] for s in everyone) - max(s[k][0] for s in everyone)
                                for k in range(STEPS))
    # the same all-reduces by themselves
    flats = [b.flat.clone() for b in ddp.reducer.buckets]
    alone = []
    for _ in range(WARMUP + STEPS):
        dist.barrier()
        start = time.perf_counter()
        for f in flats:
            dist.all_reduce(f)
        alone.append(time.perf_counter() - start)
    alone = alone[WARMUP:]
    result = [statistics.median(steps), statistics.median(alone)]
    everyone = [None] * world
    dist.all_gather_object(everyone, result)
    if rank == 0:
        print(max(r[0] for r in everyone), exposed, max(r[1] for r in everyone), len(flats))
    dist.destroy_process_group()


def check_cost():
    import swiftgrad as torch
    import swiftgrad.distributed as dist
    dist.init_process_group("mpi")
    rows = []
    for n in (4, 1024, 262144):
        t = torch.ones(n)
        times = {}
        for level in (dist.DebugLevel.OFF, dist.DebugLevel.INFO) * 2:
            dist.set_debug_level(level)
            samples = []
            for _ in range(300 if n < 100000 else 50):
                dist.barrier()
                start = time.perf_counter()
                dist.all_reduce(t)
                samples.append(time.perf_counter() - start)
            times.setdefault(level, []).append(statistics.median(samples))
        off, on = (min(times[level]) * 1e6 for level in (dist.DebugLevel.OFF, dist.DebugLevel.INFO))
        rows.append(f"| all_reduce of {4 * n} bytes | {off:.1f} us | {on:.1f} us | +{on - off:.1f} us |")
    if dist.get_rank() == 0:
        print("| 2 processes | unchecked (TORCH_DISTRIBUTED_DEBUG=OFF) | checked (default) | check |")
        print("|---|---|---|---|")
        print("\n".join(rows))
    dist.destroy_process_group()


def run(command, env):
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode:
        sys.exit(done.stdout + done.stderr)
    return [float(v) for v in done.stdout.split()[-4:]] if "mpirun" in command[0] else float(done.stdout.split()[-1])


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    me = os.path.abspath(__file__)
    one, two, ddp, exposed, alone = [], [], [], [], []
    buckets = 0
    for _ in range(runs):
        one.append(run([sys.executable, me, "--single", "1"], env))
        two.append(run([sys.executable, me, "--single", "2"], dict(env, OPENBLAS_NUM_THREADS="2")))
        step, left, comm, buckets = run(["mpirun", "--oversubscribe", "-np", "2", sys.executable, me, "--worker"], env)
        ddp.append(step)
        exposed.append(left)
        alone.append(comm)
    m = {k: statistics.median(v) * 1e3 for k, v in
         {"ddp": ddp, "one": one, "two": two, "exposed": exposed, "alone": alone}.items()}
    hidden = max(0.0, 1 - m["exposed"] / m["alone"])
    params = sum(a * b + b for a, b in zip(SIZES, SIZES[1:]))
    print("| model | DDP, 2 processes x 128 | 1 process x 256, 1 thread | 1 process x 256, 2 threads "
          "| all-reduce alone | exposed after backward | hidden |")
    print("|---|---|---|---|---|---|---|")
    print(f"| MLP {'-'.join(map(str, SIZES))} ({params / 1e6:.2f} M params, {int(buckets)} buckets) "
          f"| {m['ddp']:.1f} ms | {m['one']:.1f} ms | {m['two']:.1f} ms | {m['alone']:.1f} ms "
          f"| {m['exposed']:.1f} ms | {100 * hidden:.0f}% |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--single":
        single(int(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker()
    elif len(sys.argv) > 1 and sys.argv[1] == "--check-cost-worker":
        check_cost()
    elif len(sys.argv) > 1 and sys.argv[1] == "--check-cost":
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        subprocess.run(["mpirun", "--oversubscribe", "-np", "2", sys.executable, os.path.abspath(__file__),
                        "--check-cost-worker"], env=env, check=True)
    else:
        main()
