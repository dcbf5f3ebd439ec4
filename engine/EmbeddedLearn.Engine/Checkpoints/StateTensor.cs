using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary><see cref="TrainingState"/> and quarantine as <c>model{g}.state</c>, I64 <c>[N, 6]</c>: backward passes,
/// optimizer steps (PyTorch's <c>step</c>), step due (0 or 1), consecutive failures, the last gradient norm (its float32
/// bits), and the tick the model was quarantined in (-1 when it is not quarantined).</summary>
internal sealed class StateTensor : PlainTensor
{
    /// <inheritdoc/>
    public override string Suffix => "state";

    /// <inheritdoc/>
    public override string DType => "I64";

    /// <inheritdoc/>
    public override string[] Columns { get; } =
        ["backward_passes", "optimizer_steps", "step_due", "consecutive_failures", "gradient_norm_f32_bits", "quarantined_since_tick"];

    /// <inheritdoc/>
    public override bool AppliesTo(ModelGroup group) => group.Trainable;

    /// <inheritdoc/>
    public override void Encode(World world, Entity entity, Span<byte> row)
    {
        TrainingState state = world.Get<TrainingState>(entity);
        ReadOnlySpan<long> values =
        [
            state.BackwardPasses, state.OptimizerSteps, state.StepDue ? 1 : 0, state.ConsecutiveFailures,
            BitConverter.SingleToInt32Bits(state.GradientNorm),
            world.Has<Quarantined>(entity) ? world.Get<Quarantined>(entity).SinceTick : -1,
        ];
        WriteColumns(row, values);
    }

    /// <inheritdoc/>
    public override string? Check(ReadOnlySpan<byte> row, ModelGroup group) => CheckLongColumns(row, group);

    /// <inheritdoc/>
    protected override (long Min, long Max) LongRange(int column, ModelGroup group) => column switch
    {
        2 => (0L, 1L),
        3 => (0L, int.MaxValue),
        4 => (int.MinValue, int.MaxValue),
        5 => (-1L, long.MaxValue),
        _ => (0L, long.MaxValue),
    };

    /// <inheritdoc/>
    public override void Apply(World world, Entity entity, ReadOnlySpan<byte> row)
    {
        world.Set(entity, new TrainingState
        {
            BackwardPasses = ReadLong(row, 0),
            OptimizerSteps = ReadLong(row, 1),
            StepDue = ReadLong(row, 2) == 1,
            ConsecutiveFailures = (int)ReadLong(row, 3),
            GradientNorm = BitConverter.Int32BitsToSingle((int)ReadLong(row, 4)),
        });
        long since = ReadLong(row, 5);
        if (since >= 0)
        {
            world.Add(entity, new Quarantined { SinceTick = since });
        }
    }
}
