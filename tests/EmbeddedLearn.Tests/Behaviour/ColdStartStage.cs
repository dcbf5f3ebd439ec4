using EmbeddedLearn.Training;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A training stage that charges a fake clock <paramref name="first"/> units per row on its first run (a cold
/// tick, compiling) and <paramref name="steady"/> units per row after, recording the ticks it ran on.</summary>
internal sealed class ColdStartStage(FakeTickClock clock, long first, long steady) : IBlockStage
{
    public List<int> TrainedTicks { get; } = [];

    public int Tick { get; set; }

    public string Name => "ColdStart";

    public ModelData Reads => ModelData.None;

    public ModelData Writes => ModelData.None;

    public void Execute(in ModelBlock block)
    {
        clock.Charge((TrainedTicks.Count == 0 ? first : steady) * block.Count);
        TrainedTicks.Add(Tick);
    }
}
