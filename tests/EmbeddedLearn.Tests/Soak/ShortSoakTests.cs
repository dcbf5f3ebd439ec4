using EmbeddedLearn.Demos.Soak;
using Xunit;

namespace EmbeddedLearn.Tests.Soak;

/// <summary>The soak command's run, short: churn every tick, bad data and spikes, a checkpoint (save, load into a fresh
/// world, go on) every 50 ticks, autosaves and readers on other threads; nothing throws on any thread, bad data and
/// divergence are contained, no output or quarantined model is non-finite, and every model ends bit for bit equal to
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
                CheckpointEvery: 50, ReportEvery: 100, Folder: folder, Seed: 7, AutosaveEvery: 20));

            Assert.Equal(0, result.Exceptions);
            Assert.Equal(0, result.ThreadFailures);
            Assert.Equal(0, result.UnsafeModels);
            Assert.True(result.Autosaves > 0, "no autosave completed");
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
