/* The worker pool behind Parallel.run: see include/parallel.h. */
#include "parallel.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#pragma GCC visibility push(hidden)

/* At most this many workers, whatever torch.set_num_threads asks (Parallel caps it at 64). */
#define MAX_WORKERS 63

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;  /* workers wait for a job */
static pthread_cond_t work_done = PTHREAD_COND_INITIALIZER;   /* the caller waits for its pieces */

/* How long a worker keeps watching for the next job after one, before it sleeps: waking a
   sleeping thread costs tens of microseconds on some virtual machines (the idle vCPU is halted),
   while the kernels of one training step come back to back. Only workers that just ran a job
   watch, so a program doing small ops, which never use the pool, has no thread spinning.
   Benchmark W3's step from Python leaves gaps of 50-400 us between jobs (the Python between
   ops, the update): with 50 us its workers slept 6.5 times a step, and the step took 3.25 ms
   (median of 14 processes) against 2.91 with 400 us (13 of 14 pairs faster), when they slept
   0.3-1.8 times. PyTorch's OpenMP workers also spin a while (GOMP_SPINCOUNT) before sleeping. */
static long watch_ns = 400000;

/* Bumped (under `lock`) whenever a job is posted; read by watching workers without the lock. */
static _Atomic unsigned long generation;

/* All under `lock`. */
static long workers;          /* threads made */
static long sleepers;         /* workers waiting on work_ready */
static int busy;              /* a job is running */
static long job_count, job_next;
static _Atomic long job_pending;  /* also read by the caller without the lock, while it watches */
static void *job_context;
static void (*job_body)(void *, long);

/* Whether this thread is running a piece (a nested call runs serially). */
static _Thread_local int in_piece;

static void run_serially(long count, void *context, void (*body)(void *, long)) {
    for (long k = 0; k < count; k++) body(context, k);
}

/* Takes pieces of the current job while there are any; called and returns with `lock` held. */
static void take_pieces(void) {
    while (busy && job_next < job_count) {
        long k = job_next++;
        void *context = job_context;
        void (*body)(void *, long) = job_body;
        pthread_mutex_unlock(&lock);
        in_piece = 1;
        body(context, k);
        in_piece = 0;
        pthread_mutex_lock(&lock);
        if (--job_pending == 0) pthread_cond_signal(&work_done);
    }
}

/* A hint to the processor that this thread is spinning. */
static inline void spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

static long monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

/* Spins without the lock until `ready(context)` or for watch_ns, whichever comes first; called
   and returns with `lock` held. Both watches below go through it. */
static void watch(int (*ready)(const void *), const void *context) {
    pthread_mutex_unlock(&lock);
    long deadline = monotonic_ns() + watch_ns;
    for (int spins = 1; !ready(context); spins++) {
        if ((spins & 63) == 0 && monotonic_ns() > deadline) break;
        spin_pause();
    }
    pthread_mutex_lock(&lock);
}

static int job_posted(const void *seen) {
    return atomic_load_explicit(&generation, memory_order_acquire) != *(const unsigned long *)seen;
}

static int pieces_done(const void *unused) {
    (void)unused;
    return atomic_load_explicit(&job_pending, memory_order_acquire) == 0;
}

/* A worker that just ran a job watches `generation` for the next one. */
static void watch_for_next_job(void) {
    unsigned long seen = atomic_load_explicit(&generation, memory_order_relaxed);
    watch(job_posted, &seen);
}

/* The caller, its own pieces done, watches for the workers to finish the pieces they took. The
   pieces of a job are about equal, so the last ones end soon after the caller's own; sleeping on
   work_done instead costs the caller a futex wait and the worker a wake-up call, and the caller
   then waits on its halted vCPU being woken. */
static void watch_for_pieces(void) { watch(pieces_done, NULL); }

static void *worker(void *unused) {
    (void)unused;
    pthread_mutex_lock(&lock);
    for (;;) {
        if (!(busy && job_next < job_count)) watch_for_next_job();
        while (!(busy && job_next < job_count)) {
            sleepers++;
            pthread_cond_wait(&work_ready, &lock);
            sleepers--;
        }
        take_pieces();
    }
    return NULL;
}

/* Makes workers up to `wanted`; called with `lock` held. Workers block every signal, so that
   signals go to the program's own threads (Python handles them on its main thread). */
static void add_workers(long wanted) {
    if (wanted > MAX_WORKERS) wanted = MAX_WORKERS;
    if (workers >= wanted) return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    while (workers < wanted) {
        pthread_t thread;
        if (pthread_create(&thread, &attributes, worker, NULL) != 0) break;  /* fewer workers: still correct */
        workers++;
    }
    pthread_attr_destroy(&attributes);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void before_fork(void) { pthread_mutex_lock(&lock); }
static void after_fork_in_parent(void) { pthread_mutex_unlock(&lock); }
static void after_fork_in_child(void) {
    /* Only the forking thread exists in the child: no workers, no job (a job of the parent's
       other threads is theirs to finish, in the parent). */
    pthread_mutex_init(&lock, NULL);
    pthread_cond_init(&work_ready, NULL);
    pthread_cond_init(&work_done, NULL);
    workers = 0;
    sleepers = 0;
    busy = 0;
    job_count = job_next = job_pending = 0;
}

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static void setup(void) {
    const char *watch = getenv("SWIFTGRAD_WORKER_WATCH_US");  /* for measuring; 0 sleeps at once */
    if (watch && *watch) watch_ns = atol(watch) * 1000L;
    pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
}

void swiftgrad_parallel_run(long count, long threads, void *context, void (*body)(void *, long)) {
    if (count <= 1 || threads <= 1 || in_piece) {
        run_serially(count, context, body);
        return;
    }
    pthread_once(&setup_once, setup);
    pthread_mutex_lock(&lock);
    if (busy) {  /* another thread's job: do not wait for the pool */
        pthread_mutex_unlock(&lock);
        run_serially(count, context, body);
        return;
    }
    add_workers((threads < count ? threads : count) - 1);
    busy = 1;
    job_count = count;
    job_next = 0;
    job_pending = count;
    job_context = context;
    job_body = body;
    atomic_fetch_add_explicit(&generation, 1, memory_order_release);
    if (sleepers > 0) pthread_cond_broadcast(&work_ready);
    take_pieces();
    if (job_pending > 0) watch_for_pieces();
    while (job_pending > 0) pthread_cond_wait(&work_done, &lock);
    busy = 0;
    job_context = NULL;
    job_body = NULL;
    pthread_mutex_unlock(&lock);
}

#pragma GCC visibility pop
