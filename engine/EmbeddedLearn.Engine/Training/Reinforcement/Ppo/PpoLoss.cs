using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// The PPO loss of one minibatch and its gradient with respect to the network's outputs and the log standard
/// deviation, in float, rows in order (see <see cref="PpoSettings"/> for the formulas). Where <c>min</c>, <c>max</c> and
/// <c>clamp</c> meet a tie, the gradient is PyTorch's: <c>minimum</c>/<c>maximum</c> split it evenly between their
/// arguments, <c>clamp</c> passes it inside its closed range.
/// </summary>
internal static class PpoLoss
{
    /// <summary>Advantage normalisation's epsilon (SB3's): <c>(A - mean) / (std + 1e-8)</c>.</summary>
    public const float AdvantageEpsilon = 1e-8f;

    /// <summary>
    /// Computes the loss of the first <paramref name="m"/> rows of <paramref name="outputs"/> (<c>[M, A + 1]</c>) with the
    /// minibatch data <paramref name="batch"/> (<c>[M, a + 4]</c>) into <paramref name="stats"/>, and writes
    /// <c>dL/d outputs</c> into <paramref name="outputGradient"/> (rows past m: 0) and, for continuous actions,
    /// <c>dL/d log sigma</c> into <paramref name="logStdGradient"/>. <paramref name="advantages"/> is m floats of scratch.
    /// </summary>
    public static void Run(PpoSpec spec, in PpoSettings settings, ReadOnlySpan<float> outputs, ReadOnlySpan<float> batch, int m,
        ReadOnlySpan<float> logStd, Span<float> outputGradient, Span<float> logStdGradient, Span<float> advantages, ref PpoStats stats)
    {
        int a = spec.ActionCount;
        int aw = spec.ActionWidth;
        int width = a + 1;
        int bw = spec.BatchWidth;
        bool continuous = spec.Kind == PpoActionKind.Continuous;
        outputGradient.Clear();
        if (continuous)
        {
            logStdGradient.Clear();
        }

        Advantages(batch, bw, aw, m, settings.NormalizeAdvantages, advantages);
        float inverseM = 1f / m;
        float epsilon = settings.ClipEpsilon;
        float policySum = 0f, valueSum = 0f, entropySum = 0f, klSum = 0f;
        int clipped = 0;
        for (int j = 0; j < m; j++)
        {
            ReadOnlySpan<float> output = outputs.Slice(j * width, width);
            ReadOnlySpan<float> b = batch.Slice(j * bw, bw);
            Span<float> gradient = outputGradient.Slice(j * width, width);
            float advantage = advantages[j];
            float logp = continuous ? GaussianLogProb(output, b, logStd, a) : CategoricalLogProb(output, (int)b[0], a, out _);
            float logRatio = logp - b[aw];
            float ratio = PpoMath.Exp(logRatio);
            float surrogate = ratio * advantage;
            float clippedRatio = Math.Clamp(ratio, 1f - epsilon, 1f + epsilon);
            float clippedSurrogate = clippedRatio * advantage;
            policySum += Math.Min(surrogate, clippedSurrogate);
            klSum += (ratio - 1f) - logRatio;
            clipped += Math.Abs(ratio - 1f) > epsilon ? 1 : 0;

            // d(-min(r A, clip(r) A))/d logp: through r A always when r is inside the clip range (a tie: half through
            // each, and clamp passes its half), else only where r A is the smaller.
            bool inside = ratio >= 1f - epsilon && ratio <= 1f + epsilon;
            float weight = inside ? 1f : surrogate < clippedSurrogate ? 1f : surrogate == clippedSurrogate ? 0.5f : 0f;
            float dLogp = -(advantage * inverseM) * ratio * weight;

            // value
            float value = output[a];
            float oldValue = b[aw + 1];
            float target = b[aw + 3];
            float error = value - target;
            float dValue;
            if (settings.ValueClip > 0f)
            {
                float delta = value - oldValue;
                float clippedValue = oldValue + Math.Clamp(delta, -settings.ValueClip, settings.ValueClip);
                float clippedError = clippedValue - target;
                float plain = error * error;
                float clippedSquare = clippedError * clippedError;
                valueSum += Math.Max(plain, clippedSquare);
                float pass = delta >= -settings.ValueClip && delta <= settings.ValueClip ? 1f : 0f;
                dValue = plain > clippedSquare ? error
                    : clippedSquare > plain ? clippedError * pass
                    : (0.5f * error) + (0.5f * clippedError * pass);
            }
            else
            {
                valueSum += error * error;
                dValue = error;
            }

            gradient[a] = settings.ValueCoefficient * dValue * inverseM;

            if (continuous)
            {
                for (int k = 0; k < a; k++)
                {
                    float sigma = PpoMath.Exp(logStd[k]);
                    float u = (b[k] - output[k]) / sigma;
                    gradient[k] = dLogp * (u / sigma);
                    logStdGradient[k] += dLogp * ((u * u) - 1f);
                }
            }
            else
            {
                CategoricalLogProb(output, (int)b[0], a, out float lse);
                float entropy = 0f;
                for (int k = 0; k < a; k++)
                {
                    float l = output[k] - lse;
                    entropy -= PpoMath.Exp(l) * l;
                }

                entropySum += entropy;
                float entropyScale = settings.EntropyCoefficient * inverseM;
                for (int k = 0; k < a; k++)
                {
                    float l = output[k] - lse;
                    float prob = PpoMath.Exp(l);
                    float oneHot = k == (int)b[0] ? 1f : 0f;
                    gradient[k] = (dLogp * (oneHot - prob)) + (entropyScale * prob * (l + entropy));
                }
            }
        }

        float entropyMean;
        if (continuous)
        {
            entropyMean = 0f;
            for (int k = 0; k < a; k++)
            {
                entropyMean += 0.5f + PpoMath.HalfLogTwoPi + logStd[k];
                logStdGradient[k] -= settings.EntropyCoefficient;
            }
        }
        else
        {
            entropyMean = entropySum * inverseM;
        }

        float policyLoss = -policySum * inverseM;
        float valueLoss = 0.5f * valueSum * inverseM;
        stats.PolicyLoss = policyLoss;
        stats.ValueLoss = valueLoss;
        stats.Entropy = entropyMean;
        stats.TotalLoss = policyLoss + (settings.ValueCoefficient * valueLoss) - (settings.EntropyCoefficient * entropyMean);
        stats.ApproxKl = klSum * inverseM;
        stats.ClipFraction = clipped * inverseM;
        stats.Minibatches++;
    }

