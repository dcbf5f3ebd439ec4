using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// <c>optimizer.step()</c> for entities whose settings select Adam and whose accumulation window just ended, with
/// <c>t</c> the entity's step count after this step: <c>g += wd p</c>; <c>m = b1 m + (1 - b1) g</c>;
/// <c>v = b2 v + (1 - b2) g^2</c>; <c>p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)</c>.
/// </summary>
public sealed class AdamStepStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "AdamStep";

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        if (!block.IsTrainable || !block.Has(block.Spec.AdamMoments))
        {
            return;
        }

        ModelSpec spec = block.Spec;
        int p = spec.Parameters.ElementCount;
        Span<float> parameters = block.Floats(spec.Parameters);
        ReadOnlySpan<float> gradients = block.Floats(spec.Gradients);
        Span<float> moments = block.Floats(spec.AdamMoments);
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        Span<TrainingState> states = block.States;
        for (int i = 0; i < block.Count; i++)
        {
            ref TrainingState state = ref states[i];
            if (!state.StepDue || settings[i].Optimizer != OptimizerKind.Adam)
            {
                continue;
            }

            state.OptimizerSteps++;
            Span<float> entityMoments = moments.Slice(i * 2 * p, 2 * p);
            AdamStep.Run(settings[i], state.OptimizerSteps, parameters.Slice(i * p, p), gradients.Slice(i * p, p),
                entityMoments[..p], entityMoments[p..]);
            state.StepDue = false;
        }
    }
}
