using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A block stage that charges a <see cref="FakeTickClock"/> a fixed cost per row and counts, by entity id,
/// the rows it ran on: with <c>RunsWhenNotTraining</c> true it sees every inferred row, with false every trained
/// row.</summary>
internal sealed class ChargeStage(FakeTickClock clock, long unitsPerRow, bool runsWhenNotTraining, int ids) : IBlockStage
{
    public int[] Counts { get; } = new int[ids];

    /// <summary>Per entity id, the most ticks between two runs (counting from tick 0).</summary>
    public int[] MaxGap { get; } = new int[ids];

    private int[] LastTick { get; } = new int[ids];

    public int Tick { get; set; }

    public string Name => runsWhenNotTraining ? "ChargeInference" : "ChargeTraining";

    public ModelData Reads => ModelData.None;

    public ModelData Writes => ModelData.None;

    public bool RunsWhenNotTraining => runsWhenNotTraining;

    public void Execute(in ModelBlock block)
    {
        foreach (Entity entity in block.Entities)
        {
            Counts[entity.Id]++;
            MaxGap[entity.Id] = Math.Max(MaxGap[entity.Id], Tick - LastTick[entity.Id]);
            LastTick[entity.Id] = Tick;
        }

        clock.Charge(unitsPerRow * block.Count);
    }
}
