// Device helpers of the Q-learning stages (Act.cl, ReplaySample.cl, TdTarget.cl, TargetSync.cl): each agent's decision,
// sampling and targets follow its own random stream and its own settings, so the bodies work lane by lane (one agent at
// a time) where the CPU code does, with common.cl's lane helpers (EL_AT, EL_GET_*, EL_SET_*, EL_LANES), and on whole
// lanes (LD/ST over S) for the forward passes. The maths mirrors the CPU code: SplitMix64 in 64-bit
// integers, the epsilon schedule in double where the device has it, the lowest index on ties (the first NaN wins, as
// TensorPrimitives.IndexOfMax), and no contraction into fused multiply-adds (the CPU code has none).
#pragma OPENCL FP_CONTRACT OFF

// SplitMix64 (Training/Cpu/SplitMix64.cs): the next 64 bits, a float in [0, 1) from the top 24, an int in [0, n).
inline ulong el_split_mix(ulong* state)
{
    ulong z = (*state += 0x9E3779B97F4A7C15UL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

inline float el_next_single(ulong* state)
{
    return (float)(el_split_mix(state) >> 40) * (1.0f / 16777216.0f);
}

inline int el_next_int(ulong* state, int n)
{
    return (int)(((el_split_mix(state) >> 32) * (ulong)n) >> 32);
}

// QLearningSettings.EpsilonAt for lane l.
inline float el_epsilon(long S, __global const int* qls, int l, long decisions)
{
    if (EL_GET_B(qls, l, QLEARNINGSETTINGS_GREEDY)) return 0.0f;
    int decay = EL_GET_I(qls, l, QLEARNINGSETTINGS_EPSILONDECAYDECISIONS);
    float end = EL_GET_F(qls, l, QLEARNINGSETTINGS_EPSILONEND);
    if (decay == 0 || decisions >= decay) return end;
    float start = EL_GET_F(qls, l, QLEARNINGSETTINGS_EPSILONSTART);
#ifdef EL_HAS_FP64
    float fraction = (float)((double)decisions / (double)decay);
#else
    float fraction = (float)decisions / (float)decay;
#endif
    return start + ((end - start) * fraction);
}

// Whether a is above b as TensorPrimitives orders floats (+0 above -0).
inline bool el_above(float a, float b)
{
    return a > b || (a == b && a == 0.0f && signbit(b) && !signbit(a));
}

// The index of the largest of count values of lane l from element first (the lowest on ties, the first NaN if any).
inline int el_argmax(long S, __global const float* q, int first, int count, int l)
{
    int best = 0;
    float value = EL_AT(q, first, l);
    if (isnan(value)) return 0;
    for (int j = 1; j < count; j++)
    {
        float v = EL_AT(q, first + j, l);
        if (isnan(v)) return j;
        if (el_above(v, value))
        {
            best = j;
            value = v;
        }
    }
    return best;
}

// Hidden units of the model (the sum of the hidden widths; 0 without a hidden layer).
inline int el_hidden_units(__global const int* widths, int layers)
{
    int units = 0;
    for (int h = 1; h < layers; h++) units += widths[h];
    return units;
}
