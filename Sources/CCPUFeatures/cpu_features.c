#include "cpu_features.h"

bool sgcpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

/* OpenBLAS keeps one thread of its own in a process that loads this library: its worker threads
   wait for work spinning on sched_yield for 2^28 cycles after each threaded call, taking cores
   from the library's own threads, which split large products themselves (Kernels/Gemm.swift). */
extern void openblas_set_num_threads(int);

__attribute__((constructor)) static void sgcpu_single_threaded_blas(void) {
    openblas_set_num_threads(1);
}
