/* The worker threads that large kernels split their work over (Parallel.run in the Swift core).

   libdispatch's dispatch_apply, which the core used before, allocates a continuation per call on
   the calling thread and frees it on a worker; in a training loop (six parallel kernels a step)
   that held on to about 2 MiB more over the first few thousand steps before it levelled off.
   This pool allocates nothing per call: a fixed job record under one mutex, and threads that
   sleep on a condition variable between jobs, after watching 50 us for the next one (so the
   kernels of one training step do not each pay for waking a halted vCPU, while a program doing
   only small ops, which never use the pool, has no thread spinning). The caller, its own pieces
   done, watches as long for the workers' before it sleeps (W3's step, 1,515 context switches in
   its benchmark run without that, 620 with it). SWIFTGRAD_WORKER_WATCH_US in the environment
   sets both watches for measuring (0: sleep at once).

   Threads are made on first use, up to `threads - 1` (the caller works too), and live until the
   process exits. One job runs at a time: a call made while another thread's job runs, or from
   inside a piece, runs its pieces on the calling thread, in order, so that results never depend
   on which thread ran a piece. After fork() the child starts with no workers and makes new ones
   on its first job. */
#ifndef SWIFTGRAD_PARALLEL_H
#define SWIFTGRAD_PARALLEL_H

/* Calls body(context, k) for every k in [0, count), on the calling thread and on up to
   `threads - 1` workers, and returns when all calls have returned. */
void swiftgrad_parallel_run(long count, long threads, void *context, void (*body)(void *context, long k));

#endif
