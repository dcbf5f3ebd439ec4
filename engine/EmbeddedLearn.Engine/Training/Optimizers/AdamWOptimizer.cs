using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Optimizers;

/// <summary>
/// <c>torch.optim.AdamW</c> (amsgrad off), decoupled weight decay: first <c>p *= 1 - lr wd</c>, then the Adam step
/// on the raw gradient (no L2 term): <c>m = b1 m + (1 - b1) g</c>; <c>v = b2 v + (1 - b2) g^2</c>;
/// <c>p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)</c>. State: <c>[m | v]</c>, 2P floats.
/// </summary>
public sealed class AdamWOptimizer : AdamFamilyOptimizer
{
    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.AdamW;

    /// <inheritdoc/>
    public override string Name => "AdamW";

    /// <inheritdoc/>
    public override DeviceBody Device => Body;

    /// <summary>The device code (AdamW.cl beside this file).</summary>
    private static readonly DeviceBody Body = new("el_adamw_step", DeviceBody.Embedded("AdamW.cl"),
        [DeviceArgument.ParameterCount, DeviceArgument.Parameters, DeviceArgument.Gradients, DeviceArgument.AdamMoments, DeviceArgument.SettingsF, DeviceArgument.SettingsI, DeviceArgument.State, DeviceArgument.Flags]) { KernelName = "adamw_step" };

    /// <inheritdoc/>
    private protected override bool Decoupled => true;
}
