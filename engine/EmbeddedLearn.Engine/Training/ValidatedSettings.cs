using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// The settings a pipeline last found valid, row by row per chunk, so that a tick re-validates only rows whose
/// <see cref="TrainingSettings"/> changed (a game changes them rarely; validating every entity every tick cost
/// 25 ns per entity). A structural change forgets everything. Rows are compared as bytes: a difference in padding
/// only costs a re-validation. Memory is allocated when a chunk is first seen, never on a steady tick.
/// </summary>
internal sealed class ValidatedSettings
{
    private readonly Dictionary<Chunk, TrainingSettings[]> _rows = new(ReferenceEqualityComparer.Instance);
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

    /// <summary>Whether every row of <paramref name="block"/> holds the settings it held when last remembered.</summary>
    public bool Unchanged(in ModelBlock block) =>
        _rows.TryGetValue(block.Range.Chunk, out TrainingSettings[]? rows)
        && MemoryMarshal.AsBytes(block.Settings).SequenceEqual(MemoryMarshal.AsBytes(rows.AsSpan(block.Range.Start, block.Count)));

    /// <summary>Remembers <paramref name="block"/>'s settings as valid.</summary>
    public void Remember(in ModelBlock block)
    {
        Chunk chunk = block.Range.Chunk;
        if (!_rows.TryGetValue(chunk, out TrainingSettings[]? rows))
        {
            rows = new TrainingSettings[chunk.Capacity];
            _rows.Add(chunk, rows);
        }

        block.Settings.CopyTo(rows.AsSpan(block.Range.Start));
        Generation++;
    }
}
