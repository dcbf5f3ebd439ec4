using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// Fills each brain's model inputs with the next minibatch of its update: rows <c>k M .. k M + m</c> of the shuffled
/// trainable rows (m = M, or fewer for the last minibatch of an epoch), their observations into the inputs
/// <c>[M, n]</c>, their action, old log-prob, old value, advantage and return into <see cref="PpoSpec.Batch"/>. Rows past m
/// repeat the first observation and get no gradient. Then advances the update: after the last minibatch of an epoch the
/// next epoch reshuffles the order (<see cref="PpoRollout.Shuffle"/>); after the last epoch the update is finished
/// (<see cref="PpoState.Updates"/>). A brain with no update in progress sits the minibatch group out
/// (<see cref="TickOutcome.Waiting"/>), so the later training stages leave it untouched. On a device it runs as its
/// <see cref="Device"/> body (PpoMinibatch.cl).
/// </summary>
public sealed class PpoMinibatchStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "PpoMinibatch";

    /// <summary>The device code: PpoMinibatch.cl.</summary>
    internal static readonly DeviceBody Body = PpoBlock.Body("el_ppo_minibatch", "PpoMinibatch.cl",
        [DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.PpoCapacity, DeviceArgument.PpoHorizon, DeviceArgument.PpoActionWidth, DeviceArgument.Inputs, DeviceArgument.PpoBatch, DeviceArgument.PpoRollouts, DeviceArgument.PpoTargets, DeviceArgument.PpoOrder, DeviceArgument.PpoSettings, DeviceArgument.PpoState, DeviceArgument.Flags]);

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Inputs | ModelData.Counters;

    /// <inheritdoc/>
    public void Admit(in ModelBlock block) => PpoBlock.Admit(block);

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        PpoSpec? spec = PpoBlock.Spec(block);
        if (spec is null || !block.IsTrainable)
        {
            return;
        }

        int n = spec.ObservationWidth;
        int m = spec.Model.Batch;
        int bw = spec.BatchWidth;
        int aw = spec.ActionWidth;
        int rowsPerBrain = spec.Capacity * spec.Horizon;
        int rolloutFloats = 2 * rowsPerBrain * spec.RowWidth;
        Span<float> inputs = block.Floats(spec.Model.Inputs);
        Span<float> batches = block.Floats(spec.Batch);
        Span<float> rollouts = block.Floats(spec.Rollouts);
        ReadOnlySpan<float> targets = block.Floats(spec.Targets);
        Span<int> orders = block.Range.GetSpan<int>(spec.Order);
        ReadOnlySpan<PpoSettings> settings = block.Range.GetReadOnlySpan<PpoSettings>();
        Span<PpoState> states = block.Range.GetSpan<PpoState>();
        Span<TrainingState> training = block.States;
        for (int i = 0; i < block.Count; i++)
        {
            ref PpoState state = ref states[i];
            if ((training[i].Outcome & TickOutcome.SitsOut) != 0)
            {
                continue;
            }

            if (!state.Updating)
            {
                state.MinibatchRows = 0;
                training[i].Outcome |= TickOutcome.Waiting;
                block.Account?.Waiting.Add(block.Entities[i]);
                continue;
            }

            ReadOnlySpan<float> rows = spec.CollectingRows(rollouts.Slice(i * rolloutFloats, rolloutFloats), state.Collecting ^ 1);
            ReadOnlySpan<float> brainTargets = targets.Slice(i * 2 * rowsPerBrain, 2 * rowsPerBrain);
            Span<int> order = orders.Slice(i * rowsPerBrain, state.Rows);
            Span<float> brainInputs = inputs.Slice(i * m * n, m * n);
            Span<float> batch = batches.Slice(i * m * bw, m * bw);
            int start = state.Minibatch * m;
            int count = Math.Min(m, state.Rows - start);
            for (int j = 0; j < m; j++)
            {
                int r = order[start + (j < count ? j : 0)];
                ReadOnlySpan<float> row = rows.Slice(r * spec.RowWidth, spec.RowWidth);
                row[..n].CopyTo(brainInputs.Slice(j * n, n));
                Span<float> b = batch.Slice(j * bw, bw);
                row.Slice(n, aw + 2).CopyTo(b); // action, old log-prob, old value
                b[aw + 2] = brainTargets[2 * r];
                b[aw + 3] = brainTargets[(2 * r) + 1];
            }

            state.MinibatchRows = count;
            state.Minibatch++;
            if (state.Minibatch * (long)m >= state.Rows)
            {
                state.Minibatch = 0;
                state.Epoch++;
                if (state.Epoch >= settings[i].Epochs)
                {
                    state.Epoch = 0;
                    state.Updating = false;
                    state.Updates++;
                }
                else
                {
                    var random = new SplitMix64(state.ShuffleRandom);
                    PpoRollout.Shuffle(order, ref random);
                    state.ShuffleRandom = random.State;
                }
            }
        }
    }
}
