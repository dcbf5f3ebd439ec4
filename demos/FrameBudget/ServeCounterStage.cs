using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.FrameBudget;

/// <summary>Counts, per entity id, the ticks an entity was inferred (<c>RunsWhenNotTraining</c> true: it sees every
/// served row) or trained (false: only the rows that train), while <see cref="Counting"/> is set. Rows of one block
/// run on one thread and an entity is in one block a tick, so the plain increments do not race.</summary>
internal sealed class ServeCounterStage(bool inference, int ids) : IBlockStage
{
    public int[] Counts { get; } = new int[ids];

    public bool Counting { get; set; }

    public string Name => inference ? "CountInferred" : "CountTrained";

    public ModelData Reads => ModelData.None;

    public ModelData Writes => ModelData.None;

    public bool RunsWhenNotTraining => inference;

    public bool ObservesOnly => true; // the counts live outside the world: no block is copied to guard against a throw

    public void Execute(in ModelBlock block)
    {
        if (!Counting)
        {
            return;
        }

        foreach (Entity entity in block.Entities)
        {
            Counts[entity.Id]++;
        }
    }
}
