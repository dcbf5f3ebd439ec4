// Device code of the Backward stage (BackwardStage.cs): the body for the VW entities of one work-item. Pointers arrive offset by
// the work-item's first entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.
// The maths mirrors the CPU code beside it; results agree within float rounding.

// Back-propagates dL/do and adds this pass's batch sums into the gradients; counts the pass.
inline void el_backward(long S, int layers, __global const int* widths, int batch, int act, int maxW,
    __global const float* p, __global const float* xIn, __global const float* a, __global const float* dz,
    __global float* g, __global float* bufA, __global const int* si, __global long* st, vi on)
{
    if (!ANY(on)) return;
    __global float* bufB = bufA + (long)(batch * maxW) * S;
    for (int l = layers - 1; l >= 0; l--)
    {
        int inW = widths[l];
        int outW = widths[l + 1];
        __global const float* x = l == 0 ? xIn : a + (long)el_hidden_offset(widths, batch, l - 1) * S;
        int woff = el_weight_offset(widths, l);
        __global float* gW = g + (long)woff * S;
        __global float* gB = gW + (long)(inW * outW) * S;
        for (int o = 0; o < outW; o++)
        {
            vf s = LD(dz, o);
            for (int b = 1; b < batch; b++) s += LD(dz, b * outW + o);
            STM(gB, o, LD(gB, o) + s);
        }
        for (int i = 0; i < inW; i++)
        {
            // Four outputs at a time share each x load; every sum still runs over b in order.
            int o = 0;
            for (; o + 4 <= outW; o += 4)
            {
                vf xv = LD(x, i);
                vf s0 = xv * LD(dz, o), s1 = xv * LD(dz, o + 1), s2 = xv * LD(dz, o + 2), s3 = xv * LD(dz, o + 3);
                for (int b = 1; b < batch; b++)
                {
                    xv = LD(x, b * inW + i);
                    int d = b * outW + o;
                    s0 += xv * LD(dz, d);
                    s1 += xv * LD(dz, d + 1);
                    s2 += xv * LD(dz, d + 2);
                    s3 += xv * LD(dz, d + 3);
                }
                int gi = i * outW + o;
                STM(gW, gi, LD(gW, gi) + s0);
                STM(gW, gi + 1, LD(gW, gi + 1) + s1);
                STM(gW, gi + 2, LD(gW, gi + 2) + s2);
                STM(gW, gi + 3, LD(gW, gi + 3) + s3);
            }
            for (; o < outW; o++)
            {
                vf s = LD(x, i) * LD(dz, o);
                for (int b = 1; b < batch; b++) s += LD(x, b * inW + i) * LD(dz, b * outW + o);
                STM(gW, i * outW + o, LD(gW, i * outW + o) + s);
            }
        }
        if (l == 0) break;
        __global float* dx = dz == bufA ? bufB : bufA;
        __global const float* w = p + (long)woff * S;
        for (int b = 0; b < batch; b++)
        {
            int i = 0;
            for (; i + 4 <= inW; i += 4) // four independent sums, as in forward
            {
                vf s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
                for (int o = 0; o < outW; o++)
                {
                    vf d = LD(dz, b * outW + o);
                    s0 += LD(w, i * outW + o) * d;
                    s1 += LD(w, (i + 1) * outW + o) * d;
                    s2 += LD(w, (i + 2) * outW + o) * d;
                    s3 += LD(w, (i + 3) * outW + o) * d;
                }
                ST(dx, b * inW + i, el_derivative(act, LD(x, b * inW + i), s0));
                ST(dx, b * inW + i + 1, el_derivative(act, LD(x, b * inW + i + 1), s1));
                ST(dx, b * inW + i + 2, el_derivative(act, LD(x, b * inW + i + 2), s2));
                ST(dx, b * inW + i + 3, el_derivative(act, LD(x, b * inW + i + 3), s3));
            }
            for (; i < inW; i++)
            {
                vf s = 0.0f;
                for (int o = 0; o < outW; o++) s += LD(w, i * outW + o) * LD(dz, b * outW + o);
                ST(dx, b * inW + i, el_derivative(act, LD(x, b * inW + i), s));
            }
        }
        dz = dx;
    }
    vl counted = TO_L(on);
    vl passes = LD(st, ST_BACKWARD_PASSES) + 1;
    ST(st, ST_BACKWARD_PASSES, counted ? passes : LD(st, ST_BACKWARD_PASSES));
    vl k = max(TO_L(LD(si, SI_ACCUMULATION_STEPS)), (vl)1);
    ST(st, ST_STEP_DUE, (counted & TO_L(passes % k == 0)) ? (vl)1 : LD(st, ST_STEP_DUE));
}
