using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// What happens to a full rollout: GAE(lambda) per member slot, the list of trainable rows, and the minibatch order.
/// Row <c>(slot, t)</c> is trainable when it is valid (the member acted on a finite observation), its reward is finite,
/// and it either ends its episode (<c>done</c>) or has a value to bootstrap from: the next row's, when that row is valid
/// (whatever its reward), or for the last row the value the brain computed at the decision that handed the rollout over. A row that is not trainable cuts the
/// GAE chain (the row before it uses its value but not its advantage: a truncated estimate).
/// </summary>
internal static class PpoRollout
{
    /// <summary>
    /// Computes <paramref name="targets"/> (<c>[advantage, return]</c> per row) and the trainable rows, ascending, into
    /// <paramref name="order"/>, for the rollout <paramref name="rows"/>, bootstrapped from the values of the decision that
    /// handed it over (<paramref name="slots"/>: a slot's value where it acted; none where it did not). Per slot, backwards over t:
    /// <c>delta_t = r_t + gamma (1 - done_t) V_{t+1} - V_t</c>, <c>A_t = delta_t + gamma lambda (1 - done_t) A_{t+1}</c>,
    /// <c>R_t = A_t + V_t</c>, in float, in this order of operations.
    /// </summary>
    /// <returns>The number of trainable rows, of valid rows, and the sum of the trainable rows' rewards (for
    /// <see cref="PpoStats.MeanReward"/>).</returns>
    public static (int Rows, int Valid, double RewardSum) Finish(PpoSpec spec, ReadOnlySpan<float> rows, ReadOnlySpan<float> slots,
        in PpoSettings settings, Span<float> targets, Span<int> order)
    {
        int width = spec.RowWidth;
        int f = spec.ObservationWidth + spec.ActionWidth;
        int horizon = spec.Horizon;
        float gamma = settings.Gamma;
        float gammaLambda = settings.Gamma * settings.Lambda;
        int count = 0;
        int validRows = 0;
        double rewardSum = 0;
        for (int s = 0; s < spec.Capacity; s++)
        {
            float nextAdvantage = 0f;
            bool nextTrainable = false;
            ReadOnlySpan<float> slot = slots.Slice(s * spec.SlotWidth, spec.SlotWidth);
            bool nextValid = slot[f + PpoSpec.ActedOffset] != 0f;
            float nextValue = nextValid ? slot[f + 1] : 0f;
            for (int t = horizon - 1; t >= 0; t--)
            {
                int r = (s * horizon) + t;
                ReadOnlySpan<float> row = rows.Slice(r * width, width);
                bool valid = row[f + 4] != 0f;
                bool done = row[f + 3] != 0f;
                float value = row[f + 1];
                validRows += valid ? 1 : 0;
                if (!valid || !float.IsFinite(row[f + 2]) || !(done || nextValid))
                {
                    targets[2 * r] = float.NaN;
                    targets[(2 * r) + 1] = float.NaN;
                    nextTrainable = false;
                    nextValid = valid;
                    nextValue = value;
                    continue;
                }

                float notDone = done ? 0f : 1f;
                float delta = row[f + 2] + (gamma * notDone * (done ? 0f : nextValue)) - value;
                float advantage = delta + (gammaLambda * notDone * (nextTrainable && !done ? nextAdvantage : 0f));
                targets[2 * r] = advantage;
                targets[(2 * r) + 1] = advantage + value;
                rewardSum += row[f + 2];
                nextAdvantage = advantage;
                nextTrainable = true;
                nextValid = true;
                nextValue = value;
            }
        }

        for (int r = 0; r < spec.Capacity * horizon; r++)
        {
            if (!float.IsNaN(targets[2 * r]))
            {
                order[count++] = r;
            }
        }

        return (count, validRows, rewardSum);
    }

    /// <summary>
    /// The documented shuffle, which the parity fixtures' generator reproduces: Fisher-Yates from the end,
    /// <c>for i = n-1 down to 1: j = NextInt(i + 1); swap(order[i], order[j])</c>, with SplitMix64's
    /// <c>NextInt(k) = ((next >> 32) * k) >> 32</c>, applied to the order as it stands (each epoch shuffles the previous
    /// epoch's order).
    /// </summary>
    public static void Shuffle(Span<int> order, ref SplitMix64 random)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
