/* Memory bandwidth one core gets: an in-place update a[i] = a[i] * s + t over 512 MiB of floats (each byte is
 * read once and written once, as a training tick does with parameters and gradients), best of 5 passes.
 * Build and run with docs/machine-peak/run.sh (gcc -O2 -mavx2 -mfma). Prints GB/s counted as bytes read + written. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define FLOATS (128L * 1024 * 1024)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void)
{
    float *a = malloc(FLOATS * sizeof(float));
    if (!a) return 1;
    for (long i = 0; i < FLOATS; i++) a[i] = (float)(i & 1023);
    double best = 0;
    for (int pass = 0; pass < 5; pass++) {
        double start = now();
        for (long i = 0; i < FLOATS; i++) a[i] = a[i] * 0.999f + 0.001f;
        double seconds = now() - start;
        double gbs = 2.0 * FLOATS * sizeof(float) / seconds / 1e9;
        best = gbs > best ? gbs : best;
    }
    printf("read-modify-write bandwidth, one core: %.1f GB/s (bytes read + written, 512 MiB, best of 5)\n", best);
    int sink = a[FLOATS / 2] == 12345.0f;
    free(a);
    return sink;
}
