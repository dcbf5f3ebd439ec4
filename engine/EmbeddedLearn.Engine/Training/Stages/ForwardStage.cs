using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// The forward pass: for every entity, <c>a_0 = inputs [B, in]</c>, <c>z_l = a_l W_l^T + b_l</c>,
/// <c>a_{l+1} = act(z_l)</c> for hidden layers, outputs <c>[B, out] = z_last</c>. Keeps the hidden activations
/// backward needs. Runs on trainable and inference-only entities alike. The game is never handed a non-finite output:
/// when any of an entity's new outputs is NaN or infinite (a huge finite input overflowing, say), its
/// <c>Outputs</c> keep the finite values of its last tick, it sits out this tick's training stages and is reported
/// (<see cref="TickOutcome.OutputsHeld"/>, <see cref="TickReport.OutputsHeld"/>); not a failure. On the CPU the outputs
/// are computed into the thread's scratch and copied over only when all are finite.
/// </summary>
public sealed class ForwardStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "Forward";

    /// <summary>Inference always runs, whether or not the block trains this tick.</summary>
    public bool RunsWhenNotTraining => true;

    /// <inheritdoc/>
    public StageKind Kind => StageKind.Forward;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Parameters | ModelData.Inputs | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Activations | ModelData.Outputs | ModelData.Counters;

    /// <summary>The device code (Forward.cl beside this file).</summary>
    internal static readonly DeviceBody Body = new("el_forward", DeviceBody.Embedded("Forward.cl"),
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.HiddenActivation, DeviceArgument.Parameters, DeviceArgument.Inputs, DeviceArgument.Activations, DeviceArgument.Outputs, DeviceArgument.Flags]) { KernelName = "forward", Inference = true };

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <summary>
    /// The archetype's parameter bytes above which the pass asks for the next entity's parameters during each entity's
    /// work (<see cref="DenseForward.Run(ModelLayout, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, KernelPath, bool)"/>):
    /// below it they stay in the caches from tick to tick and the requests only cost issue slots. On the 2-core Zen 4
    /// (32 MB of third-level cache) the swarm model was about 2% slower with them at 5.8 MB of parameters (1,024
    /// entities) and 10 to 25% faster from 11.6 MB (2,048) on.
    /// </summary>
    internal const long PrefetchAbove = 8L << 20;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        ModelSpec spec = block.Spec;
        int p = spec.Parameters.ElementCount;
        int nIn = spec.Inputs.ElementCount;
        int nOut = spec.Outputs.ElementCount;
        int nAct = spec.Activations.ElementCount;
        ReadOnlySpan<float> parameters = block.Floats(spec.Parameters);
        ReadOnlySpan<float> inputs = block.Floats(spec.Inputs);
        Span<float> activations = block.Floats(spec.Activations);
        Span<float> outputs = block.Floats(spec.Outputs);
        bool trainable = block.Has(ComponentType.Of<TrainingState>());
        Span<TrainingState> states = trainable ? block.States : default;
        bool prefetch = (long)block.Range.Archetype.EntityCount * p * sizeof(float) > PrefetchAbove;
        for (int i = 0; i < block.Count; i++)
        {
            if (trainable ? (states[i].Outcome & TickOutcome.LeftOut) != 0 : block.IsLeftOut(i))
            {
                continue; // bad data: its outputs and activations keep the values of its last tick
            }

            Span<float> fresh = block.Scratch.AsSpan(0, nOut);
            DenseForward.Run(spec.Layout, spec.Batch, parameters.Slice(i * p, p), inputs.Slice(i * nIn, nIn),
                activations.Slice(i * nAct, nAct), fresh, SimdSupport.Best, prefetchNext: prefetch && i + 1 < block.Count);
            if (FiniteCheck.AllFinite(fresh))
            {
                fresh.CopyTo(outputs.Slice(i * nOut, nOut));
                continue;
            }

            if (trainable)
            {
                states[i].Outcome |= TickOutcome.OutputsHeld; // the training stages leave it alone this tick
            }

            block.Account?.OutputsHeld.Add(block.Entities[i]);
        }
    }
}
