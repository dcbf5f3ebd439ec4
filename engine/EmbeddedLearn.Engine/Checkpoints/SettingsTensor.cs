using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary><see cref="TrainingSettings"/> as <c>model{g}.settings</c>, F64 <c>[N, 14]</c> (every float32 setting and
/// small integer is exact in a double): optimizer (0 SGD, 1 Adam, 2 AdamW), lr, momentum, dampening, nesterov (0/1),
/// maximize (0/1), weight_decay, beta1, beta2, eps, reduction (0 mean, 1 sum, 2 none), accumulation_steps,
/// max_grad_norm (0: no clipping), failures_before_quarantine (0: never).</summary>
internal sealed class SettingsTensor : PlainTensor
{
    /// <inheritdoc/>
    public override string Suffix => "settings";

    /// <inheritdoc/>
    public override string DType => "F64";

    /// <inheritdoc/>
    public override string[] Columns { get; } =
    [
        "optimizer", "lr", "momentum", "dampening", "nesterov", "maximize", "weight_decay", "beta1", "beta2", "eps",
        "reduction", "accumulation_steps", "max_grad_norm", "failures_before_quarantine",
    ];

    /// <inheritdoc/>
    public override bool AppliesTo(ModelGroup group) => group.Trainable;

    /// <inheritdoc/>
    public override void Encode(World world, Entity entity, Span<byte> row)
    {
        TrainingSettings s = world.Get<TrainingSettings>(entity);
        ReadOnlySpan<double> values =
        [
            (int)s.Optimizer, s.LearningRate, s.Momentum, s.Dampening, s.Nesterov ? 1 : 0, s.Maximize ? 1 : 0, s.WeightDecay,
            s.Beta1, s.Beta2, s.Epsilon, (int)s.Reduction, s.AccumulationSteps, s.MaxGradNorm, s.FailuresBeforeQuarantine,
        ];
        WriteColumns(row, values);
    }

    /// <inheritdoc/>
    public override string? Check(ReadOnlySpan<byte> row, ModelGroup group)
    {
        TrainingSettings settings = Decode(row, out string? error);
        if (error is not null)
        {
            return error;
        }

        error = settings.Validate();
        if (error is not null)
        {
            return "invalid settings: " + error;
        }

        return settings.Optimizer is OptimizerKind.Adam or OptimizerKind.AdamW && !group.Adam
            ? "the settings select " + settings.Optimizer + " but the group has no Adam moments"
            : settings.Optimizer == OptimizerKind.Sgd && settings.Momentum != 0f && !group.Momentum
                ? "the settings select SGD with momentum but the group has no momentum buffer"
                : null;
    }

    /// <inheritdoc/>
    public override void Apply(World world, Entity entity, ReadOnlySpan<byte> row) => world.Set(entity, Decode(row, out _));

    /// <inheritdoc/>
    protected override (double Min, double Max)? IntegerRange(int column) => column switch
    {
        0 or 10 => (0, 2),
        4 or 5 => (0, 1),
        11 => (1, int.MaxValue),
        13 => (0, int.MaxValue),
        _ => null,
    };

    private TrainingSettings Decode(ReadOnlySpan<byte> row, out string? error)
    {
        Span<double> v = stackalloc double[Columns.Length];
        error = ReadDoubleColumns(row, v);
        return error is not null ? default : new TrainingSettings
        {
            Optimizer = (OptimizerKind)(int)v[0],
            LearningRate = (float)v[1],
            Momentum = (float)v[2],
            Dampening = (float)v[3],
            Nesterov = v[4] == 1,
            Maximize = v[5] == 1,
            WeightDecay = (float)v[6],
            Beta1 = (float)v[7],
            Beta2 = (float)v[8],
            Epsilon = (float)v[9],
            Reduction = (LossReduction)(int)v[10],
            AccumulationSteps = (int)v[11],
            MaxGradNorm = (float)v[12],
            FailuresBeforeQuarantine = (int)v[13],
        };
    }
}
