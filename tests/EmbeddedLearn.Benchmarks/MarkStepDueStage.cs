using EmbeddedLearn.Components;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Benchmarks;

/// <summary>Marks every trainable entity due to step, so an optimizer stage can be measured alone.</summary>
internal sealed class MarkStepDueStage : IBlockStage
{
    public string Name => "MarkStepDue";

    public ModelData Reads => ModelData.Counters;

    public ModelData Writes => ModelData.Counters;

    public void Execute(in ModelBlock block)
    {
        if (!block.IsTrainable)
        {
            return;
        }

        foreach (ref TrainingState state in block.States)
        {
            state.StepDue = true;
        }
    }
}
