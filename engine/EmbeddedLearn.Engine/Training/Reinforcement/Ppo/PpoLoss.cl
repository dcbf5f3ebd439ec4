// Device code of the PpoLoss stage (PpoLossStage.cs and PpoLoss.cs), after QAgent.cl and PpoMath.cl: per brain (one lane
// at a time, as each brain has its own minibatch size and settings), the PPO loss of its minibatch after Forward wrote the
// outputs y [M, A + 1]: the clipped surrogate, the value loss (clipped when ValueClip > 0) and the entropy bonus, with the
// advantages normalised per minibatch when asked (mean and variance accumulated in double where the device has it).
// Writes dL/d outputs into dy (rows past m: 0), dL/d log sigma into plsg (continuous actions only), the measurements into
// PpoStats and the total into loss. Rows in order, floats in the CPU's order of operations (no fused multiply-adds).
// Where min, max and clamp meet a tie the gradient is PyTorch's, as PpoLoss.cs has it: minimum / maximum split it evenly,
// clamp passes it inside its closed range. min, max and clamp themselves are .NET's Math.Min / Max / Clamp: NaN in, NaN
// out (OpenCL's fmin / fmax / clamp would drop a NaN), -0 below +0. Pointers arrive offset by the work-item's first
// entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.

// PpoLoss.AdvantageEpsilon (SB3's): (A - mean) / (std + 1e-8).
#define EL_PPO_ADVANTAGE_EPSILON 1e-8f

// Math.Min(a, b) as .NET has it: NaN when either is NaN; -0 below +0.
inline float el_ppo_loss_min(float a, float b)
{
    if (a != b) return isnan(a) ? a : (a < b ? a : b);
    return signbit(a) ? a : b;
}

// Math.Max(a, b) as .NET has it: NaN when either is NaN; +0 above -0.
inline float el_ppo_loss_max(float a, float b)
{
    if (a != b) return isnan(a) ? a : (b < a ? a : b);
    return signbit(b) ? a : b;
}

