using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// The settings a pipeline last found valid, row by row per chunk, so that a tick re-validates only rows whose
/// <see cref="TrainingSettings"/> changed (a game changes them rarely; validating every entity every tick cost
/// 25 ns per entity). An archetype whose settings nobody took write access to since all of its rows were last
/// compared (<see cref="Archetype.WriteVersion"/> unchanged) is not even compared: comparing every row every tick cost
/// about 6 ns per entity, and a pass over the chunks a few more. A structural change forgets everything. Rows are
/// compared as bytes: a difference in padding only costs a re-validation. Memory is allocated when a chunk or an
/// archetype is first seen, never on a steady tick.
/// </summary>
internal sealed class ValidatedSettings
{
    private readonly Dictionary<Chunk, TrainingSettings[]> _rows = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Archetype, long> _comparedAt = new(ReferenceEqualityComparer.Instance);
    private long[] _versions = new long[8];
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
            _comparedAt.Clear();
            _structure = world.StructureVersion;
            Generation++;
        }
    }

    /// <summary>Whether every entity of <paramref name="models"/> holds the settings remembered for it because nobody took
    /// write access to them since the last <see cref="EndComparison"/> (an archetype without settings has none).</summary>
    public bool Untouched(List<(Archetype Archetype, ModelSpec Spec)> models)
    {
        foreach ((Archetype archetype, _) in models)
        {
            if (archetype.Has(ComponentType.Of<TrainingSettings>())
                && !(_comparedAt.TryGetValue(archetype, out long version) && version == archetype.WriteVersion(ComponentType.Of<TrainingSettings>())))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Notes the settings' <see cref="Archetype.WriteVersion"/> of every archetype of <paramref name="models"/>
    /// before their entities are compared.</summary>
    public void BeginComparison(List<(Archetype Archetype, ModelSpec Spec)> models)
    {
        if (_versions.Length < models.Count)
        {
            Array.Resize(ref _versions, models.Count * 2); // with the archetypes: a structural change, not a steady tick
        }

        for (int m = 0; m < models.Count; m++)
        {
            Archetype archetype = models[m].Archetype;
            _versions[m] = archetype.Has(ComponentType.Of<TrainingSettings>()) ? archetype.WriteVersion(ComponentType.Of<TrainingSettings>()) : 0;
        }
    }

    /// <summary>After every entity of <paramref name="models"/> was compared (and what changed validated and remembered)
    /// since <see cref="BeginComparison"/>: until someone takes write access again, none need be compared.</summary>
    public void EndComparison(List<(Archetype Archetype, ModelSpec Spec)> models)
    {
        for (int m = 0; m < models.Count; m++)
        {
            _comparedAt[models[m].Archetype] = _versions[m];
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
