using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// The decision step of every PPO brain, for all its members at once: the network on every member's current
/// observation (chunks of M rows, the current parameters, also while an update is in progress), then per member a
/// sample from the policy (continuous: <c>a = mu + exp(log sigma) z</c>, <c>z ~ N(0, 1)</c> per dimension; discrete:
/// <c>a ~ softmax(logits)</c>; with <see cref="PpoSettings.Deterministic"/> the mean or the most probable action), its
/// log-probability (<c>sum_k -z_k^2 / 2 - log sigma_k - ln(2 pi) / 2</c>, or <c>log softmax(logits)_a</c>) and the value.
/// Each decision is recorded as row <see cref="PpoState.Step"/> of the collecting rollout (reward and done come from
/// <see cref="PpoSpec.Reward"/>). When the collecting rollout already holds T decisions, this decision's values are its
/// bootstrap values: the rollout goes to the update (GAE, trainable rows, first shuffle; an update still in progress is
/// cut, <see cref="PpoState.UpdatesCut"/>) and the other buffer starts collecting. A member whose observation is not
/// finite, or that has not observed since the last decision (observations are used once, as ML-Agents collects them at
/// every decision), or whose network output is not finite, takes no decision: its row is left out and its action stays. A brain
/// draws from its own random stream, in slot order, so the choices do not depend on threads or other brains. On a device
/// it runs as its <see cref="Device"/> body (PpoAct.cl).
/// </summary>
public sealed class PpoActStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "PpoAct";

    /// <summary>Acting goes on whether or not the brain trains this tick.</summary>
    public bool RunsWhenNotTraining => true;

    /// <summary>The device code: PpoAct.cl (after PpoBlock.Body's helpers).</summary>
    internal static readonly DeviceBody Body = PpoBlock.Body("el_ppo_act", "PpoAct.cl",
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.HiddenActivation, DeviceArgument.PpoCapacity, DeviceArgument.PpoHorizon, DeviceArgument.PpoActionWidth, DeviceArgument.PpoContinuous, DeviceArgument.Parameters, DeviceArgument.PpoLogStd, DeviceArgument.PpoSlots, DeviceArgument.PpoRollouts, DeviceArgument.PpoTargets, DeviceArgument.PpoOrder, DeviceArgument.PpoSettings, DeviceArgument.PpoState, DeviceArgument.PpoStats, DeviceArgument.AgentScratch],
        inference: true);

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Parameters | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Counters;

    /// <inheritdoc/>
    public void Admit(in ModelBlock block) => PpoBlock.Admit(block);

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        PpoSpec? spec = PpoBlock.Spec(block);
        if (spec is null)
        {
            return;
        }

        ModelSpec model = spec.Model;
        int p = model.Parameters.ElementCount;
        ReadOnlySpan<float> parameters = block.Floats(model.Parameters);
        Span<float> slots = block.Floats(spec.Slots);
        Span<float> rollouts = block.Floats(spec.Rollouts);
        Span<float> targets = block.Floats(spec.Targets);
        Span<int> orders = block.Range.GetSpan<int>(spec.Order);
        ReadOnlySpan<float> logStds = spec.LogStd is null ? default : block.Floats(spec.LogStd);
        ReadOnlySpan<PpoSettings> settings = block.Range.GetReadOnlySpan<PpoSettings>();
        Span<PpoState> states = block.Range.GetSpan<PpoState>();
        Span<PpoStats> stats = block.Range.GetSpan<PpoStats>();
        int slotFloats = spec.Capacity * spec.SlotWidth;
        int rolloutFloats = 2 * spec.Capacity * spec.Horizon * spec.RowWidth;
        int targetFloats = 2 * spec.Capacity * spec.Horizon;
        int orderInts = spec.Capacity * spec.Horizon;
        int a = spec.ActionCount;
        for (int i = 0; i < block.Count; i++)
        {
            Span<float> brainSlots = slots.Slice(i * slotFloats, slotFloats);
            if (!Decide(spec, parameters.Slice(i * p, p), spec.LogStd is null ? default : logStds.Slice(i * a, a), brainSlots,
                settings[i], ref states[i], block.Scratch))
            {
                Consume(spec, brainSlots);
                continue;
            }

            ref PpoState state = ref states[i];
            Span<float> brainRollouts = rollouts.Slice(i * rolloutFloats, rolloutFloats);
            if (state.Step == spec.Horizon)
            {
                HandOver(spec, brainSlots, brainRollouts, targets.Slice(i * targetFloats, targetFloats),
                    orders.Slice(i * orderInts, orderInts), settings[i], ref state, ref stats[i]);
            }

            Record(spec, brainSlots, spec.CollectingRows(brainRollouts, state.Collecting), state.Step);
            Consume(spec, brainSlots);
            state.Step++;
            state.Decisions++;
        }
    }

    /// <summary>Scratch floats the stage needs per thread: a batch of up to M members' observations <c>[M, n]</c>, their
    /// outputs <c>[M, A + 1]</c> and one forward pass's hidden activations. (The loss stage needs M floats, the log-std
    /// step 3A: both less.)</summary>
    internal static int ScratchLength(ModelSpec model) =>
        (model.Batch * (model.Layout.InputWidth + model.Layout.OutputWidth)) + Math.Max(1, model.Batch * model.Layout.HiddenUnitCount);

    /// <summary>Marks every slot's observation as used (NaN): a member that does not observe again before the next
    /// decision takes no decision then (a member destroyed without leaving goes quiet instead of repeating stale data).</summary>
    private static void Consume(PpoSpec spec, Span<float> slots)
    {
        for (int s = 0; s < spec.Capacity; s++)
        {
            slots.Slice(s * spec.SlotWidth, spec.ObservationWidth).Fill(float.NaN);
        }
    }

    /// <summary>Forward and sampling for every occupied slot of one brain; false when no slot acted.</summary>
    private static bool Decide(PpoSpec spec, ReadOnlySpan<float> parameters, ReadOnlySpan<float> logStd, Span<float> slots,
        in PpoSettings settings, ref PpoState state, float[] scratch)
    {
        ModelSpec model = spec.Model;
        int n = spec.ObservationWidth;
        int outWidth = model.Layout.OutputWidth;
        int width = spec.SlotWidth;
        int flags = n + spec.ActionWidth;
        int m = model.Batch;
        Span<float> inputs = scratch.AsSpan(0, m * n);
        Span<float> outputs = scratch.AsSpan(inputs.Length, m * outWidth);
        Span<float> activations = scratch.AsSpan(inputs.Length + outputs.Length, Math.Max(1, m * model.Layout.HiddenUnitCount));
        var random = new SplitMix64(state.ActRandom);
        bool any = false;
        int next = 0;
        while (next < spec.Capacity)
        {
            // Gather up to M acting slots, run them as one batch, scatter the decisions back in the same order.
            int rows = 0;
            int s = next;
            for (; s < spec.Capacity && rows < m; s++)
            {
                Span<float> slot = slots.Slice(s * width, width);
                bool acts = slot[flags + PpoSpec.OccupiedOffset] != 0f && FiniteCheck.FirstNonFinite(slot[..n]) < 0;
                slot[flags + PpoSpec.ActedOffset] = acts ? 1f : 0f;
                if (acts)
                {
                    slot[..n].CopyTo(inputs.Slice(rows * n, n));
                    rows++;
                }
            }

            if (rows > 0)
            {
                DenseForward.Run(model.Layout, rows, parameters, inputs[..(rows * n)], activations, outputs[..(rows * outWidth)]);
                int row = 0;
                for (int k = next; k < s; k++)
                {
                    Span<float> slot = slots.Slice(k * width, width);
                    if (slot[flags + PpoSpec.ActedOffset] == 0f)
                    {
                        continue;
                    }

                    ReadOnlySpan<float> output = outputs.Slice(row++ * outWidth, outWidth);
                    if (!FiniteCheck.AllFinite(output))
                    {
                        slot[flags + PpoSpec.ActedOffset] = 0f; // a non-finite output: no decision, the last action stays
                        continue;
                    }

                    Sample(spec, output, logStd, settings.Deterministic, slot.Slice(n, spec.ActionWidth), out float logp, ref random);
                    slot[flags] = logp;
                    slot[flags + 1] = output[spec.ActionCount];
                    any = true;
                }
            }

            next = s;
        }

        state.ActRandom = random.State;
        return any;
    }

    /// <summary>One member's action and its log-probability from the network's output row.</summary>
    private static void Sample(PpoSpec spec, ReadOnlySpan<float> output, ReadOnlySpan<float> logStd, bool deterministic,
        Span<float> action, out float logp, ref SplitMix64 random)
    {
        int a = spec.ActionCount;
        if (spec.Kind == PpoActionKind.Continuous)
        {
            float sum = 0f;
            for (int k = 0; k < a; k++)
            {
                float z = deterministic ? 0f : PpoMath.Normal(ref random);
                action[k] = ExactMath.Fma(PpoMath.Exp(logStd[k]), z, output[k]);
                sum += (-0.5f * z * z) - logStd[k] - PpoMath.HalfLogTwoPi;
            }

            logp = sum;
            return;
        }

        ReadOnlySpan<float> logits = output[..a];
        float max = float.NegativeInfinity;
        int best = 0;
        for (int k = 0; k < a; k++)
        {
            if (logits[k] > max)
            {
                max = logits[k];
                best = k;
            }
        }

        float total = 0f;
        for (int k = 0; k < a; k++)
        {
            total += PpoMath.Exp(logits[k] - max);
        }

        int chosen = best;
        if (!deterministic)
        {
            float u = random.NextSingle() * total;
            float cumulative = 0f;
            chosen = a - 1;
            for (int k = 0; k < a; k++)
            {
                cumulative += PpoMath.Exp(logits[k] - max);
                if (u < cumulative)
                {
                    chosen = k;
                    break;
                }
            }
        }

        action[0] = chosen;
        logp = logits[chosen] - max - PpoMath.Log(total);
    }

    /// <summary>Writes this decision as row <paramref name="t"/> of every slot in the collecting rollout.</summary>
    private static void Record(PpoSpec spec, ReadOnlySpan<float> slots, Span<float> rows, int t)
    {
        int n = spec.ObservationWidth;
        int flags = n + spec.ActionWidth;
        for (int s = 0; s < spec.Capacity; s++)
        {
            ReadOnlySpan<float> slot = slots.Slice(s * spec.SlotWidth, spec.SlotWidth);
            Span<float> row = rows.Slice(((s * spec.Horizon) + t) * spec.RowWidth, spec.RowWidth);
            if (slot[flags + PpoSpec.ActedOffset] == 0f)
            {
                row[flags + 4] = 0f;
                continue;
            }

            slot[..(flags + 2)].CopyTo(row); // observation, action, log-prob, value
            row[flags + 2] = 0f; // reward
            row[flags + 3] = 0f; // done
            row[flags + 4] = 1f; // valid
        }
    }

    /// <summary>Hands the full collecting rollout to the update, this decision's values bootstrapping its last rows.</summary>
    private static void HandOver(PpoSpec spec, ReadOnlySpan<float> slots, Span<float> rollouts, Span<float> targets, Span<int> order,
        in PpoSettings settings, ref PpoState state, ref PpoStats stats)
    {
        StartUpdate(spec, spec.CollectingRows(rollouts, state.Collecting), slots, targets, order, settings, ref state, ref stats);
        state.Collecting ^= 1;
        state.Step = 0;
    }

    /// <summary>Starts the update of <paramref name="rows"/> (the training buffer's rows; <paramref name="slots"/> give the
    /// bootstrap values): GAE, trainable rows, first shuffle. Used by the hand-over and by tests that load a fixed rollout.</summary>
    internal static void StartUpdate(PpoSpec spec, ReadOnlySpan<float> rows, ReadOnlySpan<float> slots, Span<float> targets,
        Span<int> order, in PpoSettings settings, ref PpoState state, ref PpoStats stats)
    {
        if (state.Updating)
        {
            state.UpdatesCut++;
        }

        (int count, int valid, double rewardSum) = PpoRollout.Finish(spec, rows, slots, settings, targets, order);
        state.RowsLeftOut += valid - count;
        state.Rollouts++;
        state.Rows = count;
        state.Epoch = 0;
        state.Minibatch = 0;
        state.Updating = count > 0;
        stats.MeanReward = count > 0 ? (float)(rewardSum / count) : 0f;
        var random = new SplitMix64(state.ShuffleRandom);
        PpoRollout.Shuffle(order[..count], ref random);
        state.ShuffleRandom = random.State;
    }
}
