namespace EmbeddedLearn.Training.SharedModels;

/// <summary>
/// After Forward: copies each shared model's outputs back to its members (<see cref="SharedModelSpec.MemberOutputs"/>):
/// the <c>b</c> output rows of every member in this tick's batch. A member left out keeps its last outputs, and so do
/// all members of a brain whose forward pass was held (its outputs unchanged). Runs on every brain, training or not. On a
/// device it runs as its <see cref="Device"/> body (SharedOutputs.cl).
/// </summary>
public sealed class SharedOutputsStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "SharedOutputs";

    /// <inheritdoc/>
    public bool RunsWhenNotTraining => true;

    /// <summary>The device code: SharedOutputs.cl.</summary>
    internal static readonly DeviceBody Body = new("el_shared_outputs", DeviceBody.Embedded("SharedOutputs.cl"),
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.MemberCapacity, DeviceArgument.Outputs,
            DeviceArgument.MemberOutputs, DeviceArgument.MemberSlots, DeviceArgument.Flags])
    {
        Inference = true,
    };

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Outputs | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.None;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        SharedModelSpec? spec = SharedModelSpec.Find(block.Range.Archetype);
        if (spec is null)
        {
            return;
        }

        int nOut = spec.Model.Layout.OutputWidth, width = spec.MemberBatch * nOut;
        int batchOut = spec.Model.Outputs.ElementCount, slotInts = spec.Capacity * SharedModelSpec.SlotFields;
        ReadOnlySpan<float> outputs = block.Floats(spec.Model.Outputs);
        Span<float> memberOutputs = block.Floats(spec.MemberOutputs);
        ReadOnlySpan<int> slots = block.Range.GetReadOnlySpan<int>(spec.Slots);
        bool counted = block.Has(Ecs.ComponentType.Of<Components.TrainingState>()); // quarantined brains too: Forward flags them
        for (int i = 0; i < block.Count; i++)
        {
            if (counted ? (block.States[i].Outcome & (Components.TickOutcome.LeftOut | Components.TickOutcome.OutputsHeld)) != 0 : block.IsLeftOut(i))
            {
                continue; // Forward kept the brain's outputs: so do its members
            }

            ReadOnlySpan<int> table = slots.Slice(i * slotInts, slotInts);
            for (int slot = 0; slot < spec.Capacity; slot++)
            {
                int row = table[(slot * SharedModelSpec.SlotFields) + 2];
                if (row >= 0)
                {
                    outputs.Slice((i * batchOut) + (row * nOut), width).CopyTo(memberOutputs.Slice(((i * spec.Capacity) + slot) * width, width));
                }
            }
        }
    }
}
