using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary><see cref="QLearningSettings"/> of Q-learning agents as <c>model{g}.q_settings</c>, F64 <c>[N, 9]</c>:
/// gamma, double_dqn (0/1), target_sync_period, tau, epsilon_start, epsilon_end, epsilon_decay_decisions, min_replay,
/// greedy (0/1).</summary>
internal sealed class QSettingsTensor : PlainTensor
{
    /// <inheritdoc/>
    public override string Suffix => "q_settings";

    /// <inheritdoc/>
    public override string DType => "F64";

    /// <inheritdoc/>
    public override string[] Columns { get; } =
        ["gamma", "double_dqn", "target_sync_period", "tau", "epsilon_start", "epsilon_end", "epsilon_decay_decisions", "min_replay", "greedy"];

    /// <inheritdoc/>
    public override bool AppliesTo(ModelGroup group) => group.Replay > 0;

    /// <inheritdoc/>
    public override void Encode(World world, Entity entity, Span<byte> row)
    {
        QLearningSettings q = world.Get<QLearningSettings>(entity);
        ReadOnlySpan<double> values =
        [
            q.Gamma, q.DoubleDqn ? 1 : 0, q.TargetSyncPeriod, q.Tau, q.EpsilonStart, q.EpsilonEnd, q.EpsilonDecayDecisions,
            q.MinReplay, q.Greedy ? 1 : 0,
        ];
        WriteColumns(row, values);
    }

    /// <inheritdoc/>
    public override string? Check(ReadOnlySpan<byte> row, ModelGroup group)
    {
        QLearningSettings settings = Decode(row, out string? error);
        string? invalid = error is null ? settings.Validate() ?? group.Agent!.CheckMinReplay(settings) : null;
        return error ?? (invalid is null ? null : "invalid Q-learning settings: " + invalid);
    }

    /// <inheritdoc/>
    public override void Apply(World world, Entity entity, ReadOnlySpan<byte> row) => world.Set(entity, Decode(row, out _));

    /// <inheritdoc/>
    protected override (double Min, double Max)? IntegerRange(int column) => column switch
    {
        1 or 8 => (0, 1),
        2 or 6 or 7 => (0, int.MaxValue),
        _ => null,
    };

    private QLearningSettings Decode(ReadOnlySpan<byte> row, out string? error)
    {
        Span<double> v = stackalloc double[Columns.Length];
        error = ReadDoubleColumns(row, v);
        return error is not null ? default : new QLearningSettings
        {
            Gamma = (float)v[0],
            DoubleDqn = v[1] == 1,
            TargetSyncPeriod = (int)v[2],
            Tau = (float)v[3],
            EpsilonStart = (float)v[4],
            EpsilonEnd = (float)v[5],
            EpsilonDecayDecisions = (int)v[6],
            MinReplay = (int)v[7],
            Greedy = v[8] == 1,
        };
    }
}
