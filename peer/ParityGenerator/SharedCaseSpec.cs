namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// One shared-model case: <paramref name="Capacity"/> members of <paramref name="RowsPerMember"/> samples each share one
/// <c>nn.Sequential(Linear, act, ..., Linear)</c> with widths <paramref name="Layers"/>; at tick t the members listed
/// in <paramref name="Present"/>[t] (in member order) bring their rows, and the module trains on their concatenated
/// batch: zero_grad, forward, <c>MSELoss(Reduction)</c>, backward, step. <paramref name="Seed"/> draws the initial
/// parameters and every member's rows each tick (present or not), as <see cref="CaseData.Draw"/> does.
/// </summary>
internal sealed record SharedCaseSpec(
    string Name, int[] Layers, string Activation, int Capacity, int RowsPerMember, string Reduction, OptimizerSpec Optimizer,
    int[][] Present, int Seed)
{
    /// <summary>The same case as one module on every member's rows, for drawing its data.</summary>
    internal CaseSpec Whole => new(Name, Layers, Activation, Capacity * RowsPerMember, Reduction, Optimizer, 1, true, Present.Length, Seed);
}
