using System.Globalization;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// Saves and loads the learning state of every model entity of a world as a safetensors file that PyTorch users open
/// with <c>safetensors.numpy.load_file</c> or <c>safetensors.torch.load_file</c>.
/// </summary>
/// <remarks>
/// <para>Models are grouped by spec (layout and batch) and by the components they hold; group <c>g</c>'s tensors are
/// stacked over its N entities, in PyTorch's names, orders and shapes: per layer <c>l</c>,
/// <c>model{g}.layer{l}.weight</c> F32 <c>[N, out, in]</c> and <c>model{g}.layer{l}.bias</c> F32 <c>[N, out]</c>; the
/// same with the suffix <c>.grad</c> (accumulated gradients), <c>.momentum_buffer</c> (SGD) and <c>.exp_avg</c> /
/// <c>.exp_avg_sq</c> (Adam), as in <c>optimizer.state_dict()</c>; <c>model{g}.state</c> I64 <c>[N, 6]</c>
/// (counters, guard and quarantine); <c>model{g}.settings</c> F64 <c>[N, 14]</c>; <c>model{g}.key</c> I64
/// <c>[N]</c> for models with a <see cref="ModelKey"/>; for Q-learning agents (<c>QAgentSpec</c>) also the target network
/// (suffix <c>.target</c>), <c>model{g}.replay</c> F32 <c>[N, capacity, 2n + 3]</c> (the replay ring), <c>model{g}.q_settings</c>
/// F64 <c>[N, 9]</c>, <c>model{g}.q_state</c> I64 <c>[N, 9]</c> and <c>model{g}.replay_state</c> I64 <c>[N, 4]</c> (format
/// version 2); for PPO brains (<c>PpoSpec</c>) <c>model{g}.ppo_settings</c> F64 <c>[N, 10]</c>, <c>model{g}.ppo_state</c>
/// I64 <c>[N, 7]</c> (counters and random streams) and, for continuous policies, <c>model{g}.log_std</c> F32 <c>[N, A]</c>
/// and <c>model{g}.log_std_state</c> F32 <c>[N, 2A]</c> (its optimizer state) (format version 3). A brain's rollouts, member
/// slots and update in progress are not saved: it loads with no members and an empty rollout, and the game's members join
/// it again. Version 1 and 2 files (without agents, without brains) still load. The header's <c>__metadata__</c> holds <c>format</c>,
/// <c>format_version</c>, <c>models</c> (JSON: per group its layout, activation, batch, count and components),
/// <c>columns</c> (JSON: the column names of the plain tensors) and <c>checksum</c> (XxHash64 of the <c>models</c> text
/// followed by the data section, as <c>xxhash64:</c> and 16 hex digits).</para>
/// <para>Inputs, targets, outputs, activations and the loss are per-tick values and are not saved. Inference-only
/// entities are saved with their parameters only. Other components the game put on a model entity are not saved: the
/// game finds its models again through <see cref="ModelKey"/> or the saved order (<see cref="LoadedCheckpoint"/>).</para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>The <c>format</c> metadata value of every checkpoint.</summary>
    public const string FormatName = "embeddedlearn.checkpoint";

    /// <summary>The format version this library writes and the newest it reads.</summary>
    public const int FormatVersion = 3;

    /// <summary>
    /// Saves every model entity of <paramref name="world"/> to <paramref name="path"/> atomically: a temporary file in
    /// the same folder is written, flushed to disk and renamed over the old file, so a crash at any point leaves the old
    /// checkpoint or the new one. A backend holding the state on a device (<see cref="HostResidency"/>) is synchronised
    /// first. Returns the saved entities in file order (<see cref="LoadedCheckpoint.Entities"/> follows it).
    /// Safe from any thread (an autosave thread): the world is copied between ticks, waiting for a tick in flight (at
    /// most <see cref="World.TickWaitLimit"/>) and holding off the next tick and other threads' changes while it
    /// copies; the file is then written on the caller's thread while the game goes on. The copy takes memory of the
    /// file's size for the length of the save.
    /// </summary>
    /// <exception cref="CheckpointException">Two models hold the same <see cref="ModelKey"/>, a model's settings or
    /// counters are invalid (settings set directly on the world that select an optimizer state the entity lacks, say),
    /// a tick running on another thread did not end within <see cref="World.TickWaitLimit"/>, or writing failed; the
    /// old file is unchanged.</exception>
    public static IReadOnlyList<Entity> Save(World world, string path) => Save(world, path, wrap: null);

    /// <summary>
    /// Loads the checkpoint at <paramref name="path"/> into <paramref name="world"/>: every saved model becomes a new
    /// entity with its parameters, gradients, optimizer state, counters, settings and key, exactly as saved (bit for
    /// bit). The whole file is read and verified first (safetensors header bounds, JSON, offsets, dtypes, shapes,
    /// format, version, checksum, settings), so a bad file changes nothing; memory is bounded by the file's size.
    /// </summary>
    /// <exception cref="CheckpointException">The file cannot be read, or is truncated, corrupt, foreign, of a newer
    /// version, or inconsistent, or the world already holds one of its <see cref="ModelKey"/>s; the message names the
    /// file and the problem; the world and the file are unchanged.</exception>
    /// <exception cref="InvalidOperationException">A query is running on the world, or a training tick runs on another
    /// thread (nothing changes).</exception>
    public static LoadedCheckpoint Load(World world, string path)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(path);
        if (world.IsQueryRunning)
        {
            throw new InvalidOperationException("Cannot load checkpoint '" + path + "' while a query runs on the world.");
        }

        RequireLittleEndian();
        CheckpointReader reader;
        try
        {
            reader = CheckpointReader.Verify(ReadAll(path));
            reader.CheckKeysAreFree(world);
        }
        catch (FormatException ex)
        {
            throw new CheckpointException(path, ex.Message + ". Nothing was loaded.", ex);
        }

        using WorldLock change = world.BeginChange("Checkpoint.Load");
        HostResidency.BeforeHostRead(world);
        LoadedCheckpoint loaded = reader.Apply(world);
        HostResidency.AfterHostWrite(world);
        return loaded;
    }

    /// <summary><see cref="Save(World, string)"/> with a hook wrapping the temporary file's stream (tests inject
    /// failures through it).</summary>
    internal static IReadOnlyList<Entity> Save(World world, string path, Func<Stream, Stream>? wrap)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(path);
        RequireLittleEndian();
        CheckpointWriter writer;
        var image = new MemoryStream();
        (long Offset, byte[] Bytes) checksum;
        try
        {
            // The copy is taken between ticks and while no other thread changes the world; the disk is written after,
            // while the game goes on.
            using WorldLock between = world.EnterBetweenTicks("Checkpoint.Save", World.TickWaitLimit);
            HostResidency.BeforeHostRead(world);
            writer = CheckpointWriter.Plan(world, path);
            checksum = writer.Write(image);
        }
        catch (TimeoutException ex)
        {
            throw new CheckpointException(path, ex.Message + " The previous file is unchanged.", ex);
        }

        try
        {
            AtomicFile.Write(path, stream =>
            {
                image.Position = 0;
                image.CopyTo(stream);
                return checksum;
            }, wrap);
        }
        catch (Exception ex) when (ex is (IOException or UnauthorizedAccessException) and not CheckpointException)
        {
            throw new CheckpointException(path, "writing failed (" + ex.Message + "); the previous file is unchanged.", ex);
        }

        return writer.Entities;
    }

    /// <summary>The checksum metadata text of <paramref name="hash"/>: <c>xxhash64:</c> and 16 lower-case hex digits
    /// (what Python's <c>xxhash.xxh64(models + data).hexdigest()</c> prints).</summary>
    internal static string ChecksumText(ulong hash) => "xxhash64:" + hash.ToString("x16", CultureInfo.InvariantCulture);

    private static byte[] ReadAll(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            if (file.Length > Array.MaxLength)
            {
                throw new CheckpointException(path, $"the file is {file.Length} bytes; at most {Array.MaxLength} can be loaded. Nothing was loaded.");
            }

            byte[] bytes = new byte[file.Length];
            file.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception ex) when (ex is (IOException or UnauthorizedAccessException) and not CheckpointException)
        {
            throw new CheckpointException(path, "the file cannot be read (" + ex.Message + "). Nothing was loaded.", ex);
        }
    }

    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Checkpoints need a little-endian machine.");
        }
    }
}
