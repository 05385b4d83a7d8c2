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

#endif
