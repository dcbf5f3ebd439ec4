using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>The replay ring: what Record stores, where, what it refuses and how.</summary>
public class ReplayBufferTests
{
    private static readonly QAgentSpec Spec = QAgentSpec.Get(ModelSpec.Get(ModelLayout.Parse("2,4,3", Activation.Tanh), 2), 3);

    [Fact]
    public void The_ring_keeps_the_last_capacity_transitions_in_order()
    {
        using var world = new World();
        Entity agent = Spec.Spawn(world, TrainingSettings.Adam(), QLearningSettings.Dqn(minReplay: 1), 1);
        for (int t = 0; t < 5; t++)
        {
            Assert.True(Spec.Record(world, agent, [t, -t], t % 3, 10 + t, [t + 0.5f, 1], done: t == 4));
        }

        ReplayState state = world.Get<ReplayState>(agent);
        Assert.Equal(new ReplayState { Count = 3, Next = 2, Added = 5, Rejected = 0 }, state);
        // Slots 0 and 1 were overwritten by transitions 3 and 4; slot 2 still holds transition 2.
        float[] ring = world.GetSpan<float>(agent, Spec.ReplayBuffer).ToArray();
        Assert.Equal([3, -3, 0, 13, 0, 3.5f, 1, 4, -4, 1, 14, 1, 4.5f, 1, 2, -2, 2, 12, 0, 2.5f, 1], ring);
    }

    [Theory]
    [InlineData(float.NaN, 0f, 0f)]
    [InlineData(0f, float.PositiveInfinity, 0f)]
    [InlineData(0f, 0f, float.NegativeInfinity)]
    public void A_non_finite_transition_is_refused_and_counted_and_stores_nothing(float observation, float reward, float next)
    {
        using var world = new World();
        Entity agent = Spec.Spawn(world, TrainingSettings.Adam(), QLearningSettings.Dqn(minReplay: 1), 1);
        Assert.True(Spec.Record(world, agent, [1, 2], 1, 0.5f, [3, 4], false));
        float[] before = world.GetSpan<float>(agent, Spec.ReplayBuffer).ToArray();

        Assert.False(Spec.Record(world, agent, [observation, 1], 0, reward, [1, next], false));

        Assert.Equal(new ReplayState { Count = 1, Next = 1, Added = 1, Rejected = 1 }, world.Get<ReplayState>(agent));
        Assert.Equal(before, world.GetSpan<float>(agent, Spec.ReplayBuffer).ToArray());
    }

    [Fact]
    public void Misuse_throws_naming_what_is_wrong_and_changes_nothing()
    {
        using var world = new World();
        Entity agent = Spec.Spawn(world, TrainingSettings.Adam(), QLearningSettings.Dqn(minReplay: 1), 1);
        Entity plain = Spec.Model.Spawn(world, TrainingSettings.Adam(), 2);

        var length = Assert.Throws<ArgumentException>(() => Spec.Record(world, agent, [1, 2, 3], 0, 0, [1, 2], false));
        Assert.Equal($"{agent}: observation needs 2 floats (the observation width); 3 were given. (Parameter 'observation')", length.Message);
        var action = Assert.Throws<ArgumentException>(() => Spec.Record(world, agent, [1, 2], 3, 0, [1, 2], false));
        Assert.Equal($"{agent}: action 3 is outside [0, 3). (Parameter 'action')", action.Message);
        var notAgent = Assert.Throws<InvalidOperationException>(() => Spec.Record(world, plain, [1, 2], 0, 0, [1, 2], false));
        Assert.Contains($"{plain} is not a Q-learning agent of spec", notAgent.Message, StringComparison.Ordinal);
        Entity gone = Spec.Spawn(world, TrainingSettings.Adam(), QLearningSettings.Dqn(minReplay: 1), 3);
        world.Destroy(gone);
        var dead = Assert.Throws<InvalidOperationException>(() => Spec.Record(world, gone, [1, 2], 0, 0, [1, 2], false));
        Assert.Equal($"{gone} is not alive (destroyed, or a stale handle).", dead.Message);
        Assert.Equal(default, world.Get<ReplayState>(agent));
        Assert.All(world.GetSpan<float>(agent, Spec.ReplayBuffer).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Invalid_settings_are_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => QLearningSettings.Dqn(gamma: 1.5f));
        Assert.Equal("Invalid QLearningSettings: Gamma is 1.5; it must be in [0, 1].", error.Message);
        Assert.Equal("Tau is 0; it must be in (0, 1]", (QLearningSettings.Dqn() with { Tau = 0 }).Validate());
        Assert.Equal("MinReplay is 0; it must be at least 1", (QLearningSettings.Dqn() with { MinReplay = 0 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => QAgentSpec.Get(Spec.Model, 0));
        using var world = new World();
        var tooMany = Assert.Throws<ArgumentException>(() => Spec.Spawn(world, TrainingSettings.Adam(), QLearningSettings.Dqn(minReplay: 4), 1));
        Assert.StartsWith("Invalid QLearningSettings: MinReplay is 4; the replay ring holds at most 3 transitions.", tooMany.Message, StringComparison.Ordinal);
        Assert.Equal(0, world.Count);
    }

    [Fact]
    public void Epsilon_falls_linearly_then_stays_and_is_zero_when_greedy()
    {
        QLearningSettings q = QLearningSettings.Dqn(epsilonStart: 1f, epsilonEnd: 0.1f, epsilonDecayDecisions: 100);
        Assert.Equal(1f, q.EpsilonAt(0));
        Assert.Equal(0.55f, q.EpsilonAt(50), 6);
        Assert.Equal(0.1f, q.EpsilonAt(100));
        Assert.Equal(0.1f, q.EpsilonAt(10_000));
        Assert.Equal(0f, (q with { Greedy = true }).EpsilonAt(0));
    }
}
