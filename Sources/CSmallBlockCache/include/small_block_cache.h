/* The shipped library's per-thread cache of small blocks (small_block_cache.c): with
   -DSG_SMALL_ALLOC_CACHE and the linker's --wrap=malloc --wrap=free, every malloc and free inside
   libswiftgrad.so goes through these two functions. Nothing calls them by name. */
#ifndef SWIFTGRAD_SMALL_BLOCK_CACHE_H
#define SWIFTGRAD_SMALL_BLOCK_CACHE_H

#include <stddef.h>

void *__wrap_malloc(size_t size);
void __wrap_free(void *pointer);

#endif
