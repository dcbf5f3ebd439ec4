using System.Buffers.Binary;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary><see cref="TrainingState"/> as <c>model{g}.state</c>, I64 <c>[N, 3]</c>: backward passes, optimizer steps
/// (PyTorch's <c>step</c>), step due (0 or 1).</summary>
internal sealed class StateTensor : PlainTensor
{
    /// <inheritdoc/>
    public override string Suffix => "state";

    /// <inheritdoc/>
    public override string DType => "I64";

    /// <inheritdoc/>
    public override string[] Columns { get; } = ["backward_passes", "optimizer_steps", "step_due"];

    /// <inheritdoc/>
    public override bool AppliesTo(ModelGroup group) => group.Trainable;

    /// <inheritdoc/>
    public override void Encode(World world, Entity entity, Span<byte> row)
    {
        TrainingState state = world.Get<TrainingState>(entity);
        BinaryPrimitives.WriteInt64LittleEndian(row, state.BackwardPasses);
        BinaryPrimitives.WriteInt64LittleEndian(row[8..], state.OptimizerSteps);
        BinaryPrimitives.WriteInt64LittleEndian(row[16..], state.StepDue ? 1 : 0);
    }

    /// <inheritdoc/>
    public override string? Check(ReadOnlySpan<byte> row, ModelGroup group)
    {
        for (int c = 0; c < 3; c++)
        {
            long value = BinaryPrimitives.ReadInt64LittleEndian(row[(8 * c)..]);
            if (value < 0 || (c == 2 && value > 1))
            {
                return $"{Columns[c]} is {value}; it must be {(c == 2 ? "0 or 1" : "at least 0")}";
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override void Apply(World world, Entity entity, ReadOnlySpan<byte> row) => world.Set(entity, new TrainingState
    {
        BackwardPasses = BinaryPrimitives.ReadInt64LittleEndian(row),
        OptimizerSteps = BinaryPrimitives.ReadInt64LittleEndian(row[8..]),
        StepDue = BinaryPrimitives.ReadInt64LittleEndian(row[16..]) == 1,
    });
}
