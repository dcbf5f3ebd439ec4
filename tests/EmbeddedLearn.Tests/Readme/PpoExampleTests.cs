using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Readme;

/// <summary>The documentation's PPO example (a shared brain, continuous actions), compiled and run; docs/agents.md must
/// quote it verbatim.</summary>
public sealed class PpoExampleTests
{
    [Fact]
    public void Example_bots_sharing_one_brain_learn_to_reach_their_goals_and_the_docs_quote_this_code()
    {
        var reachedPerDecision = new List<int>();
        // <example>
        // At load: one brain that 64 bots share (what a bot sees -> [move mean, value]), the PPO pipeline.
        var random = new Random(7);
        using var world = new World();
        PpoSpec ppo = PpoSpec.Get(ModelSpec.Get(ModelLayout.Parse("2,32,32,2", Activation.Tanh), batch: 256),
            PpoActionKind.Continuous, capacity: 64, horizon: 32);
        Entity brain = ppo.Spawn(world, TrainingSettings.Adam(learningRate: 0.003f) with { MaxGradNorm = 0.5f },
            PpoSettings.Ppo(gamma: 0.95f, lambda: 0.95f, epochs: 4, initialLogStd: -0.5f), seed: 1);
        using var pipeline = new TrainingPipeline(PpoSpec.Stages(minibatchesPerTick: 1));
        var bots = new List<Entity>();
        float[] position = new float[64], goal = new float[64];
        for (int i = 0; i < 64; i++)
        {
            Entity bot = world.Create(); // any game entity
            ppo.Join(world, brain, bot);
            bots.Add(bot);
            goal[i] = (random.NextSingle() * 2) - 1;
        }

        // Every decision: each bot observes, the tick runs (every bot acts with the shared parameters, and one minibatch
        // of the last rollout trains them), the game applies the moves and rewards them.
        Span<float> seen = stackalloc float[2];
        for (int decision = 0; decision < 3000; decision++)
        {
            for (int i = 0; i < bots.Count; i++)
            {
                seen[0] = position[i];
                seen[1] = goal[i] - position[i];
                ppo.Observe(world, bots[i], seen);
            }

            pipeline.Run(world);
            int reached = 0;
            for (int i = 0; i < bots.Count; i++)
            {
                float move = Math.Clamp(ppo.Action(world, bots[i])[0], -1f, 1f);
                position[i] = Math.Clamp(position[i] + (0.1f * move), -1f, 1f);
                bool done = Math.Abs(goal[i] - position[i]) < 0.05f;
                if (done)
                {
                    reached++;
                    goal[i] = (random.NextSingle() * 2) - 1; // a new goal: the episode ended
                }

                ppo.Reward(world, bots[i], done ? 1f : -0.05f, done);
            }
            // </example>
            reachedPerDecision.Add(reached);
        }

        double first = reachedPerDecision.Take(600).Average(), last = reachedPerDecision.TakeLast(600).Average();
        PpoState state = world.Get<PpoState>(brain);
        Assert.True(last > 4 * first, $"goals reached per decision: first 20% {first}, last 20% {last}; {state}; {world.Get<PpoStats>(brain)}");
        Assert.Equal(0, state.UpdatesCut);
        Assert.True(state.Updates >= 90, state.ToString());
        ReadmeExample.AssertQuoted(indent: 8, page: "docs/agents.md");
    }
}
