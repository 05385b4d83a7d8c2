/* See include/square_roots.h. The tails use the scalar forms of the same instructions, whose
   results are the same correctly rounded ones. */
#include "square_roots.h"

#if defined(__x86_64__)
#include <immintrin.h>

void sgroot_sqrt_sse2(const float *x, float *y, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) _mm_storeu_ps(y + i, _mm_sqrt_ps(_mm_loadu_ps(x + i)));
    for (; i < n; i++) _mm_store_ss(y + i, _mm_sqrt_ss(_mm_load_ss(x + i)));
}

void sgroot_rsqrt_sse2(const float *x, float *y, ptrdiff_t n) {
    const __m128 one = _mm_set1_ps(1.0f);
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) _mm_storeu_ps(y + i, _mm_div_ps(one, _mm_sqrt_ps(_mm_loadu_ps(x + i))));
    for (; i < n; i++) _mm_store_ss(y + i, _mm_div_ss(one, _mm_sqrt_ss(_mm_load_ss(x + i))));
}

__attribute__((target("avx")))
void sgroot_sqrt_avx(const float *x, float *y, ptrdiff_t n) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_sqrt_ps(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) _mm_store_ss(y + i, _mm_sqrt_ss(_mm_load_ss(x + i)));
}

__attribute__((target("avx")))
void sgroot_rsqrt_avx(const float *x, float *y, ptrdiff_t n) {
    const __m256 one = _mm256_set1_ps(1.0f);
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_div_ps(one, _mm256_sqrt_ps(_mm256_loadu_ps(x + i))));
    for (; i < n; i++) _mm_store_ss(y + i, _mm_div_ss(_mm_set_ss(1.0f), _mm_sqrt_ss(_mm_load_ss(x + i))));
}

#else

void sgroot_sqrt_sse2(const float *x, float *y, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] = __builtin_sqrtf(x[i]);
}

void sgroot_rsqrt_sse2(const float *x, float *y, ptrdiff_t n) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] = 1.0f / __builtin_sqrtf(x[i]);
}

void sgroot_sqrt_avx(const float *x, float *y, ptrdiff_t n) { sgroot_sqrt_sse2(x, y, n); }
void sgroot_rsqrt_avx(const float *x, float *y, ptrdiff_t n) { sgroot_rsqrt_sse2(x, y, n); }

#endif
