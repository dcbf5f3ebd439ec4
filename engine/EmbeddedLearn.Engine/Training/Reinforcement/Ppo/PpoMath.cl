// Device code of the PPO stages' scalar maths (PpoMath.cs), after QAgent.cl (SplitMix64: el_next_single; FP_CONTRACT OFF):
// exp (Cephes expf, as FastActivation.Exp), log (Cephes logf) and a standard normal draw (Marsaglia's polar method). Each
// is written with the CPU code's operations in its order, fma exactly where the CPU calls ExactMath.Fma, so exp and log give
// the CPU's bits wherever the device's + - * and fma are IEEE (fma always is in OpenCL C); the normal draw also divides and
// takes a square root, which OpenCL rounds within a few ulp unless the program is built with
// -cl-fp32-correctly-rounded-divide-sqrt. Also the rollout shuffle (PpoRollout.Shuffle), which PpoAct.cl and
// PpoMinibatch.cl both take.

// 0.5 ln(2 pi), the Gaussian log-density's constant per dimension (PpoMath.HalfLogTwoPi).
#define EL_HALF_LOG_TWO_PI 0.918938533204672741780329736406f

// e^t for t in [-87, 87] (FastActivation.Exp: Cephes expf): n = round(t log2 e) through the 1.5 * 2^23 shift, r = t - n ln 2
// in two parts, a degree-5 polynomial in r, then the scale 2^n built in the exponent bits.
inline float el_ppo_cephes_exp(float t)
{
    const float log2e = 1.44269504088896341f;
    const float ln2High = 0.693359375f;
    const float ln2Low = -2.12194440e-4f;
    const float roundMagic = 12582912.0f; // 1.5 * 2^23: adding it rounds to an integer held in the low bits
    float shifted = fma(t, log2e, roundMagic);
    float n = shifted - roundMagic;
    float r = fma(n, -ln2Low, fma(n, -ln2High, t));
    float p = fma(fma(fma(fma(fma(1.9875691500e-4f, r, 1.3981999507e-3f), r, 8.3334519073e-3f), r, 4.1665795894e-2f), r,
        1.6666665459e-1f), r, 5.0000001201e-1f);
    float y = fma(p, r * r, r) + 1.0f;
    int scale = (as_int(shifted) - as_int(roundMagic) + 127) << 23;
    return y * as_float(scale);
}

// PpoMath.Exp: e^x for x clamped to [-87, 87] (beyond it float under- or overflows anyway); NaN stays NaN.
inline float el_ppo_exp(float x)
{
    return isnan(x) ? x : el_ppo_cephes_exp(clamp(x, -87.0f, 87.0f));
}

// PpoMath.Log (Cephes logf, about 1 ulp): log 0 = -inf, NaN for negative or NaN, +inf for +inf. A subnormal x is scaled by
// 2^23 first (on a device that flushes subnormals to zero it compares as 0 and gives -inf).
inline float el_ppo_log(float x)
{
    if (!(x > 0.0f) || (isinf(x) && x > 0.0f))
    {
        return x == 0.0f ? -INFINITY : (isinf(x) && x > 0.0f) ? x : NAN;
    }
    int e = 0;
    if (x < 1.17549435E-38f) // below the smallest normal float
    {
        x *= 8388608.0f; // 2^23: a subnormal becomes normal
        e = -23;
    }
    int bits = as_int(x);
    e += ((bits >> 23) & 0xff) - 126;
    float m = as_float((bits & 0x007fffff) | 0x3f000000); // [0.5, 1)
    if (m < 0.707106781186547524f) // sqrt(1/2)
    {
        e--;
        m = m + m - 1.0f;
    }
    else
    {
        m -= 1.0f;
    }
    float z = m * m;
    float y = fma(fma(fma(fma(fma(fma(fma(fma(7.0376836292E-2f, m, -1.1514610310E-1f), m, 1.1676998740E-1f), m,
        -1.2420140846E-1f), m, 1.4249322787E-1f), m, -1.6668057665E-1f), m, 2.0000714765E-1f), m, -2.4999993993E-1f), m,
        3.3333331174E-1f) * m * z;
    float fe = (float)e;
    y = fma(fe, -2.12194440e-4f, y);
    y = fma(-0.5f, z, y);
    return fma(fe, 0.693359375f, m + y);
}

// PpoMath.Normal: a standard normal draw from *random (Marsaglia's polar method: u, v uniform in (-1, 1) until
// 0 < s = u^2 + v^2 < 1, then u sqrt(-2 ln s / s); the second value is dropped, so each draw uses its own numbers).
inline float el_ppo_normal(ulong* random)
{
    for (;;)
    {
        float u = (2.0f * el_next_single(random)) - 1.0f;
        float v = (2.0f * el_next_single(random)) - 1.0f;
        float s = fma(u, u, v * v);
        if (s > 0.0f && s < 1.0f)
        {
            return u * sqrt(-2.0f * el_ppo_log(s) / s);
        }
    }
}

// PpoRollout.Shuffle for lane l (the hand-over's first shuffle and each new epoch's): Fisher-Yates from the end over the
// first count entries of the order as it stands, j = next_int(i + 1), swap(order[i], order[j]).
inline void el_ppo_shuffle(long S, __global int* porder, int count, ulong* random, int l)
{
    for (int i = count - 1; i > 0; i--)
    {
        int j = el_next_int(random, i + 1);
        int kept = EL_AT(porder, i, l);
        EL_AT(porder, i, l) = EL_AT(porder, j, l);
        EL_AT(porder, j, l) = kept;
    }
}
