using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary><see cref="QAgentState"/> of Q-learning agents as <c>model{g}.q_state</c>, I64 <c>[N, 9]</c>: action,
/// explored (0/1), decisions, target_syncs, last_sync_step, act_random and sample_random (the random streams' 64 bits),
/// epsilon and action_value (their float32 bits), so a loaded agent acts and samples exactly as the saved one
/// would have.</summary>
internal sealed class QStateTensor : PlainTensor
{
    /// <inheritdoc/>
    public override string Suffix => "q_state";

    /// <inheritdoc/>
    public override string DType => "I64";

    /// <inheritdoc/>
    public override string[] Columns { get; } =
    [
        "action", "explored", "decisions", "target_syncs", "last_sync_step", "act_random", "sample_random", "epsilon_f32_bits",
        "action_value_f32_bits",
    ];

    /// <inheritdoc/>
    public override bool AppliesTo(ModelGroup group) => group.Replay > 0;

    /// <inheritdoc/>
    public override void Encode(World world, Entity entity, Span<byte> row)
    {
        QAgentState s = world.Get<QAgentState>(entity);
        ReadOnlySpan<long> values =
        [
            s.Action, s.Explored ? 1 : 0, s.Decisions, s.TargetSyncs, s.LastSyncStep, (long)s.ActRandom, (long)s.SampleRandom,
            BitConverter.SingleToInt32Bits(s.Epsilon), BitConverter.SingleToInt32Bits(s.ActionValue),
        ];
        WriteColumns(row, values);
    }

    /// <inheritdoc/>
    public override string? Check(ReadOnlySpan<byte> row, ModelGroup group) => CheckLongColumns(row, group);

    /// <inheritdoc/>
    protected override (long Min, long Max) LongRange(int column, ModelGroup group) => column switch
    {
        0 => (0L, group.Spec.Layout.OutputWidth - 1L),
        1 => (0L, 1L),
        5 or 6 => (long.MinValue, long.MaxValue),
        7 or 8 => (int.MinValue, int.MaxValue),
        _ => (0L, long.MaxValue),
    };

    /// <inheritdoc/>
    public override void Apply(World world, Entity entity, ReadOnlySpan<byte> row) => world.Set(entity, new QAgentState
    {
        Action = (int)ReadLong(row, 0),
        Explored = ReadLong(row, 1) == 1,
        Decisions = ReadLong(row, 2),
        TargetSyncs = ReadLong(row, 3),
        LastSyncStep = ReadLong(row, 4),
        ActRandom = (ulong)ReadLong(row, 5),
        SampleRandom = (ulong)ReadLong(row, 6),
        Epsilon = BitConverter.Int32BitsToSingle((int)ReadLong(row, 7)),
        ActionValue = BitConverter.Int32BitsToSingle((int)ReadLong(row, 8)),
    });
}
