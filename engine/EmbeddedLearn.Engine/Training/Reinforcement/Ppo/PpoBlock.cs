using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>What the PPO stages share: finding a block's brain spec and admitting its brains' settings and state.</summary>
internal static class PpoBlock
{
    /// <summary>The brain spec of <paramref name="block"/>'s entities, or null when they are not PPO brains (the stages
    /// then leave them alone).</summary>
    public static PpoSpec? Spec(in ModelBlock block) => PpoSpec.Find(block.Range.Archetype);

    /// <summary>Throws <see cref="ModelDataException"/> for the first brain of <paramref name="block"/> whose
    /// <see cref="PpoSettings"/>, <see cref="PpoState"/> or accumulation setting is out of range (a game that wrote the
    /// components itself), before the tick changes anything.</summary>
    public static void Admit(in ModelBlock block)
    {
        PpoSpec? spec = Spec(block);
        if (spec is null)
        {
            return;
        }

        ReadOnlySpan<PpoSettings> settings = block.Range.GetReadOnlySpan<PpoSettings>();
        ReadOnlySpan<PpoState> states = block.Range.GetReadOnlySpan<PpoState>();
        ReadOnlySpan<TrainingSettings> training = block.Settings;
        for (int i = 0; i < block.Count; i++)
        {
            if (settings[i].Validate() is string error)
            {
                Throw(block.Entities[i], nameof(PpoSettings), error);
            }

            if (training[i].AccumulationSteps != 1)
            {
                Throw(block.Entities[i], nameof(TrainingSettings), string.Format(CultureInfo.InvariantCulture,
                    "AccumulationSteps is {0}; a PPO brain steps after every minibatch (1)", training[i].AccumulationSteps));
            }

            PpoState state = states[i];
            int rows = spec.Capacity * spec.Horizon;
            if (state.Step < 0 || state.Step > spec.Horizon || state.Collecting is not (0 or 1) || state.Rows < 0 || state.Rows > rows
                || state.Epoch < 0 || state.Minibatch < 0 || (long)state.Minibatch * spec.Model.Batch > Math.Max(0, state.Rows - 1))
            {
                Throw(block.Entities[i], nameof(PpoState), string.Format(CultureInfo.InvariantCulture,
                    "Step {0}, Collecting {1}, Rows {2}, Epoch {3}, Minibatch {4} are out of range (horizon {5}, {6} rows, minibatch {7})",
                    state.Step, state.Collecting, state.Rows, state.Epoch, state.Minibatch, spec.Horizon, rows, spec.Model.Batch));
            }
        }
    }

    /// <summary>A PPO stage's device body: <paramref name="file"/> (beside the stage, in Ppo/) after the helpers it
    /// builds on: QAgent.cl (SplitMix64), Forward.cl (el_dense_forward), the optimizers' element updates (Sgd.cl, Adam.cl,
    /// AdamW.cl) and PpoMath.cl (exp, log, the normal draw).</summary>
    public static DeviceBody Body(string function, string file, IReadOnlyList<DeviceArgument> arguments, bool inference = false) =>
        new(function, string.Join('\n', ((string[])["QAgent.cl", "Forward.cl", "Sgd.cl", "Adam.cl", "AdamW.cl", "PpoMath.cl", file])
            .Select(DeviceBody.Embedded)), arguments) { Inference = inference };

    private static void Throw(Entity entity, string component, string problem) =>
        throw ModelDataException.TickRefused(entity, component, problem);
}
