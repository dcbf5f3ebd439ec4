using EmbeddedLearn.Components;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>A steady-state PPO tick (decisions, hand-overs, shuffles, minibatches), the game's Observe, Action and
/// Reward calls included, allocates nothing on any thread: on the CPU, and on OpenCL (skipped without a device).</summary>
[Collection(ProcessAllocationGroup.Name)]
public sealed class PpoAllocationTests
{
    [Theory]
    [InlineData(PpoActionKind.Continuous, 1, TestBackend.Cpu)]
    [InlineData(PpoActionKind.Continuous, 2, TestBackend.Cpu)]
    [InlineData(PpoActionKind.Discrete, 2, TestBackend.Cpu)]
    [InlineData(PpoActionKind.Continuous, 2, TestBackend.OpenCl)]
    [InlineData(PpoActionKind.Discrete, 2, TestBackend.OpenCl)]
    public void A_steady_state_tick_allocates_zero_bytes(PpoActionKind kind, int threads, TestBackend backend)
    {
        using var reach = new PpoReach(brains: 2, members: 128, kind, horizon: 16, minibatch: 128); // an update: 16 ticks
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, PpoSpec.Stages(minibatchesPerTick: 2), new PipelineOptions { Threads = threads });
        void Decision() => reach.Step(pipeline);

        for (int i = 0; i < 100; i++)
        {
            Decision(); // past tiered compilation, several hand-overs and updates
        }

        Action decision = Decision;
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long process = ProcessAllocations.QuietestWindow(decision, repeats: 2, windows: 40);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - threadBefore);
        Assert.Equal(0, process);
        PpoState state = reach.World.Get<PpoState>(reach.Brains[0]);
        Assert.True(state.Updates >= 5 && state.UpdatesCut == 0, state.ToString());
        Assert.Equal(2, pipeline.LastReport.EntitiesTrained);
    }
}
