using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.SharedModels;
using Xunit;

namespace EmbeddedLearn.Tests.Readme;

/// <summary>The shared-model example of docs/shared-models.md, run; the page must quote it verbatim.</summary>
public sealed class SharedModelExampleTests
{
    [Fact]
    public void Example_a_flock_learns_one_function_together_while_birds_come_and_go_and_the_page_quotes_this_code()
    {
        var losses = new List<float>();
        // <example>
        // One brain for the flock: up to 64 birds, each bringing 4 samples a tick; one optimizer step over all of them.
        SharedModelSpec flock = SharedModelSpec.Get(ModelLayout.Parse("2,16,1", Activation.Tanh), memberBatch: 4, capacity: 64);
        using var world = new World();
        using var pipeline = new TrainingPipeline(SharedModelSpec.Stages());
        Entity brain = flock.Spawn(world, TrainingSettings.Adam(learningRate: 0.01f), seed: 1);
        var birds = new List<Entity>();
        for (int i = 0; i < 48; i++)
        {
            Entity bird = world.Create();
            flock.Join(world, brain, bird);
            birds.Add(bird);
        }

        var random = new Random(3);
        for (int tick = 0; tick < 400; tick++)
        {
            if (tick % 100 == 99) // birds come and go; the brain and what it learned stay
            {
                flock.Leave(world, birds[0]);
                world.Destroy(birds[0]);
                birds.RemoveAt(0);
                Entity newcomer = world.Create();
                flock.Join(world, brain, newcomer);
                birds.Add(newcomer);
            }

            foreach (Entity bird in birds)
            {
                Span<float> seen = flock.Inputs(world, bird), answer = flock.Targets(world, bird);
                for (int s = 0; s < flock.MemberBatch; s++)
                {
                    seen[2 * s] = (random.NextSingle() * 2) - 1;
                    seen[(2 * s) + 1] = (random.NextSingle() * 2) - 1;
                    answer[s] = seen[2 * s] * seen[(2 * s) + 1]; // what every bird must learn: the product of what it sees
                }
            }

            pipeline.Run(world);
            losses.Add(world.Get<Loss>(brain).Value); // the MSE over all birds' samples, before this tick's step
        }

        ReadOnlySpan<float> guesses = flock.Outputs(world, birds[^1]); // what the newest bird's samples gave
        // </example>
        ReadmeExample.AssertQuoted(8, "docs/shared-models.md");
        Assert.Equal(400, losses.Count);
        Assert.True(losses.Skip(380).Average() < losses.Take(20).Average() / 4, $"loss {losses.Take(20).Average()} then {losses.Skip(380).Average()}");
        Assert.Equal(flock.MemberBatch, guesses.Length);
        Assert.Equal(new SharedModelState { Members = 48, MembersInBatch = 48, RowsInBatch = 192 }, world.Get<SharedModelState>(brain));
        Assert.Equal(400, world.Get<TrainingState>(brain).OptimizerSteps);
    }
}
