using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// The settings a pipeline last found valid, row by row per chunk, so that a tick re-validates only rows whose
/// <see cref="TrainingSettings"/> changed (a game changes them rarely; validating every entity every tick cost
/// 25 ns per entity). A chunk whose settings column nobody took write access to since its rows were last seen whole
/// (<see cref="Chunk.WriteVersion"/> unchanged) is not even compared (comparing every row every tick cost 6 ns per
/// entity). A structural change forgets everything. Rows are compared as bytes: a difference in padding only costs a
/// re-validation. Memory is allocated when a chunk is first seen, never on a steady tick.
/// </summary>
internal sealed class ValidatedSettings
{
    private readonly Dictionary<Chunk, Rows> _rows = new(ReferenceEqualityComparer.Instance);
    private long _structure = long.MinValue;

    /// <summary>Counts the changes to what is remembered (a row remembered, or everything forgotten): while it stays the
    /// same, every row remembered holds the bytes it held before.</summary>
    public long Generation { get; private set; }

    /// <summary>Forgets every row when <paramref name="world"/>'s structure changed since the last call.</summary>
    public void BeginTick(World world)
    {
        if (world.StructureVersion != _structure)
        {
            _rows.Clear();
            _structure = world.StructureVersion;
            Generation++;
        }
    }

    /// <summary>Whether every row of <paramref name="block"/> holds the settings it held when last remembered. Blocks of
    /// different chunks may be asked on different threads at once.</summary>
    public bool Unchanged(in ModelBlock block)
    {
        Chunk chunk = block.Range.Chunk;
        if (!_rows.TryGetValue(chunk, out Rows? rows))
        {
            return false;
        }

        int version = chunk.WriteVersion(ComponentType.Of<TrainingSettings>());
        bool whole = block.Range.Start == 0 && block.Count == chunk.Count;
        if (whole && rows.SeenWhole && rows.Version == version)
        {
            return true; // nobody took write access since every row was seen to hold what was remembered
        }

        bool unchanged = MemoryMarshal.AsBytes(block.Settings).SequenceEqual(MemoryMarshal.AsBytes(rows.Settings.AsSpan(block.Range.Start, block.Count)));
        if (unchanged && whole)
        {
            (rows.Version, rows.SeenWhole) = (version, true);
        }

        return unchanged;
    }

    /// <summary>Remembers <paramref name="block"/>'s settings as valid.</summary>
    public void Remember(in ModelBlock block)
    {
        Chunk chunk = block.Range.Chunk;
        if (!_rows.TryGetValue(chunk, out Rows? rows))
        {
            rows = new Rows(new TrainingSettings[chunk.Capacity]);
            _rows.Add(chunk, rows);
        }

        block.Settings.CopyTo(rows.Settings.AsSpan(block.Range.Start));
        rows.SeenWhole = false; // the next comparison of the whole chunk records its version
        Generation++;
    }

    /// <summary>One chunk's remembered rows, and the chunk's settings <see cref="Chunk.WriteVersion"/> when all of its
    /// live rows were last seen to hold them (<see cref="SeenWhole"/>).</summary>
    private sealed class Rows(TrainingSettings[] settings)
    {
        public TrainingSettings[] Settings { get; } = settings;

        public int Version { get; set; }

        public bool SeenWhole { get; set; }
    }
}
