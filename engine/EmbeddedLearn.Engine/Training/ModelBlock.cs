using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// A contiguous block of entities of one <see cref="ModelSpec"/>: rows of one chunk. Block stages get one block
/// at a time and read each component as one span over all the block's entities (entity <c>i</c>'s slice of a
/// component of n floats per entity is <c>[i * n, (i + 1) * n)</c>).
/// </summary>
public readonly struct ModelBlock
{
    internal ModelBlock(ModelSpec spec, ChunkRange range, float[] scratch)
    {
        Spec = spec;
        Range = range;
        Scratch = scratch;
    }

    /// <summary>The spec of every entity in the block.</summary>
    public ModelSpec Spec { get; }

    /// <summary>The chunk rows.</summary>
    public ChunkRange Range { get; }

    /// <summary>Entities in the block.</summary>
    public int Count => Range.Length;

    /// <summary>Entity handles of the block, in row order.</summary>
    public ReadOnlySpan<Entity> Entities => Range.Entities;

    /// <summary>Per-thread scratch floats, at least <see cref="TrainingPipeline.ScratchLength(ModelSpec)"/> long.</summary>
    internal float[] Scratch { get; }

    /// <summary>Whether the block's entities have <paramref name="type"/>.</summary>
    public bool Has(ComponentType type) => Range.Chunk.Has(type);

    /// <summary>The block's floats of a run-time sized component: <c>Count * type.ElementCount</c>.</summary>
    public Span<float> Floats(ComponentType type) => Range.GetSpan<float>(type);

    /// <summary>The block's settings, one per entity.</summary>
    public Span<TrainingSettings> Settings => Range.GetSpan<TrainingSettings>();

    /// <summary>The block's training counters, one per entity.</summary>
    public Span<TrainingState> States => Range.GetSpan<TrainingState>();

    /// <summary>The block's losses, one per entity.</summary>
    public Span<Loss> Losses => Range.GetSpan<Loss>();

    /// <summary>Whether the block's entities are trainable (have every component of
    /// <see cref="ModelSpec.PlainSignature"/>: gradients, targets, settings, ...), not inference-only.</summary>
    public bool IsTrainable => Range.Archetype.Signature.ContainsAll(Spec.PlainSignature);
}
