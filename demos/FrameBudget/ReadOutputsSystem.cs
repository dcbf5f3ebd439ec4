using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.FrameBudget;

/// <summary>Reads every entity's outputs, as gameplay acting on predictions would.</summary>
internal sealed class ReadOutputsSystem(ModelSpec spec) : IWorldSystem
{
    public string Name => "GameReadsOutputs";

    public ModelData Reads => ModelData.Outputs;

    public ModelData Writes => ModelData.None;

    public float Checksum { get; private set; }

    public void Update(World world)
    {
        float sum = 0;
        foreach (Chunk chunk in world.Query(spec.Query))
        {
            foreach (float value in chunk.GetSpan<float>(spec.Outputs))
            {
                sum += value;
            }
        }

        Checksum = sum;
    }
}
