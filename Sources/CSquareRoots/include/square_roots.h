/* Square roots over contiguous float32 buffers for SwiftGradVector's loops (VectorLoops.sqrt and
   rsqrt). Swift's Float.squareRoot() compiles on Linux to a scalar square root with a call to
   libm's sqrtf for negative input (errno), which no loop vectorises; these use the processor's
   vector square root, whose results are the correctly rounded ones, as the scalar's.
   y[i] = sqrt(x[i]) and y[i] = 1 / sqrt(x[i]) (two roundings, as PyTorch's rsqrt), for i in
   0..<n; x and y may be the same buffer. The _avx forms need AVX (the AVX2 build of
   SwiftGradVector calls them); the _sse2 forms run on any x86-64. Off x86-64 both are plain
   loops. Hidden in libswiftgrad.so. */
#ifndef SWIFTGRAD_SQUARE_ROOTS_H
#define SWIFTGRAD_SQUARE_ROOTS_H

#include <stddef.h>

#define SGROOT_HIDDEN __attribute__((visibility("hidden")))

SGROOT_HIDDEN void sgroot_sqrt_sse2(const float *x, float *y, ptrdiff_t n);
SGROOT_HIDDEN void sgroot_rsqrt_sse2(const float *x, float *y, ptrdiff_t n);
SGROOT_HIDDEN void sgroot_sqrt_avx(const float *x, float *y, ptrdiff_t n);
SGROOT_HIDDEN void sgroot_rsqrt_avx(const float *x, float *y, ptrdiff_t n);

#endif
