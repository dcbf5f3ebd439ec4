using System.Globalization;
using System.Text;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The kernels around <see cref="DeviceBody"/> functions, generated from their declarations, so that no argument list
/// is kept in step by hand. A stage's own kernel takes the model's sizes (<see cref="Sizes"/>), one parameter per
/// declared buffer (named as in <see cref="BufferName"/>), then the per-entity flags and the exclusion mask, and calls
/// the body with each buffer offset to the work-item's first entity (<c>OFF(e, K)</c>, K its elements per entity);
/// <see cref="ArchetypeBuffers.LaunchBody"/> binds the same list in the same order. The fused kernels' stage calls
/// (<see cref="FusedCalls"/>) are generated the same way, over the parameters of <c>EL_TICK_PARAMS</c>.
/// </summary>
internal static class DeviceKernelSource
{
    /// <summary>The kernel name of a game's stage (each is built into a program of its own).</summary>
    public const string CustomName = "el_custom_stage";

    /// <summary>Model sizes every generated kernel takes first, in order.</summary>
    public const string Sizes = "int n, int S, int P, int layers, __global const int* widths, int batch, int act, int count, int maxW, int nAct, int hasMomentum, int cap, int scr, int members, int extraN, int ppoC, int ppoT, int ppoAw, int ppoCont";

    /// <summary>Whether <paramref name="argument"/> is a per-entity buffer (a kernel parameter of its own).</summary>
    public static bool IsBuffer(DeviceArgument argument) => BufferName(argument) is not null;

    /// <summary>Whether a body taking <paramref name="argument"/> also runs on archetypes without that buffer, told so by a
    /// size (<see cref="DeviceArgument.MomentumPresent"/> 0, <see cref="DeviceArgument.MemberCapacity"/> 0): the argument
    /// then points at a stand-in it must not use. A body taking any other buffer runs only where the buffer exists.</summary>
    public static bool StandsIn(DeviceArgument argument) => argument is DeviceArgument.Momentum or DeviceArgument.MemberSamples
        or DeviceArgument.MemberOutputs or DeviceArgument.MemberSlots or DeviceArgument.SharedModelState or DeviceArgument.ExtraGradients
        or DeviceArgument.PpoLogStd or DeviceArgument.PpoLogStdGradient or DeviceArgument.PpoLogStdState;

    /// <summary>A stage's own kernel, named <paramref name="kernelName"/>, around <paramref name="body"/> (whose source the
    /// program holds before it).</summary>
    public static string Kernel(DeviceBody body, string kernelName)
    {
        var text = new StringBuilder();
        text.Append("__kernel void ").Append(kernelName).Append('(').Append(Sizes);
        foreach (DeviceArgument argument in Distinct(body))
        {
            if (IsBuffer(argument))
            {
                text.Append(", __global ").Append(ElementType(argument)).Append("* ").Append(BufferName(argument));
            }
        }

        text.Append(", __global int* flagsIn, int exclude)\n{\n    int e = get_global_id(0) * VW;\n    if (e >= n) return;\n    __global int* flags = flagsIn;\n    ");
        Call(text, body, "EL_ON(flags + OFF(e, 1), exclude)");
        text.Append("\n}\n");
        return text.ToString();
    }

    /// <summary><c>#define EL_FUSED_STAGES</c>: for each of <paramref name="stages"/> (in order), the call of its body when
    /// its bit is in <c>stages</c> (and, for a body that takes the Adam moments, when <c>hasAdam</c>), masked by
    /// <c>infer</c> for inference bodies and, for the others, <c>EL_TRAINS</c> (the flags read at the call, so that an
    /// entity whose outputs forward held sits out the training stages after it).</summary>
    public static string FusedCalls(IReadOnlyList<(string Name, DeviceBody Body)> stages)
    {
        var text = new StringBuilder("#define EL_FUSED_STAGES \\\n");
        foreach ((string name, DeviceBody body) in stages)
        {
            text.Append("    if ((stages & ").Append(DeviceStages.Define(name)).Append(')');
            if (body.Arguments.Contains(DeviceArgument.AdamMoments))
            {
                text.Append(" && hasAdam");
            }

            text.Append(") ");
            Call(text, body, body.Inference ? "infer" : "EL_TRAINS");
            text.Append(" \\\n");
        }

        return text.Append('\n').ToString();
    }

