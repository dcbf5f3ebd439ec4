using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// <c>loss.backward()</c>: back-propagates the output gradient through every layer and ADDS this pass's
/// gradients into the entity's gradient component (<c>dL/dW_l = sum_b delta_l[b]^T a_l[b]</c>,
/// <c>dL/db_l = sum_b delta_l[b]</c>). Counts the pass; when it completes a window of K passes the optimizer is
/// due to step.
/// </summary>
public sealed class BackwardStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "Backward";

    /// <inheritdoc/>
    public StageKind Kind => StageKind.Backward;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Parameters | ModelData.Inputs | ModelData.Activations | ModelData.OutputGradient | ModelData.Gradients | ModelData.Settings | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Gradients | ModelData.Counters;

    /// <summary>The device code (Backward.cl beside this file).</summary>
    internal static readonly DeviceBody Body = new("el_backward", DeviceBody.Embedded("Backward.cl"),
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.HiddenActivation, DeviceArgument.MaxWidth, DeviceArgument.Parameters, DeviceArgument.Inputs, DeviceArgument.Activations, DeviceArgument.OutputGradient, DeviceArgument.Gradients, DeviceArgument.Scratch, DeviceArgument.SettingsI, DeviceArgument.State]) { KernelName = "backward" };

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block) => Run(block, clearsFirst: false);

    /// <summary>The pass; with <paramref name="clearsFirst"/> it also does the work of a ZeroGrad the executor deferred
    /// into it (<see cref="DeferredZeroGrad"/>): an entity at the start of its accumulation window that did not sit out
    /// when the ZeroGrad would have run gets its gradients overwritten (or, when it sits out now, cleared).</summary>
    internal static void Run(in ModelBlock block, bool clearsFirst)
    {
        if (!block.IsTrainable)
        {
            return;
        }

        ModelSpec spec = block.Spec;
        int p = spec.Parameters.ElementCount;
        int nIn = spec.Inputs.ElementCount;
        int nOut = spec.Outputs.ElementCount;
        int nAct = spec.Activations.ElementCount;
        ReadOnlySpan<float> parameters = block.Floats(spec.Parameters);
        ReadOnlySpan<float> inputs = block.Floats(spec.Inputs);
        ReadOnlySpan<float> activations = block.Floats(spec.Activations);
        ReadOnlySpan<float> outputGradient = block.Floats(spec.OutputGradient);
        Span<float> gradients = block.Floats(spec.Gradients);
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        Span<TrainingState> states = block.States;
        Span<float> scratch = block.Scratch;
        for (int i = 0; i < block.Count; i++)
        {
            bool clears = clearsFirst && states[i].BackwardPasses % settings[i].AccumulationSteps == 0
                && (states[i].Outcome & DeferredZeroGrad.ZeroTimeSitsOut) == 0;
            if ((states[i].Outcome & TickOutcome.SitsOut) != 0)
            {
                if (clears)
                {
                    ZeroFill.Clear(gradients.Slice(i * p, p));
                }

                continue;
            }

            // The next entity's gradients are written without being read: their lines are asked for during this
            // entity's pass, so that its stores do not wait on memory (a separate ZeroGrad pass streamed them in; this
            // pass would stall on them).
            DenseBackward.Run(spec.Layout, spec.Batch, parameters.Slice(i * p, p), inputs.Slice(i * nIn, nIn),
                activations.Slice(i * nAct, nAct), outputGradient.Slice(i * nOut, nOut), gradients.Slice(i * p, p), scratch,
                SimdSupport.Best, accumulate: !clears, prefetchNext: clearsFirst && i + 1 < block.Count);
            ref TrainingState state = ref states[i];
            state.BackwardPasses++;
            if (state.BackwardPasses % settings[i].AccumulationSteps == 0)
            {
                state.StepDue = true;
            }
        }
    }
}
