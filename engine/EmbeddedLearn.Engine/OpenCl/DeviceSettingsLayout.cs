using System.Globalization;
using System.Text;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// How <see cref="TrainingSettings"/> reach the device, described once: the float fields (<c>sf</c>, <see cref="FloatCount"/>
/// per entity) and the int fields (<c>si</c>, <see cref="IntCount"/> per entity), in order. <see cref="Pack"/> writes
/// them; <see cref="Header"/> generates the OpenCL C <c>#define</c>s (<c>SF_LEARNING_RATE</c>, <c>SI_REDUCTION</c>,
/// <c>OPTIMIZER_ADAMW</c>, ...) that is prepended to the kernel source, so the kernels never mirror offsets by hand.
/// </summary>
internal static class DeviceSettingsLayout
{
    /// <summary>The float fields, in order: OpenCL name and value.</summary>
    public static readonly (string Name, Func<TrainingSettings, float> Value)[] Floats =
    [
        ("LEARNING_RATE", s => s.LearningRate),
        ("MOMENTUM", s => s.Momentum),
        ("DAMPENING", s => s.Dampening),
        ("WEIGHT_DECAY", s => s.WeightDecay),
        ("BETA1", s => s.Beta1),
        ("BETA2", s => s.Beta2),
        ("EPSILON", s => s.Epsilon),
        ("MAX_GRAD_NORM", s => s.MaxGradNorm),
    ];

    /// <summary>The int fields, in order: OpenCL name and value.</summary>
    public static readonly (string Name, Func<TrainingSettings, int> Value)[] Ints =
    [
        ("OPTIMIZER", s => (int)s.Optimizer),
        ("NESTEROV", s => s.Nesterov ? 1 : 0),
        ("MAXIMIZE", s => s.Maximize ? 1 : 0),
        ("REDUCTION", s => (int)s.Reduction),
        ("ACCUMULATION_STEPS", s => s.AccumulationSteps),
        ("FAILURES_BEFORE_QUARANTINE", s => s.FailuresBeforeQuarantine),
    ];

    /// <summary>The longs of an entity's resident training state, <c>st</c>, in order (see <see cref="StateCount"/>):
    /// backward passes, optimizer steps, step due (0/1), consecutive failures, last gradient norm (float bits).</summary>
    public static readonly string[] StateFields =
        ["BACKWARD_PASSES", "OPTIMIZER_STEPS", "STEP_DUE", "CONSECUTIVE_FAILURES", "GRADIENT_NORM"];

    /// <summary>The flag bit (beside the <see cref="TickOutcome"/> bits) of an entity outside this tick's training window:
    /// the training stages leave it alone, inference runs.</summary>
    public const int FlagResting = 1 << 7;

    /// <summary>The flag bit of an entity the tick does not serve at all (not due under its <c>DecisionPeriod</c>, or
    /// deferred by the budget): no stage touches it, inference included.</summary>
    public const int FlagDeferred = 1 << 6;

    /// <summary>The flag bits that keep an entity out of inference: bad data, or not served this tick
    /// (<c>EL_INFER_EXCLUDE</c> on the device).</summary>
    public const int InferenceExclude = (int)TickOutcome.LeftOut | FlagDeferred;

    /// <summary>The flag bits that keep an entity out of the training stages: out of inference, sitting the tick out
    /// (<see cref="TickOutcome.SitsOut"/>, which includes outputs the forward pass held), or outside the training window
    /// (<c>EL_TRAIN_EXCLUDE</c> on the device).</summary>
    public const int TrainingExclude = InferenceExclude | (int)TickOutcome.SitsOut | FlagResting;

    /// <summary>The fused kernel's bit for taking the tick-start snapshot (after the stage bits).</summary>
    public const int StageSnapshot = 1 << 8;

    /// <summary>Longs per entity in <c>st</c>.</summary>
    public static int StateCount => StateFields.Length;