    /// <summary>The minibatch's advantages, normalised when asked (and m &gt; 1): mean and unbiased standard deviation
    /// accumulated in double in row order.</summary>
    private static void Advantages(ReadOnlySpan<float> batch, int bw, int aw, int m, bool normalize, Span<float> advantages)
    {
        double sum = 0;
        for (int j = 0; j < m; j++)
        {
            advantages[j] = batch[(j * bw) + aw + 2];
            sum += advantages[j];
        }

        if (!normalize || m < 2)
        {
            return;
        }

        float mean = (float)(sum / m);
        double squares = 0;
        for (int j = 0; j < m; j++)
        {
            double d = advantages[j] - mean;
            squares += d * d;
        }

        float std = (float)Math.Sqrt(squares / (m - 1));
        for (int j = 0; j < m; j++)
        {
            advantages[j] = (advantages[j] - mean) / (std + AdvantageEpsilon);
        }
    }

    /// <summary><c>sum_k -((a_k - mu_k) / sigma_k)^2 / 2 - log sigma_k - ln(2 pi) / 2</c>.</summary>
    private static float GaussianLogProb(ReadOnlySpan<float> output, ReadOnlySpan<float> action, ReadOnlySpan<float> logStd, int a)
    {
        float sum = 0f;
        for (int k = 0; k < a; k++)
        {
            float u = (action[k] - output[k]) / PpoMath.Exp(logStd[k]);
            sum += (-0.5f * u * u) - logStd[k] - PpoMath.HalfLogTwoPi;
        }

        return sum;
    }

    /// <summary><c>log softmax(logits)_action</c>; <paramref name="lse"/> is <c>log sum_k exp(logits_k)</c>.</summary>
    private static float CategoricalLogProb(ReadOnlySpan<float> output, int action, int a, out float lse)
    {
        float max = float.NegativeInfinity;
        for (int k = 0; k < a; k++)
        {
            max = Math.Max(max, output[k]);
        }

        float total = 0f;
        for (int k = 0; k < a; k++)
        {
            total += PpoMath.Exp(output[k] - max);
        }

        lse = max + PpoMath.Log(total);
        return (uint)action < (uint)a ? output[action] - lse : float.NaN;
    }
}
