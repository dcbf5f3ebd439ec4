using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Tests.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>Time-sliced ticks, on every backend: the budget covers inference too (<see cref="WholeTickBudgetTests"/>),
/// and a fair rotation serves everyone in turn.</summary>
public sealed class TrainingBudgetTests
{
    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void A_tiny_budget_rotates_through_every_entity(TestBackend backend)
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(300);
        using (world)
        {
            var options = new PipelineOptions { Threads = 2, TrainingBudget = TimeSpan.FromTicks(1) };
            using TrainingPipeline pipeline = OnBackend.Default(backend, options);
            var trainedPerTick = new List<int>();
            for (int tick = 0; tick < 400; tick++)
            {
                SwarmWorld.WriteSamples(world, entities.Select(e => (SwarmWorld.Swarm, e)), tick);
                TickReport report = pipeline.Run(world);
                trainedPerTick.Add(report.EntitiesTrained);
                Assert.InRange(report.EntitiesInferred, 1, 300);
                Assert.Equal(300, report.EntitiesInferred + report.EntitiesDeferred);
            }

            HostResidency.BeforeHostRead(world);
            Assert.All(entities, e => Assert.NotEqual(0f, SwarmWorld.Swarm.ReadOutputs(world, e)[0])); // everyone was served
            // Inference first: under overload (100 ns) the first, unmeasured tick trains and then nothing does.
            Assert.InRange(trainedPerTick[0], 1, 299);
            Assert.All(trainedPerTick.Skip(1), n => Assert.Equal(0, n));

            long steps = entities.Sum(e => world.Get<TrainingState>(e).OptimizerSteps);
            Assert.Equal(trainedPerTick.Sum(), steps);
        }
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void A_generous_budget_trains_every_entity_once_the_cost_is_measured(TestBackend backend)
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(300);
        using (world)
        {
            var options = new PipelineOptions { Threads = 1, TrainingBudget = TimeSpan.FromSeconds(10) };
            using TrainingPipeline pipeline = OnBackend.Default(backend, options);
            SwarmWorld.WriteSamples(world, entities.Select(e => (SwarmWorld.Swarm, e)), 0);
            int first = pipeline.Run(world).EntitiesTrained;
            Assert.InRange(first, 1, 299); // the first tick has no measurement yet and starts small
            for (int tick = 1; tick < 5; tick++)
            {
                Assert.Equal(300, pipeline.Run(world).EntitiesTrained);
            }
        }
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Without_a_budget_every_entity_trains_every_tick(TestBackend backend)
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(50);
        using (world)
        {
            using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = 1 });
            SwarmWorld.WriteSamples(world, entities.Select(e => (SwarmWorld.Swarm, e)), 0);
            for (int tick = 0; tick < 3; tick++)
            {
                Assert.Equal(50, pipeline.Run(world).EntitiesTrained);
            }

            HostResidency.BeforeHostRead(world);
            Assert.All(entities, e => Assert.Equal(3, world.Get<TrainingState>(e).OptimizerSteps));
        }
    }
}
