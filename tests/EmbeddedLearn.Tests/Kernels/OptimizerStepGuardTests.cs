using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using EmbeddedLearn.Training.Optimizers;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>
/// The optimizer steps check their new values and keep the old ones in their own pass
/// (<see cref="OptimizerUnit.ApplyIfFinite"/>): on every vector width and tail length the kept step has the bits of a
/// plain scalar step, and a step with any non-finite new parameter or state value leaves both exactly as they were.
/// </summary>
public class OptimizerStepGuardTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Settings.Keys)
        {
            foreach (int n in new[] { 1, 7, 8, 9, 15, 16, 17, 37, 1410 })
            {
                data.Add(name, n);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, TrainingSettings> Settings = new()
    {
        ["sgd"] = TrainingSettings.Sgd(0.1f),
        ["sgd-momentum"] = TrainingSettings.Sgd(0.1f, momentum: 0.9f, dampening: 0.1f),
        ["sgd-nesterov-wd-maximize"] = TrainingSettings.Sgd(0.05f, momentum: 0.8f, nesterov: true, weightDecay: 0.01f, maximize: true),
        ["sgd-wd"] = TrainingSettings.Sgd(0.1f, weightDecay: 0.02f),
        ["adam"] = TrainingSettings.Adam(0.01f),
        ["adam-wd-maximize"] = TrainingSettings.Adam(0.01f, weightDecay: 0.05f, maximize: true),
        ["adamw"] = TrainingSettings.AdamW(0.01f, weightDecay: 0.1f),
        ["adamw-no-decay"] = TrainingSettings.AdamW(0.01f, weightDecay: 0f),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_kept_step_has_the_bits_of_a_scalar_step(string name, int n)
    {
        TrainingSettings s = Settings[name];
        OptimizerUnit unit = OptimizerUnits.For(s.Optimizer);
        var random = new Random(n + name.Length);
        for (long t = 1; t <= 3; t++)
        {
            (float[] p, float[] g, float[] state) = Entity(random, s, n);
            float[] expectedP = (float[])p.Clone(), expectedState = (float[])state.Clone();
            ScalarStep(s, t, expectedP, g, expectedState);
            var scratch = new float[p.Length + state.Length + 5];
            Assert.True(unit.ApplyIfFinite(s, t, p, g, state, scratch));
            KernelAssert.Bitwise(expectedP, p, $"{name} parameters, t = {t}");
            KernelAssert.Bitwise(expectedState, state, $"{name} state, t = {t}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_step_with_a_non_finite_new_value_anywhere_leaves_everything_as_it_was(string name, int n)
    {
        TrainingSettings s = Settings[name];
        OptimizerUnit unit = OptimizerUnits.For(s.Optimizer);
        var random = new Random(n * 7);
        // NaN and infinity in the gradient; for Adam also a finite gradient whose square overflows v (p stays finite).
        float[] poisons = s.Optimizer == OptimizerKind.Sgd ? [float.NaN, float.PositiveInfinity] : [float.NaN, float.NegativeInfinity, 1e30f];
        foreach (int at in new[] { 0, n / 2, n - 1 }.Distinct())
        {
            foreach (float poison in poisons)
            {
                (float[] p, float[] g, float[] state) = Entity(random, s, n);
                g[at] = poison;
                float[] beforeP = (float[])p.Clone(), beforeState = (float[])state.Clone();
                var scratch = new float[p.Length + state.Length];
                Assert.False(unit.ApplyIfFinite(s, 2, p, g, state, scratch));
                KernelAssert.Bitwise(beforeP, p, $"{name} parameters, {poison} at {at}");
                KernelAssert.Bitwise(beforeState, state, $"{name} state, {poison} at {at}");
            }
        }
    }

    private static (float[] P, float[] G, float[] State) Entity(Random random, TrainingSettings s, int n)
    {
        float[] p = KernelAssert.RandomFloats(random, n);
        float[] g = KernelAssert.RandomFloats(random, n);
        float[] state = s.Optimizer != OptimizerKind.Sgd ? KernelAssert.RandomFloats(random, 2 * n)
            : s.Momentum != 0f ? KernelAssert.RandomFloats(random, n) : [];
        if (s.Optimizer != OptimizerKind.Sgd)
        {
            for (int k = n; k < 2 * n; k++)
            {
                state[k] = Math.Abs(state[k]); // v >= 0
            }
        }

        return (p, g, state);
    }

    /// <summary>The step written as plain float arithmetic, one element at a time.</summary>
    private static void ScalarStep(TrainingSettings s, long t, float[] p, float[] grad, float[] state)
    {
        int n = p.Length;
        if (s.Optimizer == OptimizerKind.Sgd)
        {
            for (int k = 0; k < n; k++)
            {
                float g = s.Maximize ? -grad[k] : grad[k];
                g = s.WeightDecay != 0f ? g + (s.WeightDecay * p[k]) : g;
                if (s.Momentum != 0f)
                {
                    float b = t == 1 ? g : (s.Momentum * state[k]) + ((1f - s.Dampening) * g);
                    state[k] = b;
                    g = s.Nesterov ? g + (s.Momentum * b) : b;
                }

                p[k] -= s.LearningRate * g;
            }

            return;
        }

        bool decoupled = s.Optimizer == OptimizerKind.AdamW;
        float factor = (float)(1.0 - ((double)s.LearningRate * s.WeightDecay));
        float sqrtBc2 = (float)Math.Sqrt(1.0 - ExactMath.Pow(s.Beta2, t));
        float negStep = (float)-(s.LearningRate / (1.0 - ExactMath.Pow(s.Beta1, t)));
        float c1 = (float)(1.0 - s.Beta1), c2 = (float)(1.0 - s.Beta2);
        for (int k = 0; k < n; k++)
        {
            float pv = decoupled && s.WeightDecay != 0f ? p[k] * factor : p[k];
            float g = s.Maximize ? -grad[k] : grad[k];
            g = !decoupled && s.WeightDecay != 0f ? g + (s.WeightDecay * pv) : g;
            float m = (state[k] * s.Beta1) + (c1 * g);
            float v = (state[n + k] * s.Beta2) + (c2 * g * g);
            state[k] = m;
            state[n + k] = v;
            p[k] = pv + (negStep * m / ((MathF.Sqrt(v) / sqrtBc2) + s.Epsilon));
        }
    }
}
