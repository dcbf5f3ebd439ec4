using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.SharedModels;

/// <summary>
/// Builds each shared model's batch from its members' samples (<see cref="SharedModelSpec.MemberSamples"/>): in slot
/// order, the <c>b</c> input and target rows of every member whose samples are all finite are packed at the front of
/// the brain's inputs <c>[B, in]</c> and targets <c>[B, out]</c>; the rest of the batch is zero. A member with a NaN or
/// infinite input or target is left out of this tick alone (<see cref="SharedModelState.MembersLeftOut"/>; its outputs
/// keep their last values). A brain with no member in its batch sits the tick out (<see cref="TickOutcome.Waiting"/>).
/// Runs on every brain, training or not, since Forward reads the batch for inference too; entities that are no
/// shared brain are left alone. On a device it runs as its <see cref="Device"/> body (SharedBatch.cl).
/// </summary>
public sealed class SharedBatchStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "SharedBatch";

    /// <inheritdoc/>
    public bool RunsWhenNotTraining => true;

    /// <summary>The device code: SharedBatch.cl.</summary>
    internal static readonly DeviceBody Body = new("el_shared_batch", DeviceBody.Embedded("SharedBatch.cl"),
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.MemberCapacity, DeviceArgument.MemberSamples,
            DeviceArgument.Inputs, DeviceArgument.Targets, DeviceArgument.MemberSlots, DeviceArgument.SharedModelState, DeviceArgument.Flags])
    {
        Inference = true,
    };

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Inputs | ModelData.Targets | ModelData.Counters;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        SharedModelSpec? spec = SharedModelSpec.Find(block.Range.Archetype);
        if (spec is null)
        {
            return;
        }

        ModelSpec model = spec.Model;
        int nIn = model.Layout.InputWidth, nOut = model.Layout.OutputWidth, b = spec.MemberBatch;
        int slotWidth = spec.SlotSampleWidth, slotInts = spec.Capacity * SharedModelSpec.SlotFields;
        int batchIn = model.Inputs.ElementCount, batchOut = model.Targets.ElementCount;
        ReadOnlySpan<float> samples = block.Floats(spec.MemberSamples);
        Span<int> slots = block.Range.GetSpan<int>(spec.Slots);
        Span<float> inputs = block.Floats(model.Inputs);
        Span<float> targets = block.Floats(model.Targets);
        Span<SharedModelState> shared = block.Range.GetSpan<SharedModelState>();
        bool trainable = block.IsTrainable;
        Span<TrainingState> states = trainable ? block.States : default;
        for (int i = 0; i < block.Count; i++)
        {
            Span<int> table = slots.Slice(i * slotInts, slotInts);
            Span<float> batchInputs = inputs.Slice(i * batchIn, batchIn);
            Span<float> batchTargets = targets.Slice(i * batchOut, batchOut);
            int rows = 0, inBatch = 0, leftOut = 0, members = 0;
            for (int slot = 0; slot < spec.Capacity; slot++)
            {
                int field = slot * SharedModelSpec.SlotFields;
                table[field + 2] = -1;
                if (table[field] == 0)
                {
                    continue;
                }

                members++;
                ReadOnlySpan<float> sample = samples.Slice((i * spec.Capacity * slotWidth) + (slot * slotWidth), slotWidth);
                if (FiniteCheck.FirstNonFinite(sample) >= 0)
                {
                    leftOut++;
                    continue;
                }

                sample[..(b * nIn)].CopyTo(batchInputs.Slice(rows * nIn, b * nIn));
                sample[(b * nIn)..].CopyTo(batchTargets.Slice(rows * nOut, b * nOut));
                table[field + 2] = rows;
                rows += b;
                inBatch++;
            }

            batchInputs[(rows * nIn)..].Clear();
            batchTargets[(rows * nOut)..].Clear();
            shared[i] = new SharedModelState { Members = members, MembersInBatch = inBatch, MembersLeftOut = leftOut, RowsInBatch = rows };
            if (inBatch == 0 && trainable && (states[i].Outcome & TickOutcome.SitsOut) == 0)
            {
                states[i].Outcome |= TickOutcome.Waiting; // nothing to learn from: no step, no failure
                block.Account?.Waiting.Add(block.Entities[i]);
            }
        }
    }
}
