/* A per-thread cache of small freed blocks in front of malloc and free, for the shipped library
   only (built with -DSG_SMALL_ALLOC_CACHE and linked with --wrap=malloc --wrap=free, so that
   every malloc and free inside libswiftgrad.so, the Swift runtime's included, comes here; the
   host program's own calls are untouched).

   Why: an op recorded in the graph allocates a tensor, its storage and a graph node, and backward
   frees them by the thousand. glibc's own per-thread cache keeps 7 blocks per size, so a graph of
   any length overflows it and each of those allocations takes malloc's slower paths (a graph
   node's size is not even a fastbin size). Here up to 1 MiB of blocks of 256 bytes or less are
   kept per thread, by size class, and handed out again without touching malloc's locks or bins.

   The blocks are ordinary malloc blocks: one freed elsewhere, or handed out here and freed
   elsewhere, is fine. A thread's cache is given back to malloc when the thread exits; the main
   thread's stays reachable through its thread-local storage until the process ends. */
#ifdef SG_SMALL_ALLOC_CACHE

#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "small_block_cache.h"
#include "thread_local.h"

void *__real_malloc(size_t size);
void __real_free(void *pointer);

/* Class c holds blocks of 16c - 8 usable bytes (glibc's chunk of 16c bytes), for requests of
   16c - 23 to 16c - 8 bytes. */
enum { LARGEST = 248, CLASSES = (LARGEST + 8) / 16 + 1, BUDGET = 1 << 20 };

struct small_cache {
    void *head[CLASSES];  /* free blocks, linked through their first word */
    size_t bytes;         /* cached, in all classes */
    bool registered;      /* the thread-exit flush is set up */
    bool closed;          /* the thread is exiting: cache nothing more */
};
static _Thread_local struct small_cache cache SG_TLS;

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static void flush(void *unused) {
    (void)unused;
    cache.closed = true;
    for (int c = 0; c < CLASSES; c++) {
        while (cache.head[c]) {
            void *block = cache.head[c];
            cache.head[c] = *(void **)block;
            __real_free(block);
        }
    }
    cache.bytes = 0;
}

static void make_exit_key(void) { pthread_key_create(&exit_key, flush); }

void *__wrap_malloc(size_t size) {
    if (size - 1 >= LARGEST) return __real_malloc(size);  /* 0, or more than LARGEST bytes */
    size_t c = (size + 23) >> 4;
    if (c < 2) c = 2;
    void *block = cache.head[c];
    if (block) {
        cache.head[c] = *(void **)block;
        cache.bytes -= c << 4;
        return block;
    }
    /* The class's full size: the same chunk from glibc, and under valgrind or ASan (whose
       malloc_usable_size is the size asked for) a block that can come back to this class. */
    return __real_malloc((c << 4) - 8);
}

void __wrap_free(void *pointer) {
    if (!pointer) return;
    size_t usable = malloc_usable_size(pointer);
    /* Only blocks of exactly a class's size: Swift reads malloc_usable_size to use a block's
       whole capacity, so a block must not be handed out for a class it is smaller than, and
       under valgrind or ASan other blocks (strdup's, say) have any size. */
    if (usable <= LARGEST && (usable & 15) == 8 && usable >= 24 && !cache.closed && cache.bytes < BUDGET) {
        if (!cache.registered) {
            cache.registered = true;
            pthread_once(&exit_key_once, make_exit_key);
            pthread_setspecific(exit_key, &cache);  /* any non-NULL value: the flush runs at exit */
        }
        size_t c = (usable + 8) >> 4;
        *(void **)pointer = cache.head[c];
        cache.head[c] = pointer;
        cache.bytes += c << 4;
        return;
    }
    __real_free(pointer);
}

#endif
