using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// The CPU executor's second fusion: the <see cref="GuardStage"/>'s norm taken by the optimizer step after it. Where a
/// run has a Guard followed at once by <see cref="OptimizerStepStage"/>s, an entity that clips nothing
/// (<see cref="TrainingSettings.MaxGradNorm"/> 0), has no parameters beyond its network's
/// (<see cref="ExtraParameters"/>) and whose optimizer is among those steps is left to its step: the step stage
/// computes the norm (records it in <see cref="TrainingState.GradientNorm"/>), steps, and puts the step back and
/// counts a failure when the norm is not finite, as the guard would have skipped the step and counted it. The plain
/// SGD step computes the norm in its own pass (<see cref="Cpu.SgdStep.RunWithNorm"/>): the gradients are then read once
/// instead of twice, and the norm's double arithmetic runs beside the step's stores. Results are bit for bit those of
/// the guard then the step: the same norm in the same order, the same values, the same counts.
/// </summary>
internal static class DeferredGuard
{
    /// <summary>Finds the Guard in the run <paramref name="first"/>..<paramref name="end"/> of <paramref name="stages"/> and the
    /// step stages right after it: their range and the optimizer kinds they step (bit <c>1 &lt;&lt; kind</c>), or -1 and 0.</summary>
    public static (int Guard, int StepsEnd, int Kinds) Find(IPipelineStage[] stages, int first, int end)
    {
        for (int g = first; g < end; g++)
        {
            if (stages[g] is not GuardStage)
            {
                continue;
            }

            int kinds = 0, s = g + 1;
            for (; s < end && stages[s] is OptimizerStepStage step; s++)
            {
                kinds |= KindBit(step.Optimizer.Kind);
            }

            return kinds == 0 ? (-1, -1, 0) : (g, s, kinds);
        }

        return (-1, -1, 0);
    }

    /// <summary>The bit of <paramref name="kind"/> in a set of kinds.</summary>
    public static int KindBit(OptimizerKind kind) => 1 << ((int)kind & 31);

    /// <summary>The kinds whose entities may be left to their steps on an archetype whose extra parameters' gradient is
    /// <paramref name="extraGradient"/> (<see cref="ExtraParameters.GradientOf"/>, looked up once per block):
    /// <paramref name="kinds"/>, or none when there are extra parameters (the guard counts them in the norm itself).</summary>
    public static int KindsOn(ComponentType? extraGradient, int kinds) => extraGradient is null ? kinds : 0;

    /// <summary>Whether an entity with <paramref name="settings"/> is left to its step when the steps after the guard
    /// cover <paramref name="kinds"/> (from <see cref="KindsOn"/>).</summary>
    public static bool LeftToStep(in TrainingSettings settings, int kinds) =>
        !(settings.MaxGradNorm > 0f) && (kinds & KindBit(settings.Optimizer)) != 0;
}
