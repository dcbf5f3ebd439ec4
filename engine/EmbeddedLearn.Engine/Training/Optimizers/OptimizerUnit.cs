using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.Optimizers;

/// <summary>
/// One optimizer, in one place: which <see cref="OptimizerKind"/> selects it, the state component it keeps, its
/// CPU step and its device code (<see cref="Device"/>: an OpenCL C body beside the unit, whose settings offsets are
/// generated from <c>DeviceSettingsLayout</c>). The step stage (<see cref="Stages.OptimizerStepStage"/>) is the same
/// for every unit and owns the counter convention: for an entity whose accumulation window just ended it first
/// increments <see cref="TrainingState.OptimizerSteps"/>, then calls <see cref="Apply"/> with that count
/// <c>t</c> (1 on the first step), then clears <see cref="TrainingState.StepDue"/>. Units are listed in
/// <see cref="OptimizerUnits.All"/>.
/// </summary>
public abstract class OptimizerUnit
{
    /// <summary>The settings value that selects this unit.</summary>
    public abstract OptimizerKind Kind { get; }

    /// <summary>Its name, as stage names and messages use it ("Sgd", "Adam", "AdamW").</summary>
    public abstract string Name { get; }

    /// <summary>The step's device code (an OpenCL C body beside the unit, its arguments declared), or null for a unit
    /// that steps only on the CPU.</summary>
    public abstract DeviceBody? Device { get; }

    /// <summary>The state component an entity with <paramref name="settings"/> needs (P floats of momentum, 2P floats
    /// of Adam moments), or null when it keeps none.</summary>
    public abstract ComponentType? StateComponent(ModelSpec spec, in TrainingSettings settings);

    /// <summary>Applies step number <paramref name="stepCount"/> (<c>t</c>, 1 on the first step) to one entity in place.
    /// <paramref name="parameters"/> and <paramref name="gradients"/> hold P floats; <paramref name="state"/> is the
    /// entity's slice of <see cref="StateComponent"/> (empty when it has none).</summary>
    public abstract void Apply(in TrainingSettings settings, long stepCount, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> state);

    /// <summary>
    /// <see cref="Apply"/>, kept only when every new parameter and state value is finite: otherwise both are put back
    /// exactly as before (from <paramref name="scratch"/>, which needs <c>parameters.Length + state.Length</c> floats) and
    /// the result is false. The step-result guard of every step stage.
    /// </summary>
    internal bool ApplyIfFinite(in TrainingSettings settings, long stepCount, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> state, Span<float> scratch)
    {
        Span<float> backup = scratch[..(parameters.Length + state.Length)];
        if (ApplyKeepingOld(settings, stepCount, parameters, gradients, state, backup))
        {
            return true;
        }

        PutBack(backup, parameters, state);
        return false;
    }

    /// <summary>
    /// The guard's norm of <paramref name="gradients"/> (<see cref="Stages.GuardStage.NormOf"/>, recorded by the caller) and
    /// <see cref="ApplyIfFinite"/> in one: false, with nothing changed, when the norm or a new value is not finite. A unit
    /// that computes the norm inside its own step's pass does so (<see cref="TryApplyWithNorm"/>); the others compute it
    /// first.
    /// </summary>
    internal bool ApplyWithNormIfFinite(in TrainingSettings settings, long stepCount, Span<float> parameters,
        ReadOnlySpan<float> gradients, Span<float> state, Span<float> scratch, out float norm)
    {
        Span<float> backup = scratch[..(parameters.Length + state.Length)];
        if (TryApplyWithNorm(settings, stepCount, parameters, gradients, state, backup, out double squares, out bool finite))
        {
            norm = Stages.GuardStage.NormOf(squares, 0.0);
            if (finite && float.IsFinite(norm))
            {
                return true;
            }

            PutBack(backup, parameters, state);
            return false;
        }

        norm = Stages.GuardStage.NormOf(Cpu.GradientNorm.SumOfSquares(gradients), 0.0);
        return float.IsFinite(norm) && ApplyIfFinite(settings, stepCount, parameters, gradients, state, scratch);
    }

    /// <summary>Puts a rejected step back: the old values <c>[parameters | state]</c> from <paramref name="backup"/>.</summary>
    private static void PutBack(ReadOnlySpan<float> backup, Span<float> parameters, Span<float> state)
    {
        backup[..parameters.Length].CopyTo(parameters);
        backup[parameters.Length..].CopyTo(state);
    }

    /// <summary>
    /// For a unit whose step can take the gradients' sum of squares in its own pass (<see cref="Cpu.GradientNorm"/>'s
    /// canonical order): applies the step, old values copied to <paramref name="backup"/>, and returns true with the sum in
    /// <paramref name="squares"/> and whether every new value is finite in <paramref name="finite"/>. False (nothing done)
    /// where it cannot.
    /// </summary>
    private protected virtual bool TryApplyWithNorm(in TrainingSettings settings, long stepCount, Span<float> parameters,
        ReadOnlySpan<float> gradients, Span<float> state, Span<float> backup, out double squares, out bool finite)
    {
        squares = 0;
        finite = false;
        return false;
    }

    /// <summary>
    /// <see cref="Apply"/>, having copied the old values to <paramref name="backup"/> (<c>[parameters | state]</c>, exactly
    /// <c>parameters.Length + state.Length</c> floats): true when every new parameter and state value is finite. A unit
    /// whose kernel does the copy and the check in its own pass overrides it.
    /// </summary>
    private protected virtual bool ApplyKeepingOld(in TrainingSettings settings, long stepCount, Span<float> parameters,
        ReadOnlySpan<float> gradients, Span<float> state, Span<float> backup)
    {
        parameters.CopyTo(backup);
        state.CopyTo(backup[parameters.Length..]);
        Apply(settings, stepCount, parameters, gradients, state);
        return FiniteCheck.AllFinite(parameters) && FiniteCheck.AllFinite(state);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
