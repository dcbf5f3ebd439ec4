using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary>The counters and random streams of <see cref="PpoState"/> of PPO brains as <c>model{g}.ppo_state</c>, I64
/// <c>[N, 7]</c>: decisions, rollouts, updates, updates_cut, rows_left_out, act_random and shuffle_random (the streams'
/// 64 bits). The rollouts in progress are not saved: a loaded brain starts an empty rollout, with no update in progress
/// and no members (the game's member entities join it again).</summary>
internal sealed class PpoStateTensor : PlainTensor
{
    /// <inheritdoc/>
    public override string Suffix => "ppo_state";

    /// <inheritdoc/>
    public override string DType => "I64";

    /// <inheritdoc/>
    public override string[] Columns { get; } =
        ["decisions", "rollouts", "updates", "updates_cut", "rows_left_out", "act_random", "shuffle_random"];

    /// <inheritdoc/>
    public override bool AppliesTo(ModelGroup group) => group.Brain is not null;

    /// <inheritdoc/>
    public override void Encode(World world, Entity entity, Span<byte> row)
    {
        PpoState s = world.Get<PpoState>(entity);
        ReadOnlySpan<long> values = [s.Decisions, s.Rollouts, s.Updates, s.UpdatesCut, s.RowsLeftOut, (long)s.ActRandom, (long)s.ShuffleRandom];
        WriteColumns(row, values);
    }

    /// <inheritdoc/>
    public override string? Check(ReadOnlySpan<byte> row, ModelGroup group) => CheckLongColumns(row, group);

    /// <inheritdoc/>
    protected override (long Min, long Max) LongRange(int column, ModelGroup group) =>
        column >= 5 ? (long.MinValue, long.MaxValue) : (0L, long.MaxValue);

    /// <inheritdoc/>
    public override void Apply(World world, Entity entity, ReadOnlySpan<byte> row) => world.Set(entity, new PpoState
    {
        Decisions = ReadLong(row, 0),
        Rollouts = ReadLong(row, 1),
        Updates = ReadLong(row, 2),
        UpdatesCut = ReadLong(row, 3),
        RowsLeftOut = ReadLong(row, 4),
        ActRandom = (ulong)ReadLong(row, 5),
        ShuffleRandom = (ulong)ReadLong(row, 6),
    });
}
