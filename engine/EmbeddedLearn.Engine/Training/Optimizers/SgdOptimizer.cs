using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Optimizers;

/// <summary>
/// <c>torch.optim.SGD</c>: <c>g = maximize ? -grad : grad</c>; <c>g += wd p</c>; with momentum <c>m != 0</c>:
/// <c>buf = g</c> on the first step (<c>t = 1</c>), else <c>buf = m buf + (1 - dampening) g</c>;
/// <c>g = nesterov ? g + m buf : buf</c>; <c>p -= lr g</c>. State: the momentum buffer (P floats) when <c>m != 0</c>.
/// </summary>
public sealed class SgdOptimizer : OptimizerUnit
{
    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.Sgd;

    /// <inheritdoc/>
    public override string Name => "Sgd";

    /// <inheritdoc/>
    public override DeviceBody Device => Body;

    /// <summary>The device code (Sgd.cl beside this file).</summary>
    private static readonly DeviceBody Body = new("el_sgd_step", DeviceBody.Embedded("Sgd.cl"),
        [DeviceArgument.ParameterCount, DeviceArgument.Parameters, DeviceArgument.Gradients, DeviceArgument.Momentum, DeviceArgument.MomentumPresent, DeviceArgument.SettingsF, DeviceArgument.SettingsI, DeviceArgument.State, DeviceArgument.Flags]) { KernelName = "sgd_step" };

    /// <inheritdoc/>
    public override ComponentType? StateComponent(ModelSpec spec, in TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return settings.Momentum != 0f ? spec.Momentum : null;
    }

    /// <inheritdoc/>
    public override void Apply(in TrainingSettings settings, long stepCount, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> state) => SgdStep.Run(settings, stepCount == 1, parameters, gradients, state);

    /// <inheritdoc/>
    private protected override bool TryApplyWithNorm(in TrainingSettings settings, long stepCount, Span<float> parameters,
        ReadOnlySpan<float> gradients, Span<float> state, Span<float> backup, out double squares, out bool finite)
    {
        if (!SgdStep.FusesNorm(settings))
        {
            squares = 0;
            finite = false;
            return false;
        }

        finite = SgdStep.RunWithNorm(settings, parameters, gradients, backup, out squares);
        return true;
    }

    /// <inheritdoc/>
    private protected override bool ApplyKeepingOld(in TrainingSettings settings, long stepCount, Span<float> parameters,
        ReadOnlySpan<float> gradients, Span<float> state, Span<float> backup) =>
        SgdStep.Run(settings, stepCount == 1, parameters, gradients, state, backup);
}
