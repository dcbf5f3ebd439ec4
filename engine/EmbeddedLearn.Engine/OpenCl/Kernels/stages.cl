// The stage bodies for one entity. The maths mirrors the CPU kernels in Training/Cpu exactly (same formulas,
// same summation order as their scalar paths); results agree within float rounding. Pointers arrive offset by
// the entity (see common.cl); S is the stride.

// Clears gradients at the start of each accumulation window (backward passes % K == 0).
inline void el_zero_grad(long S, int P, __global float* g, __global const int* si, __global const long* st)
{
    if (AT(st, 0) % (long)AT(si, 4) != 0) return;
    for (int i = 0; i < P; i++) AT(g, i) = 0.0f;
}

// z = x W^T + b per layer; hidden activations kept; outputs = last z.
inline void el_forward(long S, int layers, __global const int* widths, int batch, int act,
    __global const float* p, __global const float* x, __global float* a, __global float* y)
{
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
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outW; o++)
            {
                float s = 0.0f;
                for (int i = 0; i < inW; i++) s += AT(x, b * inW + i) * AT(w, i * outW + o);
                float v = AT(bias, o) + s;
                AT(dst, b * outW + o) = l == last ? v : el_activate(act, v);
            }
        }
        if (l != last)
        {
            x = a + (long)aoff * S;
            aoff += batch * outW;
        }
        woff += inW * outW + outW;
    }
}

// MSE over the entity's count = B * out outputs; writes dL/do, the loss and (reduction none) element losses.
inline void el_mse_loss(long S, int count, __global const float* out, __global const float* target,
    __global float* outGrad, __global float* elements, __global float* loss, __global const int* si)
{
    int reduction = AT(si, 3);
    float sum = 0.0f;
    float scale = reduction == 0 ? 2.0f / count : 2.0f;
    for (int i = 0; i < count; i++)
    {
        float d = AT(out, i) - AT(target, i);
        sum += d * d;
        if (reduction == 2) AT(elements, i) = d * d;
        AT(outGrad, i) = d * scale;
    }
    loss[0] = reduction == 0 ? sum / count : sum;
}

// Back-propagates dL/do and adds this pass's batch sums into the gradients; counts the pass.
inline void el_backward(long S, int layers, __global const int* widths, int batch, int act, int maxW,
    __global const float* p, __global const float* xIn, __global const float* a, __global const float* dz,
    __global float* g, __global float* bufA, __global const int* si, __global long* st)
{
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
            float s = AT(dz, o);
            for (int b = 1; b < batch; b++) s += AT(dz, b * outW + o);
            AT(gB, o) += s;
        }
        for (int i = 0; i < inW; i++)
        {
            for (int o = 0; o < outW; o++)
            {
                float s = AT(x, i) * AT(dz, o);
                for (int b = 1; b < batch; b++) s += AT(x, b * inW + i) * AT(dz, b * outW + o);
                AT(gW, i * outW + o) += s;
            }
        }
        if (l == 0) break;
        __global float* dx = dz == bufA ? bufB : bufA;
        __global const float* w = p + (long)woff * S;
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < inW; i++)
            {
                float s = 0.0f;
                for (int o = 0; o < outW; o++) s += AT(w, i * outW + o) * AT(dz, b * outW + o);
                AT(dx, b * inW + i) = el_derivative(act, AT(x, b * inW + i), s);
            }
        }
        dz = dx;
    }
    long passes = AT(st, 0) + 1;
    AT(st, 0) = passes;
    if (passes % (long)AT(si, 4) == 0) AT(st, 2) = 1;
}

// optim.SGD step when the entity's window ended and its settings select SGD.
inline void el_sgd_step(long S, int P, __global float* p, __global const float* gr, __global float* buf,
    int hasMomentum, __global const float* sf, __global const int* si, __global long* st)
{
    if (AT(st, 2) == 0 || AT(si, 0) != 0) return;
    float lr = AT(sf, 0), mu = AT(sf, 1), damp = 1.0f - AT(sf, 2), wd = AT(sf, 3);
    int nesterov = AT(si, 1), maximize = AT(si, 2);
    int useMomentum = hasMomentum != 0 && mu != 0.0f;
    int first = AT(st, 1) == 0;
    for (int i = 0; i < P; i++)
    {
        float pv = AT(p, i);
        float g = AT(gr, i);
        g = maximize ? -g : g;
        g = wd != 0.0f ? g + (wd * pv) : g;
        if (useMomentum)
        {
            float b = first ? g : (mu * AT(buf, i)) + (damp * g);
            AT(buf, i) = b;
            g = nesterov ? g + (mu * b) : b;
        }
        AT(p, i) = pv - (lr * g);
    }
    AT(st, 1) += 1;
    AT(st, 2) = 0;
}

// optim.Adam step (amsgrad off) when the entity's window ended and its settings select Adam.
inline void el_adam_step(long S, int P, __global float* p, __global const float* gr, __global float* m,
    __global const float* sf, __global const int* si, __global long* st)
{
    if (AT(st, 2) == 0 || AT(si, 0) != 1) return;
    long t = AT(st, 1) + 1;
    AT(st, 1) = t;
    float lr = AT(sf, 0), wd = AT(sf, 3), beta1 = AT(sf, 4), beta2 = AT(sf, 5), eps = AT(sf, 6);
    int maximize = AT(si, 2);
#ifdef EL_HAS_FP64
    double b1 = beta1, b2 = beta2;
    float sqrtBc2 = (float)sqrt(1.0 - pow(b2, (double)t));
    float negStepSize = (float)(-((double)lr / (1.0 - pow(b1, (double)t))));
    float oneMinusB1 = (float)(1.0 - b1), oneMinusB2 = (float)(1.0 - b2);
#else
    float sqrtBc2 = sqrt(-expm1((float)t * log(beta2)));
    float negStepSize = -(lr / -expm1((float)t * log(beta1)));
    float oneMinusB1 = 1.0f - beta1, oneMinusB2 = 1.0f - beta2;
#endif
    __global float* v = m + (long)P * S;
    for (int i = 0; i < P; i++)
    {
        float pv = AT(p, i);
        float g = AT(gr, i);
        g = maximize ? -g : g;
        g = wd != 0.0f ? g + (wd * pv) : g;
        float mv = (AT(m, i) * beta1) + (oneMinusB1 * g);
        float vv = (AT(v, i) * beta2) + (oneMinusB2 * g * g);
        AT(m, i) = mv;
        AT(v, i) = vv;
        float denom = (sqrt(vv) / sqrtBc2) + eps;
        AT(p, i) = pv + (negStepSize * mv / denom);
    }
    AT(st, 2) = 0;
}