    /// <summary>Writes entity <paramref name="entity"/>'s resident state into <paramref name="st"/>.</summary>
    public static void PackState(in TrainingState state, int entity, Span<long> st)
    {
        Span<long> row = st.Slice(entity * StateCount, StateCount);
        row[0] = state.BackwardPasses;
        row[1] = state.OptimizerSteps;
        row[2] = state.StepDue ? 1 : 0;
        row[3] = state.ConsecutiveFailures;
        row[4] = BitConverter.SingleToInt32Bits(state.GradientNorm);
    }

    /// <summary><paramref name="host"/> with the resident fields of entity <paramref name="entity"/> in
    /// <paramref name="st"/> (the host keeps its outcome and admission stamp).</summary>
    public static TrainingState UnpackState(ReadOnlySpan<long> st, int entity, in TrainingState host)
    {
        ReadOnlySpan<long> row = st.Slice(entity * StateCount, StateCount);
        return host with
        {
            BackwardPasses = row[0],
            OptimizerSteps = row[1],
            StepDue = row[2] != 0,
            ConsecutiveFailures = (int)row[3],
            GradientNorm = BitConverter.Int32BitsToSingle((int)row[4]),
        };
    }

    /// <summary>Floats per entity in <c>sf</c>.</summary>
    public static int FloatCount => Floats.Length;

    /// <summary>Ints per entity in <c>si</c>.</summary>
    public static int IntCount => Ints.Length;

    /// <summary>Writes entity <paramref name="entity"/>'s fields into <paramref name="sf"/> and <paramref name="si"/>.</summary>
    public static void Pack(in TrainingSettings settings, int entity, Span<float> sf, Span<int> si)
    {
        for (int f = 0; f < Floats.Length; f++)
        {
            sf[(entity * FloatCount) + f] = Floats[f].Value(settings);
        }

        for (int i = 0; i < Ints.Length; i++)
        {
            si[(entity * IntCount) + i] = Ints[i].Value(settings);
        }
    }

    /// <summary>The OpenCL C definitions of the layout: strides, offsets, and the values of
    /// <see cref="OptimizerKind"/> and <see cref="LossReduction"/>.</summary>
    public static string Header()
    {
        var text = new StringBuilder("// Generated from DeviceSettingsLayout (C#); do not edit.\n");
        Define(text, "SF_COUNT", FloatCount);
        Define(text, "SI_COUNT", IntCount);
        for (int f = 0; f < Floats.Length; f++)
        {
            Define(text, "SF_" + Floats[f].Name, f);
        }

        for (int i = 0; i < Ints.Length; i++)
        {
            Define(text, "SI_" + Ints[i].Name, i);
        }

        Define(text, "ST_COUNT", StateCount);
        for (int i = 0; i < StateFields.Length; i++)
        {
            Define(text, "ST_" + StateFields[i], i);
        }

        Define(text, "FLAG_RESTING", FlagResting);
        Define(text, "FLAG_DEFERRED", FlagDeferred);
        Define(text, "EL_INFER_EXCLUDE", InferenceExclude);
        Define(text, "EL_TRAIN_EXCLUDE", TrainingExclude);
        for (int i = 0; i < DeviceStages.Count; i++)
        {
            Define(text, DeviceStages.Define(DeviceStages.All[i].Name), 1 << i);
        }

        Define(text, "STAGE_SNAPSHOT", StageSnapshot);
        foreach (TickOutcome outcome in Enum.GetValues<TickOutcome>())
        {
            Define(text, "OUTCOME_" + outcome.ToString().ToUpperInvariant(), (int)outcome);
        }

        foreach (OptimizerKind kind in Enum.GetValues<OptimizerKind>())
        {
            Define(text, "OPTIMIZER_" + kind.ToString().ToUpperInvariant(), (int)kind);
        }

        foreach (LossReduction reduction in Enum.GetValues<LossReduction>())
        {
            Define(text, "REDUCTION_" + reduction.ToString().ToUpperInvariant(), (int)reduction);
        }

        return text.Append(DeviceStructLayout.Header()).ToString();
    }

    private static void Define(StringBuilder text, string name, int value) =>
        text.Append(CultureInfo.InvariantCulture, $"#define {name} {value}\n");
}
