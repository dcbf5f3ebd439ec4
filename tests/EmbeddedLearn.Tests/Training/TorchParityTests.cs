using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>Every libtorch fixture case, every tick, through the CPU pipeline.</summary>
public sealed class TorchParityTests
{
    private static readonly ParityFixture Fixture = ParityFixtureReader.ReadFile(FixturePath.TorchParity);

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (ParityCase c in Fixture.Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Fact]
    public void Fixture_has_the_nine_recorded_cases()
    {
        Assert.Equal(9, Fixture.Cases.Count);
        Assert.Contains("libtorch", Fixture.Source, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case_matches_libtorch_every_tick_on_one_thread(string name)
    {
        ParityCase parityCase = Fixture.Cases.Single(c => c.Name == name);
        ParityResult result = ParityRunner.Run(parityCase, c => ParityRunner.DefaultPipeline(c, new PipelineOptions { Threads = 1 }));
        Assert.True(result.Passed, result.FirstFailure);
        Assert.True(result.Compared > 0);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case_matches_libtorch_every_tick_on_three_threads(string name)
    {
        ParityCase parityCase = Fixture.Cases.Single(c => c.Name == name);
        ParityResult result = ParityRunner.Run(parityCase, c => ParityRunner.DefaultPipeline(c, new PipelineOptions { Threads = 3 }));
        Assert.True(result.Passed, result.FirstFailure);
    }
}
