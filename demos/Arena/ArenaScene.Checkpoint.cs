using System.Globalization;
using System.Text.Json;
using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The arena's save game: every learner and aimer in an engine checkpoint (<see cref="Checkpoint"/>), each with a
/// <see cref="ModelKey"/> naming its group and turret, and the arena's clock (frames run) in a small JSON file beside
/// it, <c>FILE.arena.json</c>. Targets come from the seed in turret order, so a resumed scene with the same seed sees
/// the same targets at the same times.
/// </summary>
internal sealed partial class ArenaScene
{
    /// <summary>Bit set in an aimer's key (a learner's key has it clear).</summary>
    public const long AimerBit = 1L << 62;

    /// <summary>The key of turret <paramref name="index"/>'s learner in group <paramref name="group"/>:
    /// <c>group * 2^32 + index</c>.</summary>
    public static ModelKey LearnerKey(int group, int index) => new(((long)group << 32) | (uint)index);

    /// <summary>The key of the turret's aimer: its learner's key with <see cref="AimerBit"/> set.</summary>
    public static ModelKey AimerKey(int group, int index) => new(LearnerKey(group, index).Value | AimerBit);

    /// <summary>The clock file saved beside <paramref name="checkpoint"/>.</summary>
    public static string ClockPath(string checkpoint) => checkpoint + ".arena.json";

    /// <summary>Saves every model to <paramref name="path"/> (atomically: a crash leaves the previous file), then the
    /// clock to <see cref="ClockPath"/> (likewise). Between frames only.</summary>
    /// <exception cref="CheckpointException">Writing failed; the previous files are unchanged.</exception>
    public void SaveCheckpoint(string path)
    {
        Checkpoint.Save(_world, path);
        string clock = ClockPath(path), temporary = clock + ".tmp";
        try
        {
            File.WriteAllText(temporary, "{\"frames\":" + Frames.ToString(CultureInfo.InvariantCulture) + "}\n");
            File.Move(temporary, clock, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(clock, "writing the arena's clock failed (" + ex.Message + ").", ex);
        }
    }

    /// <summary>Loads the checkpoint at <paramref name="path"/> into the (empty) world and rebuilds the turrets from it:
    /// per group as many turrets as the file holds, each with its saved learner and aimer; then the clock.</summary>
    private void Restore(string path)
    {
        long frames = ReadClock(ClockPath(path));
        LoadedCheckpoint loaded = Checkpoint.Load(_world, path);
        int[] counts = CountTurrets(path, loaded);
        foreach (TurretGroup group in _groups)
        {
            for (int i = 0; i < counts[group.Index]; i++)
            {
                Entity learner = Saved(path, loaded, group, LearnerKey(group.Index, i), trainable: true);
                Entity aimer = Saved(path, loaded, group, AimerKey(group.Index, i), trainable: false);
                AddTurret(group, learner, aimer);
            }

            if (counts[group.Index] > 0)
            {
                group.LearningRate = _world.Get<TrainingSettings>(group.Turrets[0].Learner).LearningRate;
            }
        }

        for (long f = 0; f < frames; f++)
        {
            Time += FrameSeconds; // the same sum as the frames run, so the resumed clock has the same bits
        }

        Frames = frames;
    }

    /// <summary>Turrets per group in the file: one more than the highest learner index of each group. Refuses a model
    /// without a key, or a key that names no group of this arena.</summary>
    private int[] CountTurrets(string path, LoadedCheckpoint loaded)
    {
        if (loaded.ByKey.Count != loaded.Entities.Count)
        {
            throw Misfit(path, (loaded.Entities.Count - loaded.ByKey.Count) + " of its " + loaded.Entities.Count + " models carry no ModelKey");
        }

        int[] counts = new int[_groups.Length];
        foreach (ModelKey key in loaded.ByKey.Keys)
        {
            long group = (key.Value & ~AimerBit) >> 32;
            if (key.Value < 0 || group >= _groups.Length)
            {
                throw Misfit(path, string.Format(CultureInfo.InvariantCulture, "model key {0} names group {1}; this arena has groups 0..{2}",
                    key.Value, group, _groups.Length - 1));
            }

            if ((key.Value & AimerBit) == 0)
            {
                counts[group] = Math.Max(counts[group], (int)(uint)key.Value + 1);
            }
        }

        if (2 * counts.Sum() != loaded.Entities.Count)
        {
            throw Misfit(path, string.Format(CultureInfo.InvariantCulture, "it holds {0} models; {1} turrets (learner and aimer each) make {2}",
                loaded.Entities.Count, counts.Sum(), 2 * counts.Sum()));
        }

        return counts;
    }

    /// <summary>The loaded entity of <paramref name="key"/>, which must be a learner (or an aimer) of the group's layout.</summary>
    private Entity Saved(string path, LoadedCheckpoint loaded, TurretGroup group, ModelKey key, bool trainable)
    {
        string what = string.Format(CultureInfo.InvariantCulture, "turret {0} of group {1} ({2})", key.Value & uint.MaxValue, group.Index, group.Spec.Name);
        if (!loaded.TryGetEntity(key, out Entity entity))
        {
            throw Misfit(path, what + " has no " + (trainable ? "learner" : "aimer"));
        }

        if (!_world.Has(entity, group.Model.Parameters) || _world.Has<TrainingState>(entity) != trainable)
        {
            throw Misfit(path, string.Format(CultureInfo.InvariantCulture, "the {0} of {1} is not a{2} model of layout {3}",
                trainable ? "learner" : "aimer", what, trainable ? " trainable" : "n inference-only", group.Spec.Layout));
        }

        return entity;
    }

    private static CheckpointException Misfit(string path, string problem) =>
        new(path, "it does not fit this arena: " + problem + ". The arena did not start; the file is unchanged.");

    /// <summary>Frames run, from the clock file; 0 when there is none (a checkpoint saved by another program).</summary>
    private static long ReadClock(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("frames", out JsonElement frames)
                && frames.ValueKind == JsonValueKind.Number && frames.TryGetInt64(out long value) && value is >= 0 and <= int.MaxValue)
            {
                return value;
            }
        }
        catch (JsonException)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, "the arena's clock cannot be read (" + ex.Message + "). The arena did not start.", ex);
        }

        throw new CheckpointException(path, "the arena's clock is not {\"frames\": N} with N in 0..2147483647. The arena did not start; the file is unchanged.");
    }
}
