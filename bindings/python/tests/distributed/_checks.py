"""What the MPI test scripts (mpi_collectives.py, ddp.py) share: each registers its checks with
`@check` and ends with `run(name)`, which runs them in order on every process and, at the first
failure, prints it and aborts the whole job (MPI_Abort), so that no process waits forever in a
collective the failed one never reaches."""
import sys
import traceback
import warnings

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def run(name):
    warnings.simplefilter("ignore")
    from mpi4py import MPI
    for fn in CHECKS:
        try:
            fn()
        except BaseException:
            traceback.print_exc()
            print(f"FAILED: {fn.__name__}", file=sys.stderr, flush=True)
            MPI.COMM_WORLD.Abort(1)
    if MPI.COMM_WORLD.Get_rank() == 0:
        print(f"{name}: {len(CHECKS)} checks passed on {MPI.COMM_WORLD.Get_size()} processes")
