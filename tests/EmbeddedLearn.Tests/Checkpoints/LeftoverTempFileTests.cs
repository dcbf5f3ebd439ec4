using EmbeddedLearn.Checkpoints;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>A save killed part way leaves its temporary file; the next save of the same checkpoint removes such
/// leftovers, but never one a save in progress holds, one written in the last minute, or another file's.</summary>
public sealed class LeftoverTempFileTests
{
    [Fact]
    public void The_next_save_removes_old_unheld_leftovers_of_the_same_checkpoint_only()
    {
        using var folder = new TempFolder();
        string path = folder.File("save.safetensors");
        string old = folder.File(".save.safetensors.0123456789ab.tmp");
        string recent = folder.File(".save.safetensors.ba9876543210.tmp");
        string held = folder.File(".save.safetensors.aaaaaaaaaaaa.tmp");
        string other = folder.File(".other.safetensors.0123456789ab.tmp");
        foreach (string file in new[] { old, recent, held, other })
        {
            File.WriteAllBytes(file, new byte[1000]);
        }

        DateTime longAgo = DateTime.UtcNow - TimeSpan.FromHours(1);
        File.SetLastWriteTimeUtc(old, longAgo);
        File.SetLastWriteTimeUtc(held, longAgo);
        File.SetLastWriteTimeUtc(other, longAgo);
        using KeyedWorld world = KeyedWorld.Create(3);
        using (new FileStream(held, FileMode.Open, FileAccess.Read, FileShare.None)) // as a save in progress holds its file
        {
            Checkpoint.Save(world.World, path);
        }

        Assert.False(File.Exists(old));
        Assert.True(File.Exists(recent));
        Assert.True(File.Exists(held));
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(path));
    }
}
