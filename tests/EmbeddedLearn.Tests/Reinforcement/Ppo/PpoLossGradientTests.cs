using EmbeddedLearn.Components;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>The PPO loss's analytic gradient (with respect to the network's outputs and the log-std) against central
/// finite differences of the total loss, for both action kinds, with value clipping and the entropy bonus on, at points
/// away from the clip ranges' edges.</summary>
public sealed class PpoLossGradientTests
{
    [Theory]
    [InlineData(PpoActionKind.Continuous, 0f)]
    [InlineData(PpoActionKind.Continuous, 0.2f)]
    [InlineData(PpoActionKind.Discrete, 0f)]
    [InlineData(PpoActionKind.Discrete, 0.2f)]
    public void The_gradient_matches_finite_differences(PpoActionKind kind, float valueClip)
    {
        const int M = 6, A = 3;
        PpoSpec spec = PpoSpec.Get(ModelSpec.Get(ModelLayout.Parse("4,8," + (A + 1), Activation.Tanh), M), kind, 3, 2);
        PpoSettings settings = PpoSettings.Ppo(clipEpsilon: 0.2f, valueClip: valueClip, valueCoefficient: 0.7f, entropyCoefficient: 0.05f);
        var random = new Random(11);
        float[] outputs = [.. Enumerable.Range(0, M * (A + 1)).Select(_ => (random.NextSingle() * 2) - 1)];
        float[] logStd = [-0.4f, -0.1f, 0.2f];
        int bw = spec.BatchWidth;
        float[] batch = new float[M * bw];
        for (int j = 0; j < M; j++)
        {
            Span<float> b = batch.AsSpan(j * bw, bw);
            if (kind == PpoActionKind.Continuous)
            {
                for (int k = 0; k < A; k++)
                {
                    b[k] = outputs[(j * (A + 1)) + k] + (random.NextSingle() - 0.5f);
                }
            }
            else
            {
                b[0] = random.Next(A);
            }

            int aw = spec.ActionWidth;
            // Ratios exp(-+0.1) inside the clip range, exp(-+0.3) and exp(-+0.5) outside, none near its edges; old values
            // 0.1 (inside the value clip range) or 0.35 (outside) from the new ones.
            b[aw] = LogProb(kind, outputs.AsSpan(j * (A + 1), A), b, logStd) + ((j % 2 == 0 ? 1 : -1) * (0.1f + (0.2f * (j % 3))));
            b[aw + 1] = outputs[(j * (A + 1)) + A] + ((j % 3 == 0 ? -1 : 1) * (j % 2 == 0 ? 0.1f : 0.35f));
            b[aw + 2] = (random.NextSingle() * 2) - 1; // advantage
            b[aw + 3] = (random.NextSingle() * 2) - 1; // return
        }

        float[] gradient = new float[outputs.Length];
        float[] logStdGradient = new float[A];
        float[] scratch = new float[M];
        var stats = default(PpoStats);
        PpoLoss.Run(spec, settings, outputs, batch, M, logStd, gradient, logStdGradient, scratch, ref stats);
        Assert.InRange(stats.ClipFraction, 0.01f, 0.99f); // both branches of the surrogate are exercised

        double Loss()
        {
            var s = default(PpoStats);
            PpoLoss.Run(spec, settings, outputs, batch, M, logStd, new float[outputs.Length], new float[A], new float[M], ref s);
            return s.TotalLoss;
        }

        const float H = 2e-4f;
        for (int i = 0; i < outputs.Length; i++)
        {
            AssertDerivative(ref outputs[i], gradient[i], Loss, H, "output " + i);
        }

        if (kind == PpoActionKind.Continuous)
        {
            for (int k = 0; k < A; k++)
            {
                AssertDerivative(ref logStd[k], logStdGradient[k], Loss, H, "log-std " + k);
            }
        }
    }

    private static float LogProb(PpoActionKind kind, ReadOnlySpan<float> heads, ReadOnlySpan<float> action, ReadOnlySpan<float> logStd)
    {
        double sum = 0;
        if (kind == PpoActionKind.Continuous)
        {
            for (int k = 0; k < heads.Length; k++)
            {
                double u = (action[k] - heads[k]) / Math.Exp(logStd[k]);
                sum += (-0.5 * u * u) - logStd[k] - (0.5 * Math.Log(2 * Math.PI));
            }

            return (float)sum;
        }

        foreach (float z in heads)
        {
            sum += Math.Exp(z);
        }

        return (float)(heads[(int)action[0]] - Math.Log(sum));
    }

    private static void AssertDerivative(ref float x, float analytic, Func<double> loss, float h, string what)
    {
        float saved = x;
        x = saved + h;
        double up = loss();
        x = saved - h;
        double down = loss();
        x = saved;
        double numeric = (up - down) / (2 * h);
        Assert.True(Math.Abs(numeric - analytic) <= 2e-3 + (2e-2 * Math.Abs(numeric)),
            $"{what}: analytic {analytic:G6}, finite difference {numeric:G6}");
    }
}
