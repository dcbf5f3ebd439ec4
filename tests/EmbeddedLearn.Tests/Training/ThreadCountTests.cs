using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>The CPU backend gives bitwise-identical results for any thread count.</summary>
public sealed class ThreadCountTests
{
    [Fact]
    public void Parameters_gradients_and_state_are_bitwise_identical_for_1_2_3_and_4_threads()
    {
        byte[] reference = Train(threads: 1);
        Assert.Equal(reference, Train(threads: 2));
        Assert.Equal(reference, Train(threads: 3));
        Assert.Equal(reference, Train(threads: 4));
    }

    [Fact]
    public void Training_changes_the_parameters_so_the_comparison_is_not_vacuous()
    {
        Assert.NotEqual(Train(threads: 1, ticks: 0), Train(threads: 1, ticks: 3));
    }

    private static byte[] Train(int threads, int ticks = 6)
    {
        (World world, List<(ModelSpec Spec, Entity Entity)> entities) = SwarmWorld.Mixed(200, seed: 5);
        using (world)
        {
            using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = threads });
            for (int t = 0; t < ticks; t++)
            {
                SwarmWorld.WriteSamples(world, entities, t);
                pipeline.Run(world);
            }

            var bytes = new List<byte>();
            foreach ((ModelSpec spec, Entity entity) in entities)
            {
                foreach (ComponentType type in world.GetComponentTypes(entity))
                {
                    bytes.AddRange(ComponentBytes.Of(world, entity, type));
                }
            }

            return [.. bytes];
        }
    }
}