// Math.Clamp(v, lo, hi) as .NET has it: NaN stays NaN.
inline float el_ppo_loss_clamp(float v, float lo, float hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

// PpoLoss.Advantages: the m advantages of lane l's minibatch (pbatch column aw + 2) into ascr [m], normalised when asked
// and m > 1 with the mean and the unbiased standard deviation, accumulated in row order.
inline void el_ppo_loss_advantages(long S, __global const float* pbatch, int bw, int aw, int m, bool normalize,
    __global float* ascr, int l)
{
#ifdef EL_HAS_FP64
    double sum = 0.0;
#else
    float sum = 0.0f;
#endif
    for (int j = 0; j < m; j++)
    {
        float advantage = EL_AT(pbatch, (j * bw) + aw + 2, l);
        EL_AT(ascr, j, l) = advantage;
        sum += advantage;
    }
    if (!normalize || m < 2) return;
#ifdef EL_HAS_FP64
    float mean = (float)(sum / (double)m);
    double squares = 0.0;
    for (int j = 0; j < m; j++)
    {
        double d = (double)(EL_AT(ascr, j, l) - mean); // the difference in float, as the CPU's
        squares += d * d;
    }
    float std = (float)sqrt(squares / (double)(m - 1));
#else
    float mean = sum / (float)m;
    float squares = 0.0f;
    for (int j = 0; j < m; j++)
    {
        float d = EL_AT(ascr, j, l) - mean;
        squares += d * d;
    }
    float std = sqrt(squares / (float)(m - 1));
#endif
    for (int j = 0; j < m; j++) EL_AT(ascr, j, l) = (EL_AT(ascr, j, l) - mean) / (std + EL_PPO_ADVANTAGE_EPSILON);
}

// PpoLoss.GaussianLogProb of the action at pbatch element `action` under the means at y element `output`:
// sum_k -((a_k - mu_k) / sigma_k)^2 / 2 - log sigma_k - ln(2 pi) / 2.
inline float el_ppo_loss_gaussian_logp(long S, int a, __global const float* y, int output, __global const float* pbatch,
    int action, __global const float* pls, int l)
{
    float sum = 0.0f;
    for (int k = 0; k < a; k++)
    {
        float logStd = EL_AT(pls, k, l);
        float u = (EL_AT(pbatch, action + k, l) - EL_AT(y, output + k, l)) / el_ppo_exp(logStd);
        sum += (((-0.5f * u) * u) - logStd) - EL_HALF_LOG_TWO_PI;
    }
    return sum;
}

// log sum_k exp(logits_k) of the a logits at y element `output` (PpoLoss.CategoricalLogProb's lse).
inline float el_ppo_loss_lse(long S, int a, __global const float* y, int output, int l)
{
    float largest = -INFINITY;
    for (int k = 0; k < a; k++) largest = el_ppo_loss_max(largest, EL_AT(y, output + k, l));
    float total = 0.0f;
    for (int k = 0; k < a; k++) total += el_ppo_exp(EL_AT(y, output + k, l) - largest);
    return largest + el_ppo_log(total);
}

// The clipped surrogate of one row: adds min(r A, clip(r) A), the approximate KL (r - 1) - log r and whether r left the
// clip range to the sums; returns d(-min(r A, clip(r) A) / m)/d logp: through r A always when r is inside the clip range
// (a tie: half through each, and clamp passes its half), else only where r A is the smaller (half on a tie).
inline float el_ppo_loss_policy(float logp, float oldLogp, float advantage, float epsilon, float inverseM,
    float* policySum, float* klSum, int* clipped)
{
    float logRatio = logp - oldLogp;
    float ratio = el_ppo_exp(logRatio);
    float surrogate = ratio * advantage;
    float clippedRatio = el_ppo_loss_clamp(ratio, 1.0f - epsilon, 1.0f + epsilon);
    float clippedSurrogate = clippedRatio * advantage;
    *policySum += el_ppo_loss_min(surrogate, clippedSurrogate);
    *klSum += (ratio - 1.0f) - logRatio;
    *clipped += fabs(ratio - 1.0f) > epsilon ? 1 : 0;
    bool inside = ratio >= 1.0f - epsilon && ratio <= 1.0f + epsilon;
    float weight = inside ? 1.0f : surrogate < clippedSurrogate ? 1.0f : surrogate == clippedSurrogate ? 0.5f : 0.0f;
    return ((-(advantage * inverseM)) * ratio) * weight;
}

// The value loss of one row: adds the squared error (with ValueClip > 0 the larger of it and the clipped one's) to
// *valueSum; returns d(loss)/d value before the coefficient and 1/m (max splits a tie evenly; clamp passes inside its
// closed range).
inline float el_ppo_loss_value(float value, float oldValue, float target, float valueClip, float* valueSum)
{
    float error = value - target;
    if (valueClip > 0.0f)
    {
        float delta = value - oldValue;
        float clippedValue = oldValue + el_ppo_loss_clamp(delta, -valueClip, valueClip);
        float clippedError = clippedValue - target;
        float plain = error * error;
        float clippedSquare = clippedError * clippedError;
        *valueSum += el_ppo_loss_max(plain, clippedSquare);
        float pass = delta >= -valueClip && delta <= valueClip ? 1.0f : 0.0f;
        return plain > clippedSquare ? error
            : clippedSquare > plain ? clippedError * pass
            : (0.5f * error) + ((0.5f * clippedError) * pass);
    }
    *valueSum += error * error;
    return error;
}

// The Gaussian policy's gradient of one row: dL/d mu_k into dy at element `output` + k, dL/d log sigma_k added into plsg.
inline void el_ppo_loss_gaussian_gradient(long S, int a, float dLogp, __global const float* y, __global float* dy,
    int output, __global const float* pbatch, int action, __global const float* pls, __global float* plsg, int l)
{
    for (int k = 0; k < a; k++)
    {
        float sigma = el_ppo_exp(EL_AT(pls, k, l));
        float u = (EL_AT(pbatch, action + k, l) - EL_AT(y, output + k, l)) / sigma;
        EL_AT(dy, output + k, l) = dLogp * (u / sigma);
        EL_AT(plsg, k, l) += dLogp * ((u * u) - 1.0f);
    }
}

// The categorical policy's gradient of one row (logits at y / dy element `output`, the row's action index `action`, lse
// its log-sum-exp): the policy term and the entropy bonus's into dy; returns the row's entropy.
inline float el_ppo_loss_categorical_gradient(long S, int a, float dLogp, float lse, int action, float entropyScale,
    __global const float* y, __global float* dy, int output, int l)
{
    float entropy = 0.0f;
    for (int k = 0; k < a; k++)
    {
        float lk = EL_AT(y, output + k, l) - lse;
        entropy -= el_ppo_exp(lk) * lk;
    }
    for (int k = 0; k < a; k++)
    {
        float lk = EL_AT(y, output + k, l) - lse;
        float prob = el_ppo_exp(lk);
        float oneHot = k == action ? 1.0f : 0.0f;
        EL_AT(dy, output + k, l) = (dLogp * (oneHot - prob)) + ((entropyScale * prob) * (lk + entropy));
    }
    return entropy;
}

// The loss of lane l's first m minibatch rows (PpoLoss.Run): gradients into dy and plsg, measurements into pstats, the
// total into loss.
inline void el_ppo_loss_lane(long S, int a, int aw, int ppoCont, int batch, int m, __global const float* y,
    __global float* dy, __global const float* pbatch, __global const float* pls, __global float* plsg,
    __global const int* pps, __global int* pstats, __global float* loss, __global float* ascr, int l)
{
    int width = a + 1;
    int bw = aw + 4;
    float epsilon = EL_GET_F(pps, l, PPOSETTINGS_CLIPEPSILON);
    float valueClip = EL_GET_F(pps, l, PPOSETTINGS_VALUECLIP);
    float valueCoefficient = EL_GET_F(pps, l, PPOSETTINGS_VALUECOEFFICIENT);
    float entropyCoefficient = EL_GET_F(pps, l, PPOSETTINGS_ENTROPYCOEFFICIENT);
    for (int i = 0; i < batch * width; i++) EL_AT(dy, i, l) = 0.0f;
    if (ppoCont) for (int k = 0; k < a; k++) EL_AT(plsg, k, l) = 0.0f;
    el_ppo_loss_advantages(S, pbatch, bw, aw, m, EL_GET_B(pps, l, PPOSETTINGS_NORMALIZEADVANTAGES), ascr, l);
    float inverseM = 1.0f / (float)m;
    float policySum = 0.0f, valueSum = 0.0f, entropySum = 0.0f, klSum = 0.0f;
    int clipped = 0;
    for (int j = 0; j < m; j++)
    {
        int output = j * width;
        int row = j * bw;
        int action = ppoCont ? 0 : convert_int_sat(EL_AT(pbatch, row, l)); // (int) in .NET: saturating, NaN to 0
        float lse = ppoCont ? 0.0f : el_ppo_loss_lse(S, a, y, output, l);
        float logp = ppoCont ? el_ppo_loss_gaussian_logp(S, a, y, output, pbatch, row, pls, l)
            : (uint)action < (uint)a ? EL_AT(y, output + action, l) - lse : NAN;
        float dLogp = el_ppo_loss_policy(logp, EL_AT(pbatch, row + aw, l), EL_AT(ascr, j, l), epsilon, inverseM,
            &policySum, &klSum, &clipped);
        float dValue = el_ppo_loss_value(EL_AT(y, output + a, l), EL_AT(pbatch, row + aw + 1, l),
            EL_AT(pbatch, row + aw + 3, l), valueClip, &valueSum);
        EL_AT(dy, output + a, l) = (valueCoefficient * dValue) * inverseM;
        if (ppoCont)
        {
            el_ppo_loss_gaussian_gradient(S, a, dLogp, y, dy, output, pbatch, row, pls, plsg, l);
        }
        else
        {
            entropySum += el_ppo_loss_categorical_gradient(S, a, dLogp, lse, action, entropyCoefficient * inverseM, y, dy,
                output, l);
        }
    }
    float entropyMean;
    if (ppoCont)
    {
        entropyMean = 0.0f;
        for (int k = 0; k < a; k++)
        {
            entropyMean += (0.5f + EL_HALF_LOG_TWO_PI) + EL_AT(pls, k, l);
            EL_AT(plsg, k, l) -= entropyCoefficient;
        }
    }
    else
    {
        entropyMean = entropySum * inverseM;
    }
    float policyLoss = (-policySum) * inverseM;
    float valueLoss = (0.5f * valueSum) * inverseM;
    float total = (policyLoss + (valueCoefficient * valueLoss)) - (entropyCoefficient * entropyMean);
    EL_SET_F(pstats, l, PPOSTATS_POLICYLOSS, policyLoss);
    EL_SET_F(pstats, l, PPOSTATS_VALUELOSS, valueLoss);
    EL_SET_F(pstats, l, PPOSTATS_ENTROPY, entropyMean);
    EL_SET_F(pstats, l, PPOSTATS_TOTALLOSS, total);
    EL_SET_F(pstats, l, PPOSTATS_APPROXKL, klSum * inverseM);
    EL_SET_F(pstats, l, PPOSTATS_CLIPFRACTION, (float)clipped * inverseM);
    EL_SET_L(pstats, l, PPOSTATS_MINIBATCHES, EL_GET_L(pstats, l, PPOSTATS_MINIBATCHES) + 1);
    EL_AT(loss, 0, l) = total;
}

// PpoLossStage.Execute for the lanes of `on`: lanes whose minibatch has no rows (no update in progress) are left alone.
inline void el_ppo_loss(long S, int layers, __global const int* widths, int batch, int ppoAw, int ppoCont,
    __global const float* y, __global float* dy, __global const float* pbatch, __global const float* pls,
    __global float* plsg, __global const int* pps, __global const int* pst, __global int* pstats, __global float* loss,
    __global float* ascr, vi on)
{
    int a = widths[layers] - 1;
    int lanes[VW];
    EL_LANES(on, lanes);
    for (int l = 0; l < VW; l++)
    {
        if (!lanes[l]) continue;
        int m = EL_GET_I(pst, l, PPOSTATE_MINIBATCHROWS);
        if (m <= 0) continue;
        el_ppo_loss_lane(S, a, ppoAw, ppoCont, batch, m, y, dy, pbatch, pls, plsg, pps, pstats, loss, ascr, l);
    }
}
