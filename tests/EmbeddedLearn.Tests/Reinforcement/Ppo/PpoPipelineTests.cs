using EmbeddedLearn.Backends;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>PPO ticks as a whole: the same bits for any thread count, the update spread over frames and double buffered
/// (the OpenCL backend against the CPU: <see cref="PpoDeviceParityTests"/>).</summary>
public sealed class PpoPipelineTests
{
    [Theory]
    [InlineData(PpoActionKind.Continuous)]
    [InlineData(PpoActionKind.Discrete)]
    public void Brains_learn_the_same_bits_on_one_two_and_three_threads(PpoActionKind kind)
    {
        float[]? reference = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var reach = new PpoReach(brains: 5, members: 12, kind, horizon: 8, minibatch: 16);
            using var pipeline = new TrainingPipeline(PpoSpec.Stages(minibatchesPerTick: 2), new PipelineOptions { Threads = threads });
            for (int t = 0; t < 60; t++)
            {
                reach.Step(pipeline);
            }

            Assert.True(reach.World.Get<PpoState>(reach.Brains[0]).Updates >= 5);
            float[] snapshot = reach.Snapshot();
            if (reference is null)
            {
                reference = snapshot;
                continue;
            }

            Assert.Equal(reference.Select(BitConverter.SingleToInt32Bits), snapshot.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void A_shared_brain_with_discrete_actions_learns_to_reach_the_goals()
    {
        using var reach = new PpoReach(brains: 1, members: 32, PpoActionKind.Discrete, horizon: 32, minibatch: 128);
        using var pipeline = new TrainingPipeline(PpoSpec.Stages(minibatchesPerTick: 1));
        var reached = new List<int>();
        for (int t = 0; t < 2000; t++)
        {
            reach.Step(pipeline);
            reached.Add(reach.Reached);
        }

        double first = reached.Take(400).Average(), last = reached.TakeLast(400).Average();
        PpoState state = reach.World.Get<PpoState>(reach.Brains[0]);
        Assert.True(last > 2.5 * first, $"goals reached per decision: first 20% {first}, last 20% {last}; {state}");
        Assert.Equal(0, state.UpdatesCut);
        PpoStats stats = reach.World.Get<PpoStats>(reach.Brains[0]);
        Assert.True(stats.Entropy < 1.0f, stats.ToString()); // below log 3 = 1.10 of the uniform policy it started near
    }

    [Fact]
    public void The_update_runs_its_minibatches_over_the_next_frames_while_the_next_rollout_collects()
    {
        using var reach = new PpoReach(brains: 1, members: 8, horizon: 8, minibatch: 16); // 64 rows: 4 minibatches, 2 epochs
        PpoSettings settings = reach.World.Get<PpoSettings>(reach.Brains[0]);
        Assert.Equal(4, reach.Spec.TicksPerUpdate(settings, minibatchesPerTick: 2));
        using var pipeline = new TrainingPipeline(PpoSpec.Stages(minibatchesPerTick: 2));
        Entity brain = reach.Brains[0];
        for (int t = 0; t < 8; t++)
        {
            reach.Step(pipeline);
        }

        Assert.Equal(0, reach.World.Get<TrainingState>(brain).OptimizerSteps); // collecting the first rollout
        reach.Step(pipeline); // the 9th decision hands it over; two minibatches train
        PpoState state = reach.World.Get<PpoState>(brain);
        Assert.True(state.Updating);
        Assert.Equal((1, 1, 64), (state.Step, state.Collecting, state.Rows));
        Assert.Equal(2, reach.World.Get<TrainingState>(brain).OptimizerSteps);
        for (int t = 0; t < 3; t++)
        {
            reach.Step(pipeline);
        }

        state = reach.World.Get<PpoState>(brain);
        Assert.False(state.Updating);
        Assert.Equal(1, state.Updates);
        Assert.Equal(8, reach.World.Get<TrainingState>(brain).OptimizerSteps);
        Assert.Equal(8, reach.World.Get<PpoStats>(brain).Minibatches);
        Assert.Equal(4, state.Step); // the second rollout kept collecting meanwhile
    }

    [Fact]
    public void An_update_not_done_when_the_next_rollout_is_full_is_cut_and_the_new_rollout_replaces_it()
    {
        using var reach = new PpoReach(brains: 1, members: 8, horizon: 4, minibatch: 4); // 32 rows: 16 minibatches per update
        using var pipeline = new TrainingPipeline(PpoSpec.Stages(minibatchesPerTick: 1));
        for (int t = 0; t < 9; t++)
        {
            reach.Step(pipeline);
        }

        PpoState state = reach.World.Get<PpoState>(reach.Brains[0]);
        Assert.Equal(2, state.Rollouts);
        Assert.Equal(1, state.UpdatesCut);
        Assert.Equal(0, state.Updates);
        Assert.True(state.Updating);
        Assert.Equal(5, reach.World.Get<TrainingState>(reach.Brains[0]).OptimizerSteps); // 4 of the first update, 1 of the second
    }
}
