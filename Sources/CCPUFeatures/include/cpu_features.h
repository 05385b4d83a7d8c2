/* What the processor the library runs on can do, for the Swift core's choice of kernels
   (Kernels/CPUCapability.swift). Hidden in libswiftgrad.so. */
#ifndef SWIFTGRAD_CPU_FEATURES_H
#define SWIFTGRAD_CPU_FEATURES_H

#include <stdbool.h>

/* Whether AVX2 and FMA can run here: the processor has them and the OS saves their registers
   (the compiler's cpu model checks XCR0). Always false off x86-64. */
bool sgcpu_has_avx2_fma(void) __attribute__((visibility("hidden")));

#endif
