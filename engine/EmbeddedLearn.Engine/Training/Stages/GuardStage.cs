using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// The game-safe guard, between Backward and the optimizer step. For every entity due to step it computes the total
/// gradient 2-norm over all its parameters once, <c>n = sqrt(sum g^2)</c>, and records it in
/// <see cref="TrainingState.GradientNorm"/>; then
/// <list type="bullet">
/// <item>when <c>n</c> is not finite it skips the entity's step (clears <see cref="TrainingState.StepDue"/>, so its
/// parameters and optimizer state stay as they were, as PyTorch's GradScaler skips <c>optimizer.step()</c>) and counts
/// a failure (<see cref="CountFailure"/>); the entity is quarantined after
/// <see cref="TrainingSettings.FailuresBeforeQuarantine"/> failures in a row;</item>
/// <item>otherwise, when <see cref="TrainingSettings.MaxGradNorm"/> is set, it clips as
/// <c>torch.nn.utils.clip_grad_norm_(params, max_norm)</c>: <c>coef = max_norm / (n + 1e-6)</c> (float), and when
/// <c>coef &lt; 1</c> every gradient is multiplied by it.</item>
/// </list>
/// A finite norm does not end a run of failures: only an applied step does (<see cref="OptimizerStepStage"/>, which
/// also rejects a step whose new parameters or optimizer state are not finite, a failure counted the same way).
/// The sum of squares is accumulated in double, in a fixed order per entity (identical for every thread count). Parameters
/// a spec declares besides the network's (<see cref="ExtraParameters"/>: a PPO brain with a continuous policy has its log
/// standard deviation, <see cref="Reinforcement.PpoSpec.LogStdGradient"/>) count in the norm and are clipped with the
/// others, as <c>clip_grad_norm_</c> over all of the optimizer's parameters does.
/// </summary>
public sealed class GuardStage : IBlockStage
{
    /// <summary>The epsilon <c>clip_grad_norm_</c> adds to the norm.</summary>
    public const float ClipEpsilon = 1e-6f;

    /// <inheritdoc/>
    public string Name => "Guard";

    /// <inheritdoc/>
    public StageKind Kind => StageKind.Guard;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Gradients | ModelData.Settings | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Gradients | ModelData.Counters;

    /// <summary>The device code (Guard.cl beside this file).</summary>
    internal static readonly DeviceBody Body = new("el_guard", DeviceBody.Embedded("Guard.cl"),
        [DeviceArgument.ParameterCount, DeviceArgument.Gradients, DeviceArgument.SettingsF, DeviceArgument.SettingsI, DeviceArgument.State, DeviceArgument.Flags]) { KernelName = "guard" };

    /// <summary>The device code for entities with extra parameters (<see cref="ExtraParameters"/>): el_guard_extra in
    /// Guard.cl, which counts their gradients in the norm after the network's and clips them with it.</summary>
    internal static readonly DeviceBody ExtraBody = new("el_guard_extra", DeviceBody.Embedded("Guard.cl"),
        [DeviceArgument.ParameterCount, DeviceArgument.Gradients, DeviceArgument.ExtraCount, DeviceArgument.ExtraGradients,
            DeviceArgument.SettingsF, DeviceArgument.SettingsI, DeviceArgument.State, DeviceArgument.Flags]) { KernelName = "guard" };

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <summary>The norm of <paramref name="gradients"/>, accumulated in double: <c>sqrt(sum g^2)</c>, the squares summed
    /// in one canonical order whatever the vector width (<see cref="Cpu.GradientNorm"/>), so the result depends only on
    /// the values: not on threads, nor on the CPU.</summary>
    public static double Norm(ReadOnlySpan<float> gradients) => Math.Sqrt(Cpu.GradientNorm.SumOfSquares(gradients));

    /// <inheritdoc/>
    public void Execute(in ModelBlock block) => Run(block, leftToSteps: 0);

    /// <summary>The norm <c>(float)sqrt(sum of squares + the extra parameters' sum of squares)</c> as the guard records it.</summary>
    internal static float NormOf(double gradientSquares, double extraSquares) => (float)Math.Sqrt(gradientSquares + extraSquares);

    /// <summary>The guard, leaving to the step stages after it the entities <see cref="DeferredGuard.LeftToStep"/> gives them
    /// (<paramref name="leftToSteps"/>: the optimizer kinds they step; 0 for none).</summary>
    internal static void Run(in ModelBlock block, int leftToSteps)
    {
        if (!block.IsTrainable)
        {
            return;
        }

        int p = block.Spec.Parameters.ElementCount;
        Span<float> gradients = block.Floats(block.Spec.Gradients);
        ComponentType? extraType = ExtraParameters.GradientOf(block.Range.Archetype);
        int e = extraType?.ElementCount ?? 0;
        Span<float> extras = extraType is null ? default : block.Floats(extraType);
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        Span<TrainingState> states = block.States;
        leftToSteps = DeferredGuard.KindsOn(extraType, leftToSteps);
        for (int i = 0; i < block.Count; i++)
        {
            ref TrainingState state = ref states[i];
            if (!state.StepDue || (state.Outcome & TickOutcome.SitsOut) != 0
                || (leftToSteps != 0 && DeferredGuard.LeftToStep(settings[i], leftToSteps)))
            {
                continue;
            }

            Span<float> g = gradients.Slice(i * p, p);
            Span<float> extra = extras.IsEmpty ? default : extras.Slice(i * e, e);
            float norm = NormOf(Cpu.GradientNorm.SumOfSquares(g), Cpu.GradientNorm.SumOfSquares(extra));
            state.GradientNorm = norm;
            if (!float.IsFinite(norm))
            {
                state.StepDue = false;
                CountFailure(block, i, ref state);
                continue;
            }

            float maxNorm = settings[i].MaxGradNorm;
            if (maxNorm > 0f)
            {
                float coef = maxNorm / (norm + ClipEpsilon);
                if (coef < 1f)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(g, coef, g);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(extra, coef, extra);
                    if ((state.Outcome & TickOutcome.Clipped) == 0)
                    {
                        state.Outcome |= TickOutcome.Clipped;
                        block.Account?.Clipped.Add(block.Entities[i]); // once a tick, however many steps it clips (PPO minibatches)
                    }
                }
            }
        }
    }

    /// <summary>Counts a step of entity <paramref name="index"/> that was not applied (non-finite gradients, or a
    /// rejected step): <see cref="TrainingState.ConsecutiveFailures"/> goes up by one,
    /// <see cref="TickOutcome.StepSkipped"/> is recorded, and when the count reaches
    /// <see cref="TrainingSettings.FailuresBeforeQuarantine"/> (when above 0) the entity is marked
    /// <see cref="TickOutcome.Quarantined"/> (the pipeline adds the <see cref="Quarantined"/> tag after the tick). The tick's
    /// report lists the entity once, however many of its steps the tick skips (a PPO brain steps once per minibatch).</summary>
    internal static void CountFailure(in ModelBlock block, int index, ref TrainingState state)
    {
        state.ConsecutiveFailures++;
        if ((state.Outcome & TickOutcome.StepSkipped) == 0)
        {
            state.Outcome |= TickOutcome.StepSkipped;
            block.Account?.StepSkipped.Add(block.Entities[index]); // once a tick, however many steps it skips
        }

        int limit = block.Settings[index].FailuresBeforeQuarantine;
        if (limit > 0 && state.ConsecutiveFailures >= limit && (state.Outcome & TickOutcome.Quarantined) == 0)
        {
            state.Outcome |= TickOutcome.Quarantined;
            block.Account?.Quarantined.Add(block.Entities[index]);
        }
    }
}
