using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>Training through a save and a load into a fresh world gives the same bits as training straight through.</summary>
public sealed class CheckpointRoundTripTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Train_100_save_load_into_a_fresh_world_train_100_equals_train_200_bit_for_bit(int threads)
    {
        using var folder = new TempFolder();
        var options = new PipelineOptions { Threads = threads };
        using KeyedWorld straight = KeyedWorld.Create(40);
        using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(options);
        Train(straight, pipeline, 0, 200);

        byte[] halfway;
        using (KeyedWorld first = KeyedWorld.Create(40))
        {
            Train(first, pipeline, 0, 100);
            halfway = first.State();
            Checkpoint.Save(first.World, folder.File("save.safetensors"));
        }

        using var loadedWorld = new World();
        LoadedCheckpoint loaded = Checkpoint.Load(loadedWorld, folder.File("save.safetensors"));
        using KeyedWorld resumed = KeyedWorld.Adopt(loadedWorld, loaded);
        Assert.Equal(43, resumed.Models.Count);
        Assert.Equal(halfway, resumed.State());
        using TrainingPipeline fresh = TrainingPipeline.CreateDefault(options);
        Train(resumed, fresh, 100, 200);

        Assert.Equal(straight.State(), resumed.State());
        Assert.NotEqual(halfway, resumed.State());
    }

    [Fact]
    public void Saving_a_loaded_world_writes_the_same_bytes_and_the_saved_order_maps_to_the_loaded_entities()
    {
        using var folder = new TempFolder();
        using KeyedWorld world = KeyedWorld.Create(25);
        using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        Train(world, pipeline, 0, 7);
        IReadOnlyList<Entity> saved = Checkpoint.Save(world.World, folder.File("a.safetensors"));

        using var loadedWorld = new World();
        LoadedCheckpoint loaded = Checkpoint.Load(loadedWorld, folder.File("a.safetensors"));
        Checkpoint.Save(loadedWorld, folder.File("b.safetensors"));

        Assert.Equal(File.ReadAllBytes(folder.File("a.safetensors")), File.ReadAllBytes(folder.File("b.safetensors")));
        Assert.Equal(saved.Count, loaded.Entities.Count);
        for (int i = 0; i < saved.Count; i++)
        {
            ModelKey key = world.World.Get<ModelKey>(saved[i]);
            Assert.Equal(key, loadedWorld.Get<ModelKey>(loaded.Entities[i]));
            Assert.True(loaded.TryGetEntity(key, out Entity byKey));
            Assert.Equal(loaded.Entities[i], byKey);
            ModelSpec spec = ModelSpec.Find(world.World.GetArchetype(saved[i]))!;
            Assert.Equal(world.World.GetSpan<float>(saved[i], spec.Parameters).ToArray(),
                loadedWorld.GetSpan<float>(loaded.Entities[i], spec.Parameters).ToArray());
        }
    }

    [Fact]
    public void Models_without_a_key_are_found_by_saved_order_and_an_empty_world_round_trips()
    {
        using var folder = new TempFolder();
        using var world = new World();
        ModelSpec spec = ModelSpec.Get(new ModelLayout([2, 3, 1], Activation.Sigmoid), 2);
        Entity a = spec.Spawn(world, TrainingSettings.Adam(0.1f), seed: 1);
        Entity b = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 2);
        IReadOnlyList<Entity> saved = Checkpoint.Save(world, folder.File("plain.safetensors"));
        Assert.Equal(2, saved.Count);

        using var loadedWorld = new World();
        LoadedCheckpoint loaded = Checkpoint.Load(loadedWorld, folder.File("plain.safetensors"));
        Assert.Empty(loaded.ByKey);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(world.Get<TrainingSettings>(saved[i]), loadedWorld.Get<TrainingSettings>(loaded.Entities[i]));
            Assert.Equal(world.GetSpan<float>(saved[i], spec.Parameters).ToArray(), loadedWorld.GetSpan<float>(loaded.Entities[i], spec.Parameters).ToArray());
        }

        Assert.Contains(a, saved);
        Assert.Contains(b, saved);
        using var empty = new World();
        Checkpoint.Save(empty, folder.File("empty.safetensors"));
        Assert.Empty(Checkpoint.Load(empty, folder.File("empty.safetensors")).Entities);
        Assert.Equal(0, empty.Count);
    }

    [Fact]
    public void Duplicate_keys_are_refused_before_anything_is_written()
    {
        using var folder = new TempFolder();
        using KeyedWorld world = KeyedWorld.Create(4);
        string path = folder.File("dup.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        (ModelSpec _, Entity second) = world.Models[new ModelKey(1001)];
        world.World.Set(second, new ModelKey(1000));

        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Save(world.World, path));
        Assert.Contains("both hold ModelKey 1000", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FilePath);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Loading_keys_the_world_already_holds_is_refused_and_changes_nothing()
    {
        using var folder = new TempFolder();
        using KeyedWorld world = KeyedWorld.Create(5);
        string path = folder.File("keys.safetensors");
        Checkpoint.Save(world.World, path);
        using var target = new World();
        Checkpoint.Load(target, path);
        long version = target.StructureVersion;

        CheckpointException error = Assert.Throws<CheckpointException>(() => Checkpoint.Load(target, path));
        Assert.Contains("is already held by", error.Message, StringComparison.Ordinal);
        Assert.Equal(8, target.Count);
        Assert.Equal(version, target.StructureVersion);
    }

    internal static void Train(KeyedWorld world, TrainingPipeline pipeline, int from, int to)
    {
        for (int tick = from; tick < to; tick++)
        {
            world.WriteSamples(tick);
            pipeline.Run(world.World);
        }
    }
}