    /// <summary>The name a buffer argument has in every generated kernel and in <c>EL_TICK_PARAMS</c>, or null for a size.</summary>
    public static string? BufferName(DeviceArgument argument) => argument switch
    {
        DeviceArgument.Parameters => "params",
        DeviceArgument.Gradients => "grads",
        DeviceArgument.Inputs => "inputs",
        DeviceArgument.Targets => "targets",
        DeviceArgument.Outputs => "outputs",
        DeviceArgument.OutputGradient => "outGrad",
        DeviceArgument.Loss => "loss",
        DeviceArgument.LossElements => "elements",
        DeviceArgument.Activations => "acts",
        DeviceArgument.Scratch => "scratch",
        DeviceArgument.Momentum => "momentum",
        DeviceArgument.AdamMoments => "moments",
        DeviceArgument.SettingsF => "sf",
        DeviceArgument.SettingsI => "si",
        DeviceArgument.State => "st",
        DeviceArgument.Flags => "flags",
        DeviceArgument.Observation => "obs",
        DeviceArgument.TargetParameters => "tparams",
        DeviceArgument.ReplayBuffer => "ring",
        DeviceArgument.ReplaySample => "sample",
        DeviceArgument.AgentScratch => "ascr",
        DeviceArgument.QLearningSettings => "qls",
        DeviceArgument.QAgentState => "qas",
        DeviceArgument.ReplayState => "rs",
        DeviceArgument.MemberSamples => "ms",
        DeviceArgument.MemberOutputs => "mo",
        DeviceArgument.MemberSlots => "slots",
        DeviceArgument.SharedModelState => "sms",
        DeviceArgument.ExtraGradients => "extra",
        DeviceArgument.PpoSlots => "pslots",
        DeviceArgument.PpoRollouts => "prollouts",
        DeviceArgument.PpoTargets => "ptargets",
        DeviceArgument.PpoOrder => "porder",
        DeviceArgument.PpoBatch => "pbatch",
        DeviceArgument.PpoSettings => "pps",
        DeviceArgument.PpoState => "pst",
        DeviceArgument.PpoStats => "pstats",
        DeviceArgument.PpoLogStd => "pls",
        DeviceArgument.PpoLogStdGradient => "plsg",
        DeviceArgument.PpoLogStdState => "plss",
        _ => null,
    };

    private static void Call(StringBuilder text, DeviceBody body, string mask)
    {
        text.Append(body.Function).Append("(S");
        foreach (DeviceArgument argument in body.Arguments)
        {
            text.Append(", ");
            if (BufferName(argument) is string name)
            {
                text.Append(name).Append(" + OFF(e, ").Append(ElementsPerEntity(argument)).Append(')');
            }
            else
            {
                text.Append(Scalar(argument));
            }
        }

        text.Append(", ").Append(mask).Append(");");
    }

    private static IEnumerable<DeviceArgument> Distinct(DeviceBody body) =>
        body.Arguments.Where(a => a != DeviceArgument.Flags).Distinct();

    private static string ElementType(DeviceArgument argument) => argument switch
    {
        DeviceArgument.SettingsI or DeviceArgument.Flags or DeviceArgument.QLearningSettings or DeviceArgument.QAgentState
            or DeviceArgument.ReplayState or DeviceArgument.MemberSlots or DeviceArgument.SharedModelState or DeviceArgument.PpoOrder
            or DeviceArgument.PpoSettings or DeviceArgument.PpoState or DeviceArgument.PpoStats => "int",
        DeviceArgument.State => "long",
        _ => "float",
    };

