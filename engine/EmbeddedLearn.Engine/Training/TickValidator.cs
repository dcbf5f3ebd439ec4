using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>Checks every model entity a tick will touch before the tick changes anything.</summary>
internal static class TickValidator
{
    /// <summary>Throws <see cref="ModelDataException"/> for the first entity of <paramref name="block"/> whose
    /// inputs (when <paramref name="checkInputs"/>), targets or settings (when <paramref name="checkTraining"/>) are invalid.</summary>
    public static void Check(in ModelBlock block, bool checkInputs, bool checkTraining)
    {
        ModelSpec spec = block.Spec;
        if (checkInputs)
        {
            CheckFinite(block, spec.Inputs);
        }

        if (!checkTraining || !block.IsTrainable)
        {
            return;
        }

        CheckFinite(block, spec.Targets);
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        bool hasMomentum = block.Has(spec.Momentum);
        bool hasAdam = block.Has(spec.AdamMoments);
        for (int i = 0; i < block.Count; i++)
        {
            string? error = settings[i].Validate();
            if (error is not null)
            {
                Throw(block.Entities[i], nameof(TrainingSettings), error);
            }

            if (settings[i].Optimizer == OptimizerKind.Adam && !hasAdam)
            {
                Throw(block.Entities[i], spec.AdamMoments.Name, "its settings select Adam but it has no Adam moments component");
            }

            if (settings[i].Optimizer == OptimizerKind.Sgd && settings[i].Momentum != 0f && !hasMomentum)
            {
                Throw(block.Entities[i], spec.Momentum.Name, "its settings select SGD with momentum but it has no momentum buffer component");
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
