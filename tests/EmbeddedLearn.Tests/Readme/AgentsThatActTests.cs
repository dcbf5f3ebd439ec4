using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Readme;

/// <summary>The documentation's "Agents that learn to act" example, compiled and run; the page docs/agents.md must quote it verbatim.</summary>
public sealed class AgentsThatActTests
{
    [Fact]
    public void Example_bots_learn_to_reach_their_goals_and_the_readme_quotes_this_code()
    {
        var reachedPerDecision = new List<int>();
        // <example>
        // At load: one Q-network per bot (what it sees -> one value per move), a replay ring each, the DQN pipeline.
        var random = new Random(7);
        using var world = new World();
        QAgentSpec spec = QAgentSpec.Get(ModelSpec.Get(ModelLayout.Parse("2,32,3", Activation.Tanh), batch: 16), capacity: 2000);
        QLearningSettings q = QLearningSettings.Dqn(gamma: 0.9f, doubleDqn: true, targetSyncPeriod: 100, epsilonDecayDecisions: 500);
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        var bots = new List<Entity>();
        float[] position = new float[100], goal = new float[100];
        for (int i = 0; i < 100; i++)
        {
            bots.Add(spec.Spawn(world, TrainingSettings.Adam(learningRate: 0.003f), q, seed: (ulong)i));
            goal[i] = (random.NextSingle() * 2) - 1;
        }

        // Every decision: write what each bot sees, run the tick (each bot picks a move, then learns from a batch of
        // its own past), apply the moves, record what happened.
        Span<float> seen = stackalloc float[2], next = stackalloc float[2];
        for (int decision = 0; decision < 2000; decision++)
        {
            for (int i = 0; i < bots.Count; i++)
            {
                Span<float> observation = world.GetSpan<float>(bots[i], spec.Observation);
                observation[0] = position[i];
                observation[1] = goal[i] - position[i];
            }

            pipeline.Run(world);
            int reached = 0;
            for (int i = 0; i < bots.Count; i++)
            {
                world.GetSpan<float>(bots[i], spec.Observation).CopyTo(seen);
                int move = world.Get<QAgentState>(bots[i]).Action; // 0 left, 1 stay, 2 right
                position[i] = Math.Clamp(position[i] + ((move - 1) * 0.1f), -1f, 1f);
                bool done = Math.Abs(goal[i] - position[i]) < 0.05f;
                if (done)
                {
                    reached++;
                    goal[i] = (random.NextSingle() * 2) - 1; // a new goal: the episode ended
                }

                next[0] = position[i];
                next[1] = goal[i] - position[i];
                spec.Record(world, bots[i], seen, move, done ? 1f : -0.05f, next, done);
            }
            // </example>
            reachedPerDecision.Add(reached);
        }

        double first = reachedPerDecision.Take(400).Average(), last = reachedPerDecision.TakeLast(400).Average();
        Assert.True(last > 3 * first, $"goals reached per decision: first 20% {first}, last 20% {last}");
        ReadmeExample.AssertQuoted(indent: 8, page: "docs/agents.md");
    }
}
