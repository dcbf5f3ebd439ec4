/* Reference FMA peak of one core: twelve independent chains c_k = c_k * a + b of 8-float AVX2 FMAs, the same
 * loop as FmaPeak.Chains256 in demos/FrameBudget. Build and run with docs/machine-peak/run.sh (gcc -O2 -mavx2 -mfma).
 * Prints the best GFLOP/s (2 FLOP per lane per FMA) of ten runs of 20,000,000 iterations. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define ITERATIONS 20000000L

static float sink;

__attribute__((noinline)) static __m256 chains(long iterations)
{
    __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    __m256 c0 = _mm256_set1_ps(0), c1 = _mm256_set1_ps(1), c2 = _mm256_set1_ps(2), c3 = _mm256_set1_ps(3);
    __m256 c4 = _mm256_set1_ps(4), c5 = _mm256_set1_ps(5), c6 = _mm256_set1_ps(6), c7 = _mm256_set1_ps(7);
    __m256 c8 = _mm256_set1_ps(8), c9 = _mm256_set1_ps(9), c10 = _mm256_set1_ps(10), c11 = _mm256_set1_ps(11);
    for (long i = 0; i < iterations; i++) {
        c0 = _mm256_fmadd_ps(c0, a, b);
        c1 = _mm256_fmadd_ps(c1, a, b);
        c2 = _mm256_fmadd_ps(c2, a, b);
        c3 = _mm256_fmadd_ps(c3, a, b);
        c4 = _mm256_fmadd_ps(c4, a, b);
        c5 = _mm256_fmadd_ps(c5, a, b);
        c6 = _mm256_fmadd_ps(c6, a, b);
        c7 = _mm256_fmadd_ps(c7, a, b);
        c8 = _mm256_fmadd_ps(c8, a, b);
        c9 = _mm256_fmadd_ps(c9, a, b);
        c10 = _mm256_fmadd_ps(c10, a, b);
        c11 = _mm256_fmadd_ps(c11, a, b);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                             _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
    return _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void)
{
    double best = 0;
    for (int run = 0; run < 10; run++) {
        double start = now();
        __m256 r = chains(ITERATIONS);
        double seconds = now() - start;
        sink += _mm256_cvtss_f32(r);
        double gflops = ITERATIONS * 12.0 * 8 * 2 / seconds / 1e9;
        best = gflops > best ? gflops : best;
    }
    printf("C reference FMA peak, one core: %.1f GFLOP/s (AVX2, twelve chains, best of 10)\n", best);
    return sink == 12345.0f;
}