    private static string ElementsPerEntity(DeviceArgument argument) => argument switch
    {
        DeviceArgument.Parameters or DeviceArgument.Gradients or DeviceArgument.Momentum => "P",
        DeviceArgument.AdamMoments => "2 * P",
        DeviceArgument.Inputs => "batch * widths[0]",
        DeviceArgument.Targets or DeviceArgument.Outputs or DeviceArgument.OutputGradient or DeviceArgument.LossElements => "count",
        DeviceArgument.Activations => "nAct",
        DeviceArgument.Scratch => "2 * batch * maxW",
        DeviceArgument.Loss or DeviceArgument.Flags => "1",
        DeviceArgument.SettingsF => "SF_COUNT",
        DeviceArgument.SettingsI => "SI_COUNT",
        DeviceArgument.State => "ST_COUNT",
        DeviceArgument.Observation => "widths[0]",
        DeviceArgument.TargetParameters => "P",
        DeviceArgument.ReplayBuffer => "cap * (2 * widths[0] + 3)",
        DeviceArgument.ReplaySample => "batch * (widths[0] + 3)",
        DeviceArgument.AgentScratch => "scr",
        DeviceArgument.QLearningSettings => "QLEARNINGSETTINGS_WORDS",
        DeviceArgument.QAgentState => "QAGENTSTATE_WORDS",
        DeviceArgument.ReplayState => "REPLAYSTATE_WORDS",

        // Shared-model buffers: 0 elements per entity on archetypes that are no brains (members 0), so that the offset into
        // the stand-in stays inside it.
        DeviceArgument.MemberSamples => "(members > 0 ? batch * widths[0] + count : 0)",
        DeviceArgument.MemberOutputs => "(members > 0 ? count : 0)",
        DeviceArgument.MemberSlots => "3 * members",
        DeviceArgument.SharedModelState => "(members > 0 ? SHAREDMODELSTATE_WORDS : 0)",

        // Extra parameters and a discrete policy's log-std: 0 elements where the archetype has none (a stand-in is bound).
        DeviceArgument.ExtraGradients => "extraN",
        DeviceArgument.PpoLogStd or DeviceArgument.PpoLogStdGradient => "(ppoCont ? widths[layers] - 1 : 0)",
        DeviceArgument.PpoLogStdState => "(ppoCont ? 2 * (widths[layers] - 1) : 0)",
        DeviceArgument.PpoSlots => "ppoC * (widths[0] + ppoAw + 4)",
        DeviceArgument.PpoRollouts => "2 * ppoC * ppoT * (widths[0] + ppoAw + 5)",
        DeviceArgument.PpoTargets => "2 * ppoC * ppoT",
        DeviceArgument.PpoOrder => "ppoC * ppoT",
        DeviceArgument.PpoBatch => "batch * (ppoAw + 4)",
        DeviceArgument.PpoSettings => "PPOSETTINGS_WORDS",
        DeviceArgument.PpoState => "PPOSTATE_WORDS",
        DeviceArgument.PpoStats => "PPOSTATS_WORDS",
        _ => throw new ArgumentOutOfRangeException(nameof(argument), argument, "not a buffer"),
    };

    private static string Scalar(DeviceArgument argument) => argument switch
    {
        DeviceArgument.ParameterCount => "P",
        DeviceArgument.LayerCount => "layers",
        DeviceArgument.Widths => "widths",
        DeviceArgument.Batch => "batch",
        DeviceArgument.HiddenActivation => "act",
        DeviceArgument.OutputCount => "count",
        DeviceArgument.MaxWidth => "maxW",
        DeviceArgument.ActivationCount => "nAct",
        DeviceArgument.MomentumPresent => "hasMomentum",
        DeviceArgument.ReplayCapacity => "cap",
        DeviceArgument.MemberCapacity => "members",
        DeviceArgument.ExtraCount => "extraN",
        DeviceArgument.PpoCapacity => "ppoC",
        DeviceArgument.PpoHorizon => "ppoT",
        DeviceArgument.PpoActionWidth => "ppoAw",
        DeviceArgument.PpoContinuous => "ppoCont",
        _ => throw new ArgumentOutOfRangeException(nameof(argument), argument, string.Format(CultureInfo.InvariantCulture, "{0} is not a size", argument)),
    };
}
