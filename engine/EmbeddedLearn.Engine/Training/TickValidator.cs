using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Optimizers;

namespace EmbeddedLearn.Training;

/// <summary>Checks every model entity a tick will touch before the tick changes anything.</summary>
internal static class TickValidator
{
    /// <summary>Throws <see cref="ModelDataException"/> for the first entity of <paramref name="block"/> with invalid
    /// data among what <paramref name="reads"/> (the union of the declared reads of the stages about to run) names:
    /// non-finite inputs, non-finite targets (trainable entities), invalid settings or a missing optimizer state
    /// component (trainable entities).</summary>
    public static void Check(in ModelBlock block, ModelData reads)
    {
        ModelSpec spec = block.Spec;
        if ((reads & ModelData.Inputs) != 0)
        {
            CheckFinite(block, spec.Inputs);
        }

        if (!block.IsTrainable)
        {
            return;
        }

        if ((reads & ModelData.Targets) != 0)
        {
            CheckFinite(block, spec.Targets);
        }

        if ((reads & ModelData.Settings) != 0)
        {
            CheckSettings(block);
        }
    }

    private static void CheckSettings(in ModelBlock block)
    {
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

    private static void CheckFinite(in ModelBlock block, ComponentType type)
    {
        ReadOnlySpan<float> all = block.Floats(type);
        if (FiniteCheck.FirstNonFinite(all) < 0)
        {
            return;
        }

        int n = type.ElementCount;
        for (int i = 0; i < block.Count; i++)
        {
            ReadOnlySpan<float> values = all.Slice(i * n, n);
            int bad = FiniteCheck.FirstNonFinite(values);
            if (bad >= 0)
            {
                Throw(block.Entities[i], type.Name, string.Format(CultureInfo.InvariantCulture,
                    "element {0} is {1}; values must be finite", bad, values[bad]));
            }
        }
    }

    private static void Throw(Entity entity, string component, string problem) =>
        throw new ModelDataException(entity, component, string.Format(CultureInfo.InvariantCulture,
            "{0}, component {1}: {2}. The tick was not run; nothing changed.", entity, component, problem));
}
