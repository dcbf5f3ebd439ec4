using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>Members joining, leaving and misbehaving: errors name what is wrong, bad data stays with its member.</summary>
public sealed class PpoMemberTests
{
    [Fact]
    public void Joining_a_full_brain_throws_naming_the_brain_the_member_and_the_capacity()
    {
        using var reach = new PpoReach(brains: 1, members: 3);
        Entity extra = reach.World.Create();
        ArgumentException error = Assert.Throws<ArgumentException>(() => reach.Spec.Join(reach.World, reach.Brains[0], extra));
        Assert.Contains(reach.Brains[0].ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(extra.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("all 3 member slots", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, reach.Spec.MemberCount(reach.World, reach.Brains[0]));

        reach.Spec.Leave(reach.World, reach.Members[1]);
        Assert.Equal(1, reach.Spec.Join(reach.World, reach.Brains[0], extra)); // the freed slot
        Assert.Throws<ArgumentException>(() => reach.Spec.Join(reach.World, reach.Brains[0], extra)); // already a member
    }

    [Fact]
    public void Sweep_frees_the_slots_of_members_destroyed_without_leaving()
    {
        using var reach = new PpoReach(brains: 1, members: 3);
        using var pipeline = new TrainingPipeline(PpoSpec.Stages());
        reach.Step(pipeline);
        reach.World.Destroy(reach.Members[1]);
        Assert.Equal(3, reach.Spec.MemberCount(reach.World, reach.Brains[0]));
        Assert.Equal(1, reach.Spec.Sweep(reach.World, reach.Brains[0]));
        Assert.Equal(0, reach.Spec.Sweep(reach.World, reach.Brains[0]));
        Assert.Equal(2, reach.Spec.MemberCount(reach.World, reach.Brains[0]));
        Assert.Equal(1, reach.World.Get<PpoState>(reach.Brains[0]).RowsLeftOut); // its one decision, not done, dropped
        Entity newcomer = reach.World.Create();
        Assert.Equal(1, reach.Spec.Join(reach.World, reach.Brains[0], newcomer));
        Assert.Equal(newcomer, reach.World.GetSpan<Entity>(reach.Brains[0], reach.Spec.SlotMembers)[1]);
    }

    [Fact]
    public void A_wrong_observation_length_names_the_argument_and_the_lengths()
    {
        using var reach = new PpoReach(brains: 1, members: 2);
        ArgumentException error = Assert.Throws<ArgumentException>(() => reach.Spec.Observe(reach.World, reach.Members[0], new float[3]));
        Assert.Equal("observation", error.ParamName);
        Assert.Contains("needs 2 floats", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 were given", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => reach.Spec.Observe(reach.World, reach.Brains[0], new float[2])); // not a member
    }

    [Fact]
    public void A_member_with_bad_observations_is_left_out_and_the_others_train()
    {
        using var reach = new PpoReach(brains: 1, members: 4, horizon: 8, minibatch: 8);
        using var pipeline = new TrainingPipeline(PpoSpec.Stages());
        for (int t = 0; t < 9; t++)
        {
            reach.Observe(bad: 2);
            pipeline.Run(reach.World);
            reach.Apply();
        }

        PpoState state = reach.World.Get<PpoState>(reach.Brains[0]);
        Assert.Equal(1, state.Rollouts);
        Assert.Equal(3 * 8, state.Rows); // the member with NaN observations recorded nothing
        Assert.Equal(0, state.RowsLeftOut);
        Assert.Equal([0f], reach.Spec.Action(reach.World, reach.Members[2]).ToArray()); // it never acted
        Assert.NotEqual(0f, reach.Spec.Action(reach.World, reach.Members[1])[0]);
        Assert.Equal(1, reach.World.Get<TrainingState>(reach.Brains[0]).OptimizerSteps); // the brain trained on the others
        Assert.True(reach.Snapshot().All(float.IsFinite));
    }

    [Fact]
    public void A_member_that_stops_observing_stops_deciding_and_records_nothing()
    {
        using var reach = new PpoReach(brains: 1, members: 2, horizon: 4, minibatch: 8);
        using var pipeline = new TrainingPipeline(PpoSpec.Stages());
        reach.Step(pipeline);
        float[] before = reach.Spec.Action(reach.World, reach.Members[0]).ToArray();
        Span<float> seen = stackalloc float[2];
        for (int t = 0; t < 4; t++)
        {
            seen[0] = t * 0.1f;
            reach.Spec.Observe(reach.World, reach.Members[1], seen); // member 0 (destroyed without Leave, say) is silent
            pipeline.Run(reach.World);
            reach.Apply();
        }

        PpoState state = reach.World.Get<PpoState>(reach.Brains[0]);
        Assert.Equal(1, state.Rollouts);
        Assert.Equal(4, state.Rows); // member 0's first decision has no successor to bootstrap from; member 1's four
        Assert.Equal(1, state.RowsLeftOut);
        Assert.Equal(before, reach.Spec.Action(reach.World, reach.Members[0]).ToArray());
    }

    [Fact]
    public void A_bad_reward_leaves_out_only_its_transition()
    {
        using var reach = new PpoReach(brains: 1, members: 4, horizon: 8, minibatch: 8);
        using var pipeline = new TrainingPipeline(PpoSpec.Stages());
        for (int t = 0; t < 9; t++)
        {
            reach.Step(pipeline);
            if (t == 3)
            {
                Assert.False(reach.Spec.Reward(reach.World, reach.Members[1], float.PositiveInfinity, done: false));
                Assert.False(reach.Spec.Reward(reach.World, reach.Members[1], 1f, done: false)); // stays left out
            }
        }

        PpoState state = reach.World.Get<PpoState>(reach.Brains[0]);
        Assert.Equal((4 * 8) - 1, state.Rows);
        Assert.Equal(1, state.RowsLeftOut);
        Assert.DoesNotContain((1 * 8) + 3, reach.World.GetSpan<int>(reach.Brains[0], reach.Spec.Order)[..state.Rows].ToArray());
    }

    [Fact]
    public void A_member_leaving_mid_rollout_drops_its_partial_trajectory_and_a_newcomer_takes_its_slot()
    {
        using var reach = new PpoReach(brains: 1, members: 4, horizon: 8, minibatch: 8);
        using var pipeline = new TrainingPipeline(PpoSpec.Stages());
        Entity newcomer = reach.World.Create();
        for (int t = 0; t < 9; t++)
        {
            if (t == 3)
            {
                reach.Spec.Leave(reach.World, reach.Members[0]); // after 3 decisions of this rollout, none done
                Assert.False(reach.World.Has<PpoMember>(reach.Members[0]));
                Assert.Equal(0, reach.Spec.Join(reach.World, reach.Brains[0], newcomer));
                reach.Members[0] = newcomer;
            }

            reach.Step(pipeline);
        }

        PpoState state = reach.World.Get<PpoState>(reach.Brains[0]);
        Assert.Equal(3, state.RowsLeftOut); // the leaver reached no goal in its 3 decisions: all 3 dropped
        Assert.Equal((4 * 8) - 3, state.Rows);
        int[] order = reach.World.GetSpan<int>(reach.Brains[0], reach.Spec.Order)[..state.Rows].ToArray();
        Assert.DoesNotContain(0, order);
        Assert.DoesNotContain(2, order);
        Assert.Contains(3, order); // the newcomer's first decision
    }

    [Fact]
    public void Spawning_a_brain_that_accumulates_gradients_is_refused()
    {
        using var world = new World();
        PpoSpec spec = PpoSpec.Get(ModelSpec.Get(ModelLayout.Parse("2,4,3", Activation.Tanh), 4), PpoActionKind.Discrete, 2, 4);
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            spec.Spawn(world, TrainingSettings.Adam(accumulationSteps: 2), PpoSettings.Ppo(), seed: 1));
        Assert.Contains("AccumulationSteps is 2", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PpoSettings.Ppo(clipEpsilon: 0f));
        Assert.Throws<ArgumentException>(() => PpoSpec.Get(ModelSpec.Get(ModelLayout.Parse("2,4,1", Activation.Tanh), 4), PpoActionKind.Discrete, 2, 4));
    }
}
