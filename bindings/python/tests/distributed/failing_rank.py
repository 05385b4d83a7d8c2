"""A process that fails ends the job, with an error, within the group's timeout. Run by
`make test-distributed` as a plain program (not under mpirun): it starts
`mpirun -np 2 python failing_rank.py CASE` for each case, where rank 1 raises before a
collective that rank 0 enters; rank 0 must raise DistBackendError after timeout= (2 s), and
mpirun must exit non-zero, well before the 120 s the harness allows.

CASE: collective (a plain all_reduce), ddp (DistributedDataParallel's backward, whose
all-reduce is waited for at the end of backward)."""
import os
import subprocess
import sys
import time

TIMEOUT = 2.0


def worker(case):
    from datetime import timedelta
    import swiftgrad as torch
    import swiftgrad.distributed as dist
    dist.init_process_group("mpi", timeout=timedelta(seconds=TIMEOUT))
    r = dist.get_rank()
    if case == "ddp":
        torch.manual_seed(0)
        ddp = torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(3, 2))
        loss = ddp(torch.ones(4, 3)).sum()
        step = loss.backward
    else:
        step = lambda: dist.all_reduce(torch.ones(3))  # noqa: E731
    if r == 1:
        raise ValueError("rank 1 fails before the collective")
    start = time.monotonic()
    try:
        step()
    except dist.DistBackendError as e:
        print(f"rank {r}: DistBackendError after {time.monotonic() - start:.2f} s: {e}", flush=True)
        raise
    print(f"rank {r}: the collective returned", flush=True)


def driver():
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    for case in ("collective", "ddp"):
        start = time.monotonic()
        done = subprocess.run(["mpirun", "--oversubscribe", "-np", "2", sys.executable, __file__, case],
                              env=env, capture_output=True, text=True, timeout=120)
        elapsed = time.monotonic() - start
        out = done.stdout + done.stderr
        errors = [line for line in done.stdout.splitlines() if line.startswith("rank 0: DistBackendError after")]
        problems = []
        if done.returncode == 0:
            problems.append("mpirun exited with status 0")
        if "ValueError: rank 1 fails before the collective" not in out:
            problems.append("rank 1's error is not in the output")
        if not errors:
            problems.append("rank 0 did not raise DistBackendError")
        else:
            waited = float(errors[0].split("after ")[1].split(" s")[0])
            if not TIMEOUT <= waited < TIMEOUT + 3:
                problems.append(f"rank 0 gave up after {waited} s, not after the {TIMEOUT} s timeout")
        if elapsed > 60:
            problems.append(f"the job took {elapsed:.0f} s")
        if problems:
            print(out)
            raise SystemExit(f"failing rank ({case}): " + "; ".join(problems))
        print(f"failing rank ({case}): rank 0 raised DistBackendError after {waited:.1f} s, mpirun exited with "
              f"status {done.returncode} after {elapsed:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        worker(sys.argv[1])
    else:
        driver()
