using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary><see cref="PpoSettings"/> of PPO brains as <c>model{g}.ppo_settings</c>, F64 <c>[N, 10]</c>: gamma, lambda,
/// clip_epsilon, value_clip, value_coefficient, entropy_coefficient, epochs, normalize_advantages (0/1),
/// initial_log_std, deterministic (0/1).</summary>
internal sealed class PpoSettingsTensor : PlainTensor
{
    /// <inheritdoc/>
    public override string Suffix => "ppo_settings";

    /// <inheritdoc/>
    public override string DType => "F64";

    /// <inheritdoc/>
    public override string[] Columns { get; } =
    [
        "gamma", "lambda", "clip_epsilon", "value_clip", "value_coefficient", "entropy_coefficient", "epochs", "normalize_advantages",
        "initial_log_std", "deterministic",
    ];

    /// <inheritdoc/>
    public override bool AppliesTo(ModelGroup group) => group.Brain is not null;

    /// <inheritdoc/>
    public override void Encode(World world, Entity entity, Span<byte> row)
    {
        PpoSettings p = world.Get<PpoSettings>(entity);
        ReadOnlySpan<double> values =
        [
            p.Gamma, p.Lambda, p.ClipEpsilon, p.ValueClip, p.ValueCoefficient, p.EntropyCoefficient, p.Epochs,
            p.NormalizeAdvantages ? 1 : 0, p.InitialLogStd, p.Deterministic ? 1 : 0,
        ];
        WriteColumns(row, values);
    }

    /// <inheritdoc/>
    public override string? Check(ReadOnlySpan<byte> row, ModelGroup group)
    {
        PpoSettings settings = Decode(row, out string? error);
        string? invalid = error is null ? settings.Validate() : null;
        return error ?? (invalid is null ? null : "invalid PPO settings: " + invalid);
    }

    /// <inheritdoc/>
    public override void Apply(World world, Entity entity, ReadOnlySpan<byte> row) => world.Set(entity, Decode(row, out _));

    /// <inheritdoc/>
    protected override (double Min, double Max)? IntegerRange(int column) => column switch
    {
        6 => (1, int.MaxValue),
        7 or 9 => (0, 1),
        _ => null,
    };

    private PpoSettings Decode(ReadOnlySpan<byte> row, out string? error)
    {
        Span<double> v = stackalloc double[10];
        error = ReadDoubleColumns(row, v);
        return new PpoSettings
        {
            Gamma = (float)v[0],
            Lambda = (float)v[1],
            ClipEpsilon = (float)v[2],
            ValueClip = (float)v[3],
            ValueCoefficient = (float)v[4],
            EntropyCoefficient = (float)v[5],
            Epochs = (int)v[6],
            NormalizeAdvantages = v[7] == 1,
            InitialLogStd = (float)v[8],
            Deterministic = v[9] == 1,
        };
    }
}
