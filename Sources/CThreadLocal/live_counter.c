#include <pthread.h>
#include <stdlib.h>

/* Hidden, as everything in the library but the sg_* API of swiftgrad.h (the linker's version
   script exports sg_*; these are internal). */
#pragma GCC visibility push(hidden)
#include "thread_local.h"

_Thread_local struct sg_live_counter *sg_tls_live_counter SG_TLS;
/* Set once this thread's counter has been folded at exit: later changes go to `remainder`. */
static _Thread_local bool exited SG_TLS;

static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sg_live_counter *list;  /* guarded by list_lock */
static long remainder;                /* guarded by list_lock; also changed with __atomic adds */

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

/* At thread exit: fold the counter into the remainder and unlink it. */
static void fold(void *value) {
    struct sg_live_counter *counter = value;
    pthread_mutex_lock(&list_lock);
    __atomic_add_fetch(&remainder, __atomic_load_n(&counter->count, __ATOMIC_RELAXED), __ATOMIC_RELAXED);
    if (counter->previous) counter->previous->next = counter->next; else list = counter->next;
    if (counter->next) counter->next->previous = counter->previous;
    pthread_mutex_unlock(&list_lock);
    if (sg_tls_live_counter == counter) sg_tls_live_counter = NULL;
    exited = true;
    free(counter);
}

static void make_exit_key(void) { pthread_key_create(&exit_key, fold); }

void sg_live_add_slow(long delta) {
    struct sg_live_counter *counter = exited ? NULL : calloc(1, sizeof *counter);
    if (counter == NULL) {  /* an exiting thread, or no memory: count in the remainder */
        __atomic_add_fetch(&remainder, delta, __ATOMIC_RELAXED);
        return;
    }
    pthread_once(&exit_key_once, make_exit_key);
    if (pthread_setspecific(exit_key, counter) != 0) {
        free(counter);
        __atomic_add_fetch(&remainder, delta, __ATOMIC_RELAXED);
        return;
    }
    counter->count = delta;
    pthread_mutex_lock(&list_lock);
    counter->next = list;
    if (list) list->previous = counter;
    list = counter;
    pthread_mutex_unlock(&list_lock);
    sg_tls_live_counter = counter;
}

long sg_live_total(void) {
    pthread_mutex_lock(&list_lock);
    long total = __atomic_load_n(&remainder, __ATOMIC_RELAXED);
    for (struct sg_live_counter *c = list; c; c = c->next) total += __atomic_load_n(&c->count, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&list_lock);
    return total;
}
