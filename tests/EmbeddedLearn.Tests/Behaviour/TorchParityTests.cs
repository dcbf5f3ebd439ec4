using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>Every case of every libtorch fixture file in the test data (torch-parity.json and torch-parity-clip.json
/// from shared/, torch-parity-adamw.json from peer/ParityGenerator), every tick, on every backend; on the CPU on one
/// and three threads.</summary>
public sealed class TorchParityTests
{
    private static readonly Dictionary<string, ParityFixture> Fixtures =
        FixturePath.All.ToDictionary(f => f, f => ParityFixtureReader.ReadFile(Path.Combine(FixturePath.Data, f)));

    public static TheoryData<TestBackend, string, string> Cases()
    {
        var data = new TheoryData<TestBackend, string, string>();
        foreach (TestBackend backend in Enum.GetValues<TestBackend>())
        {
            foreach ((string file, ParityFixture fixture) in Fixtures)
            {
                foreach (ParityCase c in fixture.Cases)
                {
                    data.Add(backend, file, c.Name);
                }
            }
        }

        return data;
    }

    [Fact]
    public void The_fixtures_hold_the_recorded_cases_and_say_they_come_from_libtorch()
    {
        Assert.Equal(9, Fixtures["torch-parity.json"].Cases.Count);
        Assert.Equal(9, Fixtures["torch-parity-adamw.json"].Cases.Count);
        Assert.Equal(4, Fixtures["torch-parity-clip.json"].Cases.Count);
        Assert.All(Fixtures["torch-parity-clip.json"].Cases, c => Assert.True(c.Settings.MaxGradNorm > 0f && c.Ticks.Any(t => t.GradientsAfterClip is not null)));
        Assert.Equal(7, Fixtures["torch-parity-adamw.json"].Cases.Count(c => c.Settings.Optimizer == Components.OptimizerKind.AdamW));
        Assert.All(Fixtures.Values, f => Assert.Contains("libtorch", f.Source, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_matches_libtorch_every_tick(TestBackend backend, string file, string name)
    {
        ParityCase parityCase = Fixtures[file].Cases.Single(c => c.Name == name);
        if (backend == TestBackend.Cpu)
        {
            foreach (int threads in new[] { 1, 3 })
            {
                ParityResult cpu = ParityRunner.Run(parityCase, c => ParityRunner.DefaultPipeline(c, new PipelineOptions { Threads = threads }));
                Assert.True(cpu.Passed, threads + " thread(s): " + cpu.FirstFailure);
                Assert.True(cpu.Compared > 0);
            }

            return;
        }

        using OpenClBackend device = OpenClTestDevice.CreateBackend(OnBackend.Selection(backend));
        if (backend == TestBackend.OpenClGpuKernels)
        {
            Assert.Equal(OpenClKernelFamily.Gpu, device.Kernels);
        }

        ParityResult result = ParityRunner.Run(parityCase,
            c => new TrainingPipeline(TrainingPipeline.DefaultStages(c.ZeroGrad), new PipelineOptions { Threads = 1 }, device, ownsExecutor: false),
            device.SynchronizeToHost);
        Assert.True(result.Passed, result.FirstFailure);
        Assert.True(result.Compared > 0);
    }
}
