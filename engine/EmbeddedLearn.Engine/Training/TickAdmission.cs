using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Optimizers;

namespace EmbeddedLearn.Training;

/// <summary>
/// What a tick lets in, from what its stages declare they read. API misuse refuses the whole tick before anything
/// changes (<see cref="CheckSettings"/>: settings out of range, a missing optimizer state component). Bad data only
/// leaves its own entity out (<see cref="MarkNonFinite"/>: NaN or infinity in inputs or targets), so one broken sensor
/// never stops the others.
/// </summary>
internal static class TickAdmission
{
    /// <summary>Throws <see cref="ModelDataException"/> for the first trainable entity of <paramref name="block"/> with
    /// invalid settings or without the state component its optimizer needs (when <paramref name="reads"/> includes
    /// <see cref="ModelData.Settings"/>).</summary>
    public static void CheckSettings(in ModelBlock block, ModelData reads)
    {
        if ((reads & ModelData.Settings) == 0 || !block.Range.Archetype.Signature.ContainsAll(block.Spec.PlainSignature))
        {
            return;
        }

        ModelSpec spec = block.Spec;
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        for (int i = 0; i < block.Count; i++)
        {
            string? error = settings[i].Validate();
            if (error is not null)
            {
                Throw(block.Entities[i], nameof(TrainingSettings), error);
            }

            OptimizerUnit optimizer = OptimizerUnits.For(settings[i].Optimizer);
            ComponentType? state = optimizer.StateComponent(spec, settings[i]);
            if (state is not null && !block.Has(state))
            {
                Throw(block.Entities[i], state.Name, string.Format(CultureInfo.InvariantCulture,
                    "its settings select {0}{1} but it has no such state component", optimizer.Name,
                    settings[i].Optimizer == OptimizerKind.Sgd ? " with momentum" : string.Empty));
            }
        }
    }

    /// <summary>The first part of the admission of <paramref name="block"/>, which touches only its own entities (so blocks
    /// may run on several threads): <paramref name="firstOfTick"/> clears every entity's outcome and records it in
    /// <paramref name="admitted"/>; in a later run of stages of the same tick, an entity not in it was spawned during the
    /// tick and is left out until its first full tick (not recorded as bad data).</summary>
    public static void ResetOutcomes(in ModelBlock block, bool firstOfTick, EntityBits admitted)
    {
        if (block.Has(ComponentType.Of<TrainingState>()))
        {
            Span<TrainingState> states = block.States;
            ReadOnlySpan<Entity> entities = block.Entities;
            for (int i = 0; i < states.Length; i++)
            {
                if (firstOfTick)
                {
                    if (states[i].Outcome != TickOutcome.None)
                    {
                        states[i].Outcome = TickOutcome.None; // stored only when it changes: a clean line need not be written back
                    }

                    admitted.Set(entities[i]);
                }
                else if (!admitted.Contains(entities[i]))
                {
                    // Spawned by a game system during this tick: it waits for its first full tick.
                    states[i].Outcome = TickOutcome.LeftOut;
                }
            }
        }
    }

    /// <summary>Whether <see cref="MarkNonFinite"/> would find anything in <paramref name="block"/>: an input (when
    /// <paramref name="reads"/> includes them) or a target that is not finite. Only reads.</summary>
    public static bool HasNonFinite(in ModelBlock block, ModelData reads)
    {
        ModelSpec spec = block.Spec;
        return ((reads & ModelData.Inputs) != 0 && FiniteCheck.FirstNonFinite(block.Floats(spec.Inputs)) >= 0)
            || ((reads & ModelData.Targets) != 0 && block.Has(ComponentType.Of<TrainingState>()) && block.Has(spec.Targets)
                && FiniteCheck.FirstNonFinite(block.Floats(spec.Targets)) >= 0);
    }

    /// <summary>The second part: marks the entities of <paramref name="block"/> whose inputs (when <paramref name="reads"/>
    /// includes them) or targets hold NaN or infinity as left out of the tick (<see cref="TickOutcome.LeftOut"/>), recording
    /// each once in <paramref name="account"/>, in entity order (inference-only entities only when
    /// <paramref name="firstOfTick"/>).</summary>
    public static void MarkNonFinite(in ModelBlock block, ModelData reads, bool firstOfTick, TickAccount account)
    {
        ModelSpec spec = block.Spec;
        bool hasStates = block.Has(ComponentType.Of<TrainingState>());
        if ((reads & ModelData.Inputs) != 0)
        {
            Mark(block, spec.Inputs, hasStates, firstOfTick, account);
        }

        if ((reads & ModelData.Targets) != 0 && hasStates && block.Has(spec.Targets))
        {
            Mark(block, spec.Targets, hasStates, firstOfTick, account);
        }
    }

    private static void Mark(in ModelBlock block, ComponentType type, bool hasStates, bool firstOfTick, TickAccount account)
    {
        ReadOnlySpan<float> all = block.Floats(type);
        if (FiniteCheck.FirstNonFinite(all) < 0)
        {
            return;
        }

        int n = type.ElementCount;
        for (int i = 0; i < block.Count; i++)
        {
            if (FiniteCheck.FirstNonFinite(all.Slice(i * n, n)) < 0)
            {
                continue;
            }

            if (!hasStates)
            {
                if (firstOfTick)
                {
                    account.LeftOut.Add(block.Entities[i]); // inference-only: Forward checks its inputs itself
                }

                continue;
            }

            ref TrainingState state = ref block.States[i];
            if ((state.Outcome & TickOutcome.LeftOut) == 0)
            {
                state.Outcome |= TickOutcome.LeftOut;
                account.LeftOut.Add(block.Entities[i]);
            }
        }
    }

    private static void Throw(Entity entity, string component, string problem) =>
        throw ModelDataException.TickRefused(entity, component, problem);
}
