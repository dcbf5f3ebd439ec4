namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// One fixture case: an <c>nn.Sequential(Linear, act, ..., Linear)</c> with widths <paramref name="Layers"/>
/// (input first), <c>MSELoss(Reduction)</c>, an optimizer, accumulation over <paramref name="AccumulationSteps"/>
/// backward passes, <paramref name="Ticks"/> ticks of <paramref name="Batch"/> samples each.
/// <paramref name="Seed"/> (for <c>torch.manual_seed</c>) draws the initial parameters and the data; it is not
/// written to the fixture, whose format has no such field.
/// </summary>
internal sealed record CaseSpec(
    string Name, int[] Layers, string Activation, int Batch, string Reduction, OptimizerSpec Optimizer,
    int AccumulationSteps, bool ZeroGrad, int Ticks, int Seed)
{
    /// <summary>Widths of the input and the output.</summary>
    internal int In => Layers[0];

    internal int Out => Layers[^1];

    /// <summary>Number of parameters: for each layer, out * in weights and out biases.</summary>
    internal int ParameterCount
    {
        get
        {
            int n = 0;
            for (int l = 0; l + 1 < Layers.Length; l++) n += Layers[l + 1] * (Layers[l] + 1);
            return n;
        }
    }
}
