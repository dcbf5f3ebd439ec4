using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Optimizers;

/// <summary>
/// <c>torch.optim.Adam</c> (amsgrad off), weight decay as L2 added to the gradient: <c>g += wd p</c>;
/// <c>m = b1 m + (1 - b1) g</c>; <c>v = b2 v + (1 - b2) g^2</c>;
/// <c>p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)</c>. State: <c>[m | v]</c>, 2P floats.
/// </summary>
public sealed class AdamOptimizer : AdamFamilyOptimizer
{
    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.Adam;

    /// <inheritdoc/>
    public override string Name => "Adam";

    /// <inheritdoc/>
    public override DeviceBody Device => Body;

    /// <summary>The device code (Adam.cl beside this file).</summary>
    private static readonly DeviceBody Body = new("el_adam_step", DeviceBody.Embedded("Adam.cl"),
        [DeviceArgument.ParameterCount, DeviceArgument.Parameters, DeviceArgument.Gradients, DeviceArgument.AdamMoments, DeviceArgument.SettingsF, DeviceArgument.SettingsI, DeviceArgument.State, DeviceArgument.Flags]) { KernelName = "adam_step" };

    /// <inheritdoc/>
    private protected override bool Decoupled => false;
}
