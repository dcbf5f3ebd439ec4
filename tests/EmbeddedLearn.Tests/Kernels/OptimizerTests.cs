using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

public class OptimizerTests
{
    private const int N = 37;

    [Theory]
    [InlineData(0f, 0f, false, 0f, false)]
    [InlineData(0.9f, 0f, false, 0f, false)]
    [InlineData(0.9f, 0.3f, false, 0f, false)]
    [InlineData(0.8f, 0f, true, 0f, false)]
    [InlineData(0f, 0f, false, 0.05f, false)]
    [InlineData(0f, 0f, false, 0f, true)]
    [InlineData(0.7f, 0.1f, false, 0.02f, true)]
    [InlineData(0.5f, 0f, true, 0.01f, true)]
    public void Sgd_matches_double_reference_over_several_steps(float momentum, float dampening, bool nesterov, float wd, bool maximize)
    {
        TrainingSettings s = TrainingSettings.Sgd(0.1f, momentum, dampening, nesterov, wd, maximize);
        var random = new Random(17);
        float[] p = KernelAssert.RandomFloats(random, N);
        float[] buf = momentum != 0 ? new float[N] : [];
        double[] rp = KernelAssert.ToDouble(p);
        var rbuf = new double[N];
        for (int step = 0; step < 4; step++)
        {
            float[] grad = KernelAssert.RandomFloats(random, N);
            SgdStep.Run(s, step == 0, p, grad, buf);
            for (int k = 0; k < N; k++)
            {
                double g = maximize ? -grad[k] : grad[k];
                g += wd * rp[k];
                if (momentum != 0)
                {
                    rbuf[k] = step == 0 ? g : (momentum * rbuf[k]) + ((1 - dampening) * g);
                    g = nesterov ? g + (momentum * rbuf[k]) : rbuf[k];
                }

                rp[k] -= 0.1 * g;
            }

            KernelAssert.Close(rp, p, 1e-5, 1e-6, $"parameters after step {step + 1}");
            if (momentum != 0)
            {
                KernelAssert.Close(rbuf, buf, 1e-5, 1e-6, $"momentum after step {step + 1}");
            }
        }
    }

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.01f, false)]
    [InlineData(0f, true)]
    [InlineData(0.05f, true)]
    public void Adam_matches_double_reference_over_several_steps(float wd, bool maximize)
    {
        TrainingSettings s = TrainingSettings.Adam(0.01f, 0.9f, 0.999f, 1e-8f, wd, maximize);
        var random = new Random(23);
        float[] p = KernelAssert.RandomFloats(random, N);
        var m = new float[N];
        var v = new float[N];
        double[] rp = KernelAssert.ToDouble(p);
        var rm = new double[N];
        var rv = new double[N];
        for (int t = 1; t <= 5; t++)
        {
            float[] grad = KernelAssert.RandomFloats(random, N);
            AdamStep.Run(s, t, p, grad, m, v);
            double bc1 = 1 - Math.Pow(0.9f, t), bc2 = 1 - Math.Pow(0.999f, t);
            for (int k = 0; k < N; k++)
            {
                double g = maximize ? -grad[k] : grad[k];
                g += wd * rp[k];
                rm[k] = (0.9f * rm[k]) + ((1 - 0.9f) * g);
                rv[k] = (0.999f * rv[k]) + ((1 - 0.999f) * g * g);
                double denom = (Math.Sqrt(rv[k]) / Math.Sqrt(bc2)) + 1e-8f;
                rp[k] -= 0.01f / bc1 * rm[k] / denom;
            }

            KernelAssert.Close(rp, p, 1e-5, 1e-6, $"parameters after step {t}");
            KernelAssert.Close(rm, m, 1e-5, 1e-6, $"m after step {t}");
            KernelAssert.Close(rv, v, 1e-4, 1e-7, $"v after step {t}");
        }
    }
}
