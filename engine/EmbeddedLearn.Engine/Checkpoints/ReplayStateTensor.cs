using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary><see cref="ReplayState"/> of Q-learning agents as <c>model{g}.replay_state</c>, I64 <c>[N, 4]</c>: count,
/// next, added, rejected (the ring itself is <c>model{g}.replay</c>, F32 <c>[N, capacity, 2n + 3]</c>).</summary>
internal sealed class ReplayStateTensor : PlainTensor
{
    /// <inheritdoc/>
    public override string Suffix => "replay_state";

    /// <inheritdoc/>
    public override string DType => "I64";

    /// <inheritdoc/>
    public override string[] Columns { get; } = ["count", "next", "added", "rejected"];

    /// <inheritdoc/>
    public override bool AppliesTo(ModelGroup group) => group.Replay > 0;

    /// <inheritdoc/>
    public override void Encode(World world, Entity entity, Span<byte> row)
    {
        ReplayState s = world.Get<ReplayState>(entity);
        WriteColumns(row, [s.Count, s.Next, s.Added, s.Rejected]);
    }

    /// <inheritdoc/>
    public override string? Check(ReadOnlySpan<byte> row, ModelGroup group)
    {
        long count = ReadLong(row, 0), next = ReadLong(row, 1), added = ReadLong(row, 2), rejected = ReadLong(row, 3);
        return count < 0 || count > group.Replay ? $"count is {count}; it must be from 0 to {group.Replay}"
            : next < 0 || next >= group.Replay ? $"next is {next}; it must be from 0 to {group.Replay - 1}"
            : added < count ? $"added is {added}; it must be at least count ({count})"
            : rejected < 0 ? $"rejected is {rejected}; it must be at least 0"
            : null;
    }

    /// <inheritdoc/>
    public override void Apply(World world, Entity entity, ReadOnlySpan<byte> row) => world.Set(entity, new ReplayState
    {
        Count = (int)ReadLong(row, 0),
        Next = (int)ReadLong(row, 1),
        Added = ReadLong(row, 2),
        Rejected = ReadLong(row, 3),
    });
}
