using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// <c>optimizer.step()</c> for entities whose settings select SGD and whose accumulation window just ended:
/// <c>g = grad</c> (or <c>-grad</c> with maximize); <c>g += wd p</c>; with momentum <c>m</c>: <c>buf = g</c> on the
/// first step, else <c>buf = m buf + (1 - dampening) g</c>, <c>g = nesterov ? g + m buf : buf</c>; <c>p -= lr g</c>.
/// </summary>
public sealed class SgdStepStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "SgdStep";

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        if (!block.IsTrainable)
        {
            return;
        }

        ModelSpec spec = block.Spec;
        int p = spec.Parameters.ElementCount;
        Span<float> parameters = block.Floats(spec.Parameters);
        ReadOnlySpan<float> gradients = block.Floats(spec.Gradients);
        Span<float> momentum = block.Has(spec.Momentum) ? block.Floats(spec.Momentum) : [];
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        Span<TrainingState> states = block.States;
        for (int i = 0; i < block.Count; i++)
        {
            ref TrainingState state = ref states[i];
            if (!state.StepDue || settings[i].Optimizer != OptimizerKind.Sgd)
            {
                continue;
            }

            Span<float> buffer = settings[i].Momentum != 0f ? momentum.Slice(i * p, p) : [];
            SgdStep.Run(settings[i], state.OptimizerSteps == 0, parameters.Slice(i * p, p), gradients.Slice(i * p, p), buffer);
            state.OptimizerSteps++;
            state.StepDue = false;
        }
    }
}
