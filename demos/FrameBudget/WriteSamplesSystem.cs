using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.FrameBudget;

/// <summary>The game side of the simulated loop: a system that writes every entity's samples each tick
/// (inputs from a cheap per-tick generator, targets a smooth function of them) and one that reads the outputs.</summary>
internal sealed class WriteSamplesSystem(ModelSpec spec) : IWorldSystem
{
    private uint _state = 2463534242;

    public string Name => "GameWritesSamples";

    public ModelData Reads => ModelData.None;

    public ModelData Writes => ModelData.Inputs | ModelData.Targets;

    public void Update(World world)
    {
        foreach (Chunk chunk in world.Query(spec.Query))
        {
            Span<float> inputs = chunk.GetSpan<float>(spec.Inputs);
            Span<float> targets = chunk.GetSpan<float>(spec.Targets);
            for (int i = 0; i < inputs.Length; i++)
            {
                _state ^= _state << 13;
                _state ^= _state >> 17;
                _state ^= _state << 5;
                inputs[i] = (_state * (1f / uint.MaxValue)) - 0.5f;
            }

            for (int i = 0; i < targets.Length; i++)
            {
                targets[i] = 0.5f * inputs[i % inputs.Length];
            }
        }
    }
}
