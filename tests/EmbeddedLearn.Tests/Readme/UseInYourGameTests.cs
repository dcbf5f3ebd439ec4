using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Readme;

/// <summary>The README's "Use it in your game" example, compiled and run; the README must quote it verbatim.</summary>
public sealed class UseInYourGameTests
{
    [Fact]
    public void Example_agents_learn_and_the_readme_quotes_this_code()
    {
        float firstLoss = 0, lastLoss = 0;
        // <example>
        // At load: a layout chosen at run time (config, save game), a world, a pipeline.
        var random = new Random(42);
        using var world = new World();
        ModelSpec spec = ModelSpec.Get(ModelLayout.Parse("2,16,1", Activation.Tanh), batch: 8);
        using TrainingPipeline pipeline = TrainingPipeline.CreateDefault();

        // Spawn learning agents; settings are per entity.
        var agents = new List<Entity>();
        for (int i = 0; i < 64; i++)
        {
            TrainingSettings settings = i % 2 == 0
                ? TrainingSettings.Sgd(learningRate: 0.1f, momentum: 0.9f)
                : TrainingSettings.Adam(learningRate: 0.01f);
            agents.Add(spec.Spawn(world, settings, seed: (ulong)i));
        }

        // Every frame: the game writes what each agent saw, the pipeline trains, the game reads predictions.
        for (int frame = 0; frame < 300; frame++)
        {
            foreach (Entity agent in agents)
            {
                Span<float> inputs = world.GetSpan<float>(agent, spec.Inputs);   // [batch, 2]
                Span<float> targets = world.GetSpan<float>(agent, spec.Targets); // [batch, 1]
                for (int b = 0; b < spec.Batch; b++)
                {
                    float distance = random.NextSingle(), speed = random.NextSingle();
                    inputs[(2 * b) + 0] = distance;
                    inputs[(2 * b) + 1] = speed;
                    targets[b] = distance * speed; // what the agent should learn to predict
                }
            }

            TickReport report = pipeline.Run(world);     // zero-grad, forward, loss, backward, step
            float prediction = spec.ReadOutputs(world, agents[0])[0];
            float loss = world.Get<Loss>(agents[0]).Value;
            // </example>
            Assert.True(float.IsFinite(prediction));
            Assert.Equal(64, report.EntitiesTrained);
            if (frame == 0)
            {
                firstLoss = agents.Average(a => world.Get<Loss>(a).Value);
            }

            lastLoss = agents.Average(a => world.Get<Loss>(a).Value);
            GC.KeepAlive(loss);
        }

        Assert.True(lastLoss < firstLoss / 5, $"loss went from {firstLoss} to {lastLoss}");
        ReadmeExample.AssertQuoted(indent: 8);
    }
}
