using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// The forward pass: for every entity, <c>a_0 = inputs [B, in]</c>, <c>z_l = a_l W_l^T + b_l</c>,
/// <c>a_{l+1} = act(z_l)</c> for hidden layers, outputs <c>[B, out] = z_last</c>. Keeps the hidden activations
/// backward needs. Runs on trainable and inference-only entities alike.
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
    public ModelData Writes => ModelData.Activations | ModelData.Outputs;

    /// <summary>The device code (Forward.cl beside this file).</summary>
    internal static readonly DeviceBody Body = new("el_forward", DeviceBody.Embedded("Forward.cl"),
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.HiddenActivation, DeviceArgument.Parameters, DeviceArgument.Inputs, DeviceArgument.Activations, DeviceArgument.Outputs]) { KernelName = "forward", Inference = true };

    /// <inheritdoc/>
    public DeviceBody Device => Body;

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
        ReadOnlySpan<TrainingState> states = trainable ? block.States : default;
        for (int i = 0; i < block.Count; i++)
        {
            if (trainable ? (states[i].Outcome & TickOutcome.LeftOut) != 0 : block.IsLeftOut(i))
            {
                continue; // bad data: its outputs and activations keep the values of its last tick
            }

            DenseForward.Run(spec.Layout, spec.Batch, parameters.Slice(i * p, p), inputs.Slice(i * nIn, nIn),
                activations.Slice(i * nAct, nAct), outputs.Slice(i * nOut, nOut));
        }
    }
}
