using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>End to end: agents learn the corridor's optimal policy from rewards alone, inside the pipeline.</summary>
public class CorridorLearningTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Agents_learn_to_walk_to_the_goal(bool doubleDqn)
    {
        using var corridor = new Corridor(agents: 8, seed: 3);
        foreach (Entity e in corridor.Agents)
        {
            corridor.World.Get<QLearningSettings>(e) = corridor.World.Get<QLearningSettings>(e) with { DoubleDqn = doubleDqn };
        }

        using var pipeline = new TrainingPipeline(QAgentSpec.Stages(), new PipelineOptions { Threads = 2 });
        for (int decision = 0; decision < 1500; decision++)
        {
            pipeline.Run(corridor.World);
            corridor.Step();
        }

        // Evaluate greedily from every cell: each agent must move right everywhere, valuing it above moving left.
        using var act = new TrainingPipeline([new ActStage()]);
        foreach (Entity e in corridor.Agents)
        {
            corridor.World.Get<QLearningSettings>(e) = corridor.World.Get<QLearningSettings>(e) with { Greedy = true };
        }

        for (int cell = 0; cell < Corridor.Cells - 1; cell++)
        {
            foreach (Entity e in corridor.Agents)
            {
                Corridor.OneHot(cell, corridor.World.GetSpan<float>(e, corridor.Spec.Observation));
            }

            act.Run(corridor.World);
            Assert.All(corridor.Agents, e => Assert.Equal(1, corridor.World.Get<QAgentState>(e).Action));
        }

        // Q(4, right) is the +1 reward itself, Q(3, right) = -0.01 + 0.9 * 1 (the goal one move away).
        Corridor.OneHot(4, corridor.World.GetSpan<float>(corridor.Agents[0], corridor.Spec.Observation));
        act.Run(corridor.World);
        Assert.InRange(corridor.World.Get<QAgentState>(corridor.Agents[0]).ActionValue, 0.9f, 1.1f);
    }
}
