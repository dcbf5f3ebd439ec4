using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>A save that fails half way leaves the previous checkpoint intact and loadable, and no stray file.</summary>
public sealed class AtomicSaveTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(500)]
    [InlineData(3000)]
    public void A_crash_mid_write_leaves_the_old_file_intact(int failAfter)
    {
        using var folder = new TempFolder();
        string path = folder.File("save.safetensors");
        using KeyedWorld world = KeyedWorld.Create(9);
        using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        CheckpointRoundTripTests.Train(world, pipeline, 0, 2);
        Checkpoint.Save(world.World, path);
        byte[] old = File.ReadAllBytes(path);
        byte[] oldState = world.State();
        Assert.True(old.Length > failAfter, "the failure must come before the end");

        CheckpointRoundTripTests.Train(world, pipeline, 2, 4);
        var written = new List<long>();
        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(world.World, path, file =>
        {
            written.Add(failAfter);
            return new FailingStream(file, failAfter);
        }));

        Assert.Single(written);
        Assert.Contains("simulated crash after " + failAfter + " bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("the previous file is unchanged", error.Message, StringComparison.Ordinal);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
        using var loaded = new EmbeddedLearn.Ecs.World();
        using KeyedWorld restored = KeyedWorld.Adopt(loaded, Checkpoint.Load(loaded, path));
        Assert.Equal(oldState, restored.State());

        // The next save that succeeds replaces it.
        Checkpoint.Save(world.World, path);
        Assert.NotEqual(old, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_model_the_loader_would_refuse_is_refused_by_save_and_the_old_file_stays()
    {
        using var folder = new TempFolder();
        string path = folder.File("save.safetensors");
        using KeyedWorld world = KeyedWorld.Create(3);
        Checkpoint.Save(world.World, path);
        byte[] old = File.ReadAllBytes(path);

        // Momentum set straight on the world, without the momentum buffer ChangeSettings would add.
        (ModelSpec spec, EmbeddedLearn.Ecs.Entity entity) = world.Models[new ModelKey(1001)];
        Assert.False(world.World.Has(entity, spec.Momentum));
        world.World.Set(entity, EmbeddedLearn.Components.TrainingSettings.Sgd(0.1f, momentum: 0.5f));

        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(world.World, path));
        Assert.Equal("Checkpoint '" + path + "': " + entity + " cannot be saved: the settings select SGD with momentum but the "
            + "group has no momentum buffer. The previous file is unchanged.", error.Message);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }
}
