using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>A seam for parity tests: an update started from a fixed rollout instead of one the members collected.</summary>
public sealed partial class PpoSpec
{
    /// <summary>
    /// Writes a complete rollout (rows slot-major, <c>row = slot T + t</c>: observations <c>[C T, n]</c>, actions
    /// <c>[C T, a]</c>, old log-probs, old values, rewards and dones <c>[C T]</c>, every row valid) into the brain's
    /// training buffer with <paramref name="lastValues"/> (<c>[C]</c>) to bootstrap from, sets the shuffle stream to
    /// <paramref name="shuffleSeed"/> and starts the update as a hand-over does. Not while a query runs.
    /// </summary>
    internal void LoadRollout(World world, Entity brain, ReadOnlySpan<float> observations, ReadOnlySpan<float> actions,
        ReadOnlySpan<float> logProbs, ReadOnlySpan<float> values, ReadOnlySpan<float> rewards, ReadOnlySpan<float> dones,
        ReadOnlySpan<float> lastValues, ulong shuffleSeed)
    {
        RequireBrain(world, brain);
        ref PpoState state = ref world.Get<PpoState>(brain);
        Span<float> rows = CollectingRows(world.GetSpan<float>(brain, Rollouts), state.Collecting ^ 1);
        int n = ObservationWidth, aw = ActionWidth;
        for (int r = 0; r < Capacity * Horizon; r++)
        {
            Span<float> row = rows.Slice(r * RowWidth, RowWidth);
            observations.Slice(r * n, n).CopyTo(row);
            actions.Slice(r * aw, aw).CopyTo(row[n..]);
            row[n + aw] = logProbs[r];
            row[n + aw + 1] = values[r];
            row[n + aw + 2] = rewards[r];
            row[n + aw + 3] = dones[r];
            row[n + aw + 4] = 1f;
        }

        Span<float> slots = world.GetSpan<float>(brain, Slots);
        for (int s = 0; s < Capacity; s++)
        {
            slots[(s * SlotWidth) + n + aw + 1] = lastValues[s];
            slots[(s * SlotWidth) + n + aw + ActedOffset] = 1f;
        }

        state.ShuffleRandom = shuffleSeed;
        world.TryGet(brain, out PpoSettings settings); // a read: not counted as a write to the settings
        PpoActStage.StartUpdate(this, rows, slots, world.GetSpan<float>(brain, Targets), world.GetSpan<int>(brain, Order),
            settings, ref state, ref world.Get<PpoStats>(brain));
        for (int s = 0; s < Capacity; s++)
        {
            slots[(s * SlotWidth) + n + aw + ActedOffset] = 0f;
        }
    }
}
