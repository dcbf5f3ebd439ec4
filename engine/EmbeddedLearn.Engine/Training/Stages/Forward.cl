// Device code of the Forward stage (ForwardStage.cs): the body for the VW entities of one work-item. Pointers arrive offset by
// the work-item's first entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.
// The maths mirrors the CPU code beside it; results agree within float rounding.

// Stores outputs o..o+3 of sample bs of the layer (sums s0..s3 plus the bias, then the activation).
#define EL_OUT4(bs, s0, s1, s2, s3) \
    STM(dst, (bs) * outW + o, el_activate(hidden, LD(bias, o) + (s0))); \
    STM(dst, (bs) * outW + o + 1, el_activate(hidden, LD(bias, o + 1) + (s1))); \
    STM(dst, (bs) * outW + o + 2, el_activate(hidden, LD(bias, o + 2) + (s2))); \
    STM(dst, (bs) * outW + o + 3, el_activate(hidden, LD(bias, o + 3) + (s3)))

// Computes and stores output o of sample bs alone.
#define EL_OUT1(bs, o) \
    { \
        vf s = 0.0f; \
        for (int i = 0; i < inW; i++) s += LD(x, (bs) * inW + i) * LD(w, i * outW + (o)); \
        STM(dst, (bs) * outW + (o), el_activate(hidden, LD(bias, (o)) + s)); \
    }

// Marks the lanes of `on` whose outputs y (count per entity) are not all finite with OUTCOME_OUTPUTSHELD in their
// flags: the host keeps their last outputs and the training stages after forward leave them alone.
inline void el_hold_outputs(long S, int count, __global const float* y, __global int* flags, vi on)
{
    vi finite = on;
    for (int i = 0; i < count; i++) finite &= isfinite(LD(y, i));
    vi held = on & (finite == 0);
    if (ANY(held)) ST(flags, 0, held ? LD(flags, 0) | OUTCOME_OUTPUTSHELD : LD(flags, 0));
}

// z = x W^T + b per layer; hidden activations kept; outputs = last z (the pass alone: the Q-learning stages run it too).
inline void el_dense_forward(long S, int layers, __global const int* widths, int batch, int act,
    __global const float* p, __global const float* x, __global float* a, __global float* y, vi on)
{
    if (!ANY(on)) return;
    int woff = 0;
    int aoff = 0;
    int last = layers - 1;
    for (int l = 0; l <= last; l++)
    {
        int inW = widths[l];
        int outW = widths[l + 1];
        __global const float* w = p + (long)woff * S;
        __global const float* bias = w + (long)(inW * outW) * S;
        __global float* dst = l == last ? y : a + (long)aoff * S;
        int hidden = l == last ? ACT_IDENTITY : act;
        int b = 0;
        // Four samples by four outputs at a time: each weight and input load serves four of sixteen independent
        // sums; every sum still runs over i in order, as on the CPU.
        for (; b + 4 <= batch; b += 4)
        {
            int o = 0;
            for (; o + 4 <= outW; o += 4)
            {
                vf s00 = 0.0f, s01 = 0.0f, s02 = 0.0f, s03 = 0.0f, s10 = 0.0f, s11 = 0.0f, s12 = 0.0f, s13 = 0.0f;
                vf s20 = 0.0f, s21 = 0.0f, s22 = 0.0f, s23 = 0.0f, s30 = 0.0f, s31 = 0.0f, s32 = 0.0f, s33 = 0.0f;
                for (int i = 0; i < inW; i++)
                {
                    int wi = i * outW + o;
                    vf w0 = LD(w, wi), w1 = LD(w, wi + 1), w2 = LD(w, wi + 2), w3 = LD(w, wi + 3);
                    vf x0 = LD(x, b * inW + i), x1 = LD(x, (b + 1) * inW + i);
                    vf x2 = LD(x, (b + 2) * inW + i), x3 = LD(x, (b + 3) * inW + i);
                    s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
                    s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
                    s20 += x2 * w0; s21 += x2 * w1; s22 += x2 * w2; s23 += x2 * w3;
                    s30 += x3 * w0; s31 += x3 * w1; s32 += x3 * w2; s33 += x3 * w3;
                }
                EL_OUT4(b, s00, s01, s02, s03);
                EL_OUT4(b + 1, s10, s11, s12, s13);
                EL_OUT4(b + 2, s20, s21, s22, s23);
                EL_OUT4(b + 3, s30, s31, s32, s33);
            }
            for (; o < outW; o++)
            {
                for (int bb = b; bb < b + 4; bb++) EL_OUT1(bb, o);
            }
        }
        for (; b < batch; b++)
        {
            for (int o = 0; o < outW; o++) EL_OUT1(b, o);
        }
        if (l != last)
        {
            x = a + (long)aoff * S;
            aoff += batch * outW;
        }
        woff += inW * outW + outW;
    }
}

// The Forward stage: the pass, then entities whose outputs are not all finite are marked OUTCOME_OUTPUTSHELD
// (el_hold_outputs).
inline void el_forward(long S, int layers, __global const int* widths, int batch, int act,
    __global const float* p, __global const float* x, __global float* a, __global float* y, __global int* flags, vi on)
{
    if (!ANY(on)) return;
    el_dense_forward(S, layers, widths, batch, act, p, x, a, y, on);
    el_hold_outputs(S, batch * widths[layers], y, flags, on);
}
