using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>Changing the accumulation count mid-run keeps the window true: a gradient already applied is never applied
/// again, and an open window's passes are kept.</summary>
public sealed class AccumulationChangeTests
{
    private static readonly ModelSpec Spec = SwarmWorld.Small;
    private static readonly float[] Inputs = [0.5f, -1f, 2f, 1f, 0f, -0.5f, 0.25f, 0.75f, -2f];
    private static readonly float[] Targets = [1f, 0f, -1f, 0.5f, 0f, 2f];

    [Theory]
    [InlineData(5, 1, 4, 4)] // after a finished window: a fresh one at the next tick
    [InlineData(2, 4, 3, 2)] // an open window keeps its 2 passes and ends after 1 more
    [InlineData(3, 4, 2, 3)] // 3 passes held, more than the new 2: ends at the next pass
    [InlineData(8, 4, 4, 8)]
    public void The_window_position_is_realigned(long passes, int oldSteps, int newSteps, long expected)
    {
        Assert.Equal(expected, ModelSpec.RealignWindow(passes, oldSteps, newSteps));
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Switching_to_four_tick_accumulation_after_a_step_accumulates_four_fresh_gradients(TestBackend backend)
    {
        using var world = new World();
        Entity entity = Spawn(world, accumulation: 1);
        using TrainingPipeline pipeline = OnBackend.Default(backend);
        for (int t = 0; t < 5; t++)
        {
            pipeline.Run(world);
        }

        float[] before = Parameters(world, entity);
        Spec.ChangeSettings(world, entity, TrainingSettings.Sgd(0.1f, accumulationSteps: 4));
        AssertWindow(pipeline, world, entity, before, passes: 4, ticks: 4, expectedSteps: 6);
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Shortening_an_open_window_keeps_its_passes(TestBackend backend)
    {
        using var world = new World();
        Entity entity = Spawn(world, accumulation: 4);
        using TrainingPipeline pipeline = OnBackend.Default(backend);
        float[] before = Parameters(world, entity);
        pipeline.Run(world);
        pipeline.Run(world);

        Spec.ChangeSettings(world, entity, TrainingSettings.Sgd(0.1f, accumulationSteps: 3));
        AssertWindow(pipeline, world, entity, before, passes: 3, ticks: 1, expectedSteps: 1);
    }

    /// <summary>Runs <paramref name="ticks"/> ticks: the parameters stay <paramref name="before"/> until the last, which
    /// applies <paramref name="passes"/> gradients taken at <paramref name="before"/> (the samples never change).</summary>
    private static void AssertWindow(TrainingPipeline pipeline, World world, Entity entity, float[] before, int passes, int ticks,
        long expectedSteps)
    {
        float[] gradient = GradientAt(before);
        for (int t = 0; t < ticks - 1; t++)
        {
            pipeline.Run(world);
            Assert.Equal(before, Parameters(world, entity));
        }

        pipeline.Run(world);
        float[] expected = new float[before.Length];
        for (int i = 0; i < expected.Length; i++)
        {
            float sum = 0f;
            for (int k = 0; k < passes; k++)
            {
                sum += gradient[i];
            }

            expected[i] = before[i] - (0.1f * sum);
        }

        OnBackend.AssertClose(expected, Parameters(world, entity));
        HostResidency.BeforeHostRead(world);
        Assert.Equal(expectedSteps, world.Get<TrainingState>(entity).OptimizerSteps);
    }

    private static Entity Spawn(World world, int accumulation)
    {
        Entity entity = Spec.Spawn(world, TrainingSettings.Sgd(0.1f, accumulationSteps: accumulation), seed: 12);
        Spec.WriteSamples(world, entity, Inputs, Targets);
        return entity;
    }

    /// <summary>The gradient one backward pass gives at <paramref name="parameters"/> (torch order), on the CPU.</summary>
    private static float[] GradientAt(float[] parameters)
    {
        using var world = new World();
        Entity twin = Spec.Spawn(world, TrainingSettings.Sgd(0.1f), parameters);
        Spec.WriteSamples(world, twin, Inputs, Targets);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault();
        cpu.Run(world);
        float[] gradient = new float[parameters.Length];
        Spec.ExportGradients(world, twin, gradient);
        return gradient;
    }

    private static float[] Parameters(World world, Entity entity)
    {
        float[] parameters = new float[Spec.Layout.ParameterCount];
        Spec.ExportParameters(world, entity, parameters);
        return parameters;
    }
}
