using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>A steady-state Q-learning tick, the game's Record calls included, allocates nothing on any thread, on the CPU
/// and on the OpenCL device (both kernel families).</summary>
[Collection(ProcessAllocationGroup.Name)]
public sealed class QAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_steady_state_decision_allocates_zero_bytes(int threads)
    {
        using var corridor = new Corridor(agents: 256, seed: 9);
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages(), new PipelineOptions { Threads = threads });
        AssertDecisionsAllocateNothing(corridor, pipeline, windows: 100);
    }

    [Theory]
    [InlineData(TestBackend.OpenCl)]
    [InlineData(TestBackend.OpenClGpuKernels)]
    public void A_steady_state_decision_on_the_device_allocates_zero_bytes(TestBackend backend)
    {
        using var corridor = new Corridor(agents: 256, seed: 9);
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, QAgentSpec.Stages(), new PipelineOptions { Threads = 1 });
        AssertDecisionsAllocateNothing(corridor, pipeline, windows: 50); // the recorded transitions go up every tick
    }

    private static void AssertDecisionsAllocateNothing(Corridor corridor, TrainingPipeline pipeline, int windows)
    {
        void Decision()
        {
            pipeline.Run(corridor.World);
            corridor.Step(); // reads the actions, records a transition per agent
        }

        for (int i = 0; i < 200; i++)
        {
            Decision(); // past tiered compilation, and past MinReplay so every agent trains
        }

        Action decision = Decision;
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long process = ProcessAllocations.QuietestWindow(decision, repeats: 2, windows: windows);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - threadBefore);
        Assert.Equal(0, process);
        Assert.Equal(256, pipeline.LastReport.EntitiesTrained);
    }
}
