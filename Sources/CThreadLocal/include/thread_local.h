/* Thread-local storage for the Swift core, which has no thread-local variables of its own.
   pthread_getspecific costs a call and a lookup, and the core reads per-thread state on every
   op (grad mode) and every node it frees (the teardown queue); a C thread-local is one load.
   The variables are hidden in libswiftgrad.so and use the initial-exec model: the library's
   own TLS block, reached without a call to __tls_get_addr. */
#ifndef SWIFTGRAD_THREAD_LOCAL_H
#define SWIFTGRAD_THREAD_LOCAL_H

#include <stdbool.h>

#define SG_TLS __attribute__((tls_model("initial-exec"), visibility("hidden")))

/* Grad mode, per thread: false (enabled) in every new thread. */
extern _Thread_local bool sg_tls_grad_disabled SG_TLS;

/* Slots for per-thread objects (Swift's ThreadLocal): one per ThreadLocal instance. */
#define SG_TLS_SLOTS 8
extern _Thread_local void *sg_tls_slots[SG_TLS_SLOTS] SG_TLS;

static inline bool sg_tls_grad_enabled(void) { return !sg_tls_grad_disabled; }
static inline void sg_tls_set_grad_enabled(bool enabled) { sg_tls_grad_disabled = !enabled; }
static inline void *sg_tls_slot(int index) { return sg_tls_slots[index]; }
static inline void sg_tls_set_slot(int index, void *value) { sg_tls_slots[index] = value; }

/* The number of live tensors (Tensor.liveCount, sg_live_tensor_count), counted per thread: a
   tensor made or freed changes its thread's counter with a plain load and store (relaxed
   atomics, which only their thread writes) instead of a locked read-modify-write on one shared
   counter, twice per op result. A thread's counter joins a list on its first tensor; reading
   the total sums the list under a lock. At thread exit the counter is folded into the shared
   remainder and unlinked; changes made later in that thread's teardown go to the remainder
   directly. Counters may be negative (a tensor made on one thread, freed on another). */
struct sg_live_counter;
extern _Thread_local struct sg_live_counter *sg_tls_live_counter SG_TLS;
/* Adds `delta` to this thread's counter (the slow path: first use, or an exiting thread). */
void sg_live_add_slow(long delta);
/* The sum of every thread's counter and the remainder. */
long sg_live_total(void);

struct sg_live_counter {
    long count;  /* read and written with __atomic builtins only */
    struct sg_live_counter *previous, *next;
};

static inline void sg_live_add(long delta) {
    struct sg_live_counter *counter = sg_tls_live_counter;
    if (__builtin_expect(counter != 0, 1)) {
        long value = __atomic_load_n(&counter->count, __ATOMIC_RELAXED);
        __atomic_store_n(&counter->count, value + delta, __ATOMIC_RELAXED);
        return;
    }
    sg_live_add_slow(delta);
}

#endif
