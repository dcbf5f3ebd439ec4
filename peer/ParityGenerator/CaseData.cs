using static TorchSharp.torch;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// What a case starts from and is fed: initial parameters (flat, PyTorch order: per layer weight [out, in]
/// row-major, then bias [out]) and per tick the inputs [batch, in] and targets [batch, out], row-major.
/// </summary>
internal sealed record CaseData(float[] InitialParameters, float[][] Inputs, float[][] Targets)
{
    /// <summary>
    /// Draws a case's data after <c>torch.manual_seed(spec.Seed)</c>: each layer's weight, then its bias,
    /// uniform in ±1/sqrt(in) (the bound of nn.Linear's default initialisation); then per tick the inputs,
    /// then the targets, uniform in [-1, 1).
    /// </summary>
    internal static CaseData Draw(CaseSpec spec)
    {
        manual_seed(spec.Seed);
        var initial = new List<float>(spec.ParameterCount);
        for (int l = 0; l + 1 < spec.Layers.Length; l++)
        {
            int fanIn = spec.Layers[l], fanOut = spec.Layers[l + 1];
            double bound = 1.0 / Math.Sqrt(fanIn);
            initial.AddRange(Uniform(fanOut * fanIn, bound));
            initial.AddRange(Uniform(fanOut, bound));
        }
        var inputs = new float[spec.Ticks][];
        var targets = new float[spec.Ticks][];
        for (int t = 0; t < spec.Ticks; t++)
        {
            inputs[t] = Uniform(spec.Batch * spec.In, 1.0);
            targets[t] = Uniform(spec.Batch * spec.Out, 1.0);
        }
        return new CaseData([.. initial], inputs, targets);
    }

    private static float[] Uniform(int count, double bound)
    {
        using var u = rand(count, dtype: ScalarType.Float32);
        using var scaled = (u * 2.0 - 1.0) * bound;
        return scaled.data<float>().ToArray();
    }
}
