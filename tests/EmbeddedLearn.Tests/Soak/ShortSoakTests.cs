using EmbeddedLearn.Demos.Soak;
using Xunit;

namespace EmbeddedLearn.Tests.Soak;

/// <summary>The soak command's run, short: churn every tick, bad data, a checkpoint (save, load into a fresh world, go
/// on) every 50 ticks; nothing throws, bad data and divergence are contained, and every model ends bit for bit equal to
/// the run without checkpoints. (`dotnet run -c Release --project demos/Soak` runs the long one.)</summary>
public sealed class ShortSoakTests
{
    [Fact]
    public void A_short_soak_contains_everything_and_ends_with_the_models_of_the_run_without_checkpoints()
    {
        string folder = Directory.CreateTempSubdirectory("embeddedlearn-soak-test-").FullName;
        try
        {
            SoakResult result = SoakRun.Run(new SoakOptions(Ticks: 400, Entities: 64, Churn: 2, BadFraction: 0.05,
                CheckpointEvery: 50, ReportEvery: 100, Folder: folder, Seed: 7));

            Assert.Equal(0, result.Exceptions);
            Assert.Equal(8, result.Checkpoints);
            Assert.True(result.LeftOut > 0, "no bad data was contained");
            Assert.True(result.StepsSkipped > 0, "no divergence was contained");
            Assert.Equal(64, result.ModelsCompared);
            Assert.Equal(0, result.ModelsDiffering);
            Assert.Equal(4, result.Memory.Count);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
