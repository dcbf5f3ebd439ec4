using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.FrameBudget;

/// <summary>The game side of the simulated loop: a system that writes every entity's samples each tick
/// (inputs from a cheap per-tick generator in entity order, each entity's targets a smooth function of its own inputs) and
/// one that reads the outputs.</summary>
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

            // Each entity's targets from its own inputs, so the data do not depend on where chunks begin.
            int perInputs = spec.Inputs.ElementCount, perTargets = spec.Targets.ElementCount;
            for (int row = 0; row < chunk.Count; row++)
            {
                for (int k = 0; k < perTargets; k++)
                {
                    targets[(row * perTargets) + k] = 0.5f * inputs[(row * perInputs) + (k % perInputs)];
                }
            }
        }
    }
}
