using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>Every libtorch fixture case, every tick, through the OpenCL backend.</summary>
public sealed class OpenClParityTests
{
    private static readonly ParityFixture Fixture = ParityFixtureReader.ReadFile(FixturePath.TorchParity);

    public static TheoryData<string> CaseNames() => TorchParityTests.CaseNames();

    [SkippableTheory]
    [MemberData(nameof(CaseNames))]
    public void Case_matches_libtorch_every_tick_on_OpenCL(string name)
    {
        ParityCase parityCase = Fixture.Cases.Single(c => c.Name == name);
        using OpenClBackend backend = OpenClTestDevice.CreateBackend();
        ParityResult result = ParityRunner.Run(parityCase,
            c => new TrainingPipeline(TrainingPipeline.DefaultStages(c.ZeroGrad), new PipelineOptions { Threads = 1 }, backend, ownsExecutor: false),
            backend.SynchronizeToHost);
        Assert.True(result.Passed, result.FirstFailure);
        Assert.True(result.Compared > 0);
    }
}
