using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>Loads attacked bytes into a world that already holds a model and checks the outcome: a
/// <see cref="CheckpointException"/> naming the file, with the world, the file and memory untouched; or, when the
/// change did not alter the meaning (a hex digit's case in the checksum), exactly the original checkpoint.</summary>
internal sealed class LoaderAttack(TempFolder folder, byte[] original)
{
    private static readonly ModelSpec Bystander = ModelSpec.Get(new ModelLayout([2, 2], Activation.Identity), 1);

    /// <summary>The message of the refusal, or null when the bytes loaded (and equalled the original).</summary>
    public string? Load(byte[] attacked)
    {
        string path = folder.File(Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, attacked);
        using var world = new World();
        Entity existing = Bystander.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 3);
        float[] before = world.GetSpan<float>(existing, Bystander.Parameters).ToArray();
        long version = world.StructureVersion;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            Checkpoint.Load(world, path);
        }
        catch (CheckpointException ex)
        {
            long used = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.True(used < (16L * attacked.Length) + (1 << 20), $"the refused load allocated {used} bytes for a {attacked.Length}-byte file");
            Assert.StartsWith("Checkpoint '" + path + "': ", ex.Message, StringComparison.Ordinal);
            Assert.Equal(path, ex.FilePath);
            Assert.Equal(1, world.Count);
            Assert.Equal(version, world.StructureVersion);
            Assert.Equal(before, world.GetSpan<float>(existing, Bystander.Parameters).ToArray());
            Assert.Equal(attacked, File.ReadAllBytes(path));
            File.Delete(path);
            return ex.Message;
        }

        // Loaded: it must be the original checkpoint, which re-saves to the original bytes.
        world.Destroy(existing);
        string again = folder.File(Guid.NewGuid().ToString("N") + ".safetensors");
        Checkpoint.Save(world, again);
        Assert.Equal(original, File.ReadAllBytes(again));
        File.Delete(path);
        File.Delete(again);
        return null;
    }
}
