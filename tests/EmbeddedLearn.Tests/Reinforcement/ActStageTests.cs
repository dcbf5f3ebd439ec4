using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Kernels;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>Action selection: greedy against the reference Q values, exploration, bad observations, quarantine.</summary>
public class ActStageTests
{
    private static readonly QAgentSpec Spec = QAgentSpec.Get(ModelSpec.Get(ModelLayout.Parse("5,12,4", Activation.Tanh), 4), 8);

    [Fact]
    public void Greedy_agents_take_the_reference_argmax()
    {
        using var world = new World();
        var random = new Random(5);
        var agents = Enumerable.Range(0, 40)
            .Select(i => Spec.Spawn(world, TrainingSettings.Adam(), QLearningSettings.Dqn(greedy: true, minReplay: 1), (ulong)i)).ToList();
        foreach (Entity e in agents)
        {
            KernelAssert.RandomFloats(random, 5, 2).CopyTo(world.GetSpan<float>(e, Spec.Observation));
        }

        using var pipeline = new TrainingPipeline([new ActStage()], new PipelineOptions { Threads = 2 });
        pipeline.Run(world);

        var chosen = new HashSet<int>();
        foreach (Entity e in agents)
        {
            var torch = new float[Spec.Model.Layout.ParameterCount];
            Spec.Model.ExportParameters(world, e, torch);
            double[] q = ReferenceMlp.Forward(Spec.Model.Layout, 1, KernelAssert.ToDouble(torch),
                KernelAssert.ToDouble(world.GetSpan<float>(e, Spec.Observation)))[^1];
            QAgentState state = world.Get<QAgentState>(e);
            Assert.Equal(Array.IndexOf(q, q.Max()), state.Action);
            KernelAssert.Close([q[state.Action]], [state.ActionValue], what: $"{e} Q(s, a)");
            Assert.False(state.Explored);
            Assert.Equal(0f, state.Epsilon);
            Assert.Equal(1, state.Decisions);
            chosen.Add(state.Action);
        }

        Assert.True(chosen.Count > 1, "40 random networks all chose one action: the test would not see a wrong argmax");
    }

    [Fact]
    public void Ties_go_to_the_lowest_action()
    {
        using var world = new World();
        Entity agent = Spec.Spawn(world, TrainingSettings.Adam(), QLearningSettings.Dqn(greedy: true, minReplay: 1), 3);
        Span<float> parameters = world.GetSpan<float>(agent, Spec.Model.Parameters);
        parameters.Clear();
        int last = Spec.Model.Layout.BiasOffset(Spec.Model.Layout.LayerCount - 1);
        parameters[last + 1] = 0.5f; // output biases [0, 0.5, 0.5, 0]: actions 1 and 2 tie for the maximum
        parameters[last + 2] = 0.5f;
        using var pipeline = new TrainingPipeline([new ActStage()]);
        pipeline.Run(world);
        Assert.Equal(1, world.Get<QAgentState>(agent).Action);
        Assert.Equal(0.5f, world.Get<QAgentState>(agent).ActionValue);
    }

    [Fact]
    public void With_epsilon_one_every_action_is_drawn_about_equally_and_marked_explored()
    {
        using var world = new World();
        QLearningSettings q = QLearningSettings.Dqn(epsilonStart: 1f, epsilonEnd: 1f, minReplay: 1);
        Entity agent = Spec.Spawn(world, TrainingSettings.Adam(), q, 3);
        using var pipeline = new TrainingPipeline([new ActStage()]);
        var counts = new int[Spec.ActionCount];
        for (int tick = 0; tick < 2000; tick++)
        {
            pipeline.Run(world);
            QAgentState state = world.Get<QAgentState>(agent);
            Assert.True(state.Explored);
            counts[state.Action]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 400, 600)); // 500 expected each; binomial sd 19
        Assert.Equal(2000, world.Get<QAgentState>(agent).Decisions);
    }

    [Fact]
    public void A_non_finite_observation_keeps_the_last_action_and_takes_no_decision()
    {
        using var world = new World();
        Entity agent = Spec.Spawn(world, TrainingSettings.Adam(), QLearningSettings.Dqn(greedy: true, minReplay: 1), 3);
        Entity other = Spec.Spawn(world, TrainingSettings.Adam(), QLearningSettings.Dqn(greedy: true, minReplay: 1), 4);
        using var pipeline = new TrainingPipeline([new ActStage()]);
        pipeline.Run(world);
        QAgentState before = world.Get<QAgentState>(agent);

        world.GetSpan<float>(agent, Spec.Observation)[2] = float.NaN;
        pipeline.Run(world);

        Assert.Equal(before, world.Get<QAgentState>(agent));
        Assert.Equal(2, world.Get<QAgentState>(other).Decisions);
    }

    [Fact]
    public void A_quarantined_agent_still_acts_but_does_not_train()
    {
        using var c = new QAgentCase(2, doubleDqn: false, agents: 2);
        c.World.Add(c.Agents[0], new Quarantined { SinceTick = 1 });
        float[] parameters = c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray();
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        pipeline.Run(c.World);

        Assert.Equal(1, c.World.Get<QAgentState>(c.Agents[0]).Decisions);
        Assert.Equal(parameters, c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray());
        Assert.Equal(0, c.World.Get<TrainingState>(c.Agents[0]).OptimizerSteps);
        Assert.Equal(1, c.World.Get<TrainingState>(c.Agents[1]).OptimizerSteps);
    }
}
