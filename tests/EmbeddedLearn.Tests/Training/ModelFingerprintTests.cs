using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>The fingerprint of what a world learned: equal for equal bits (any thread count on the CPU), different as
/// soon as one bit of a parameter or of an optimizer state differs.</summary>
public sealed class ModelFingerprintTests
{
    [Fact]
    public void Equal_training_on_one_and_three_threads_gives_the_same_fingerprint()
    {
        string one = Trained(threads: 1, out (World World, List<(ModelSpec, Entity)>) first);
        string three = Trained(threads: 3, out (World World, List<(ModelSpec, Entity)>) second);
        first.World.Dispose();
        second.World.Dispose();

        Assert.Equal(one, three);
        Assert.Matches("^[0-9a-f]{64}$", one);
    }

    [Fact]
    public void One_bit_of_a_parameter_or_of_a_moment_changes_it()
    {
        string before = Trained(threads: 1, out (World World, List<(ModelSpec Spec, Entity Entity)> Entities) trained);
        using World world = trained.World;
        (ModelSpec spec, Entity adam) = trained.Entities.First(e => world.Has(e.Entity, e.Spec.AdamMoments));

        Span<float> moments = world.GetSpan<float>(adam, spec.AdamMoments);
        moments[^1] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(moments[^1]) ^ 1);
        string afterMoment = ModelFingerprint.Of(world);
        Span<float> parameters = world.GetSpan<float>(trained.Entities[0].Entity, trained.Entities[0].Spec.Parameters);
        parameters[0] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(parameters[0]) ^ 1);
        string afterParameter = ModelFingerprint.Of(world);

        Assert.NotEqual(before, afterMoment);
        Assert.NotEqual(afterMoment, afterParameter);
        Assert.Equal(afterParameter, ModelFingerprint.Of(world)); // a read changes nothing
    }

    private static string Trained(int threads, out (World, List<(ModelSpec, Entity)>) trained)
    {
        (World world, List<(ModelSpec Spec, Entity Entity)> entities) = SwarmWorld.Mixed(24, seed: 4);
        using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(), new PipelineOptions { Threads = threads });
        for (int tick = 0; tick < 10; tick++)
        {
            SwarmWorld.WriteSamples(world, entities, tick);
            pipeline.Run(world);
        }

        trained = (world, entities);
        return ModelFingerprint.Of(world);
    }
}
