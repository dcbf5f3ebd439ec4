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
    internal ModelBlock(ModelSpec spec, ChunkRange range, float[] scratch, TickAccount? account = null)
    {
        Spec = spec;
        Range = range;
        Scratch = scratch;
        Account = account;
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

    /// <summary>The tick's account the guard records into (null outside a pipeline tick).</summary>
    internal TickAccount? Account { get; }

    /// <summary>Whether the block's entities have <paramref name="type"/>.</summary>
    public bool Has(ComponentType type) => Range.Chunk.Has(type);

    /// <summary>The block's floats of a run-time sized component: <c>Count * type.ElementCount</c>.</summary>
    public Span<float> Floats(ComponentType type) => Range.GetSpan<float>(type);

    /// <summary>The block's settings, one per entity, read only: stages read them; the game changes them (taking
    /// them does not count as a write, see <see cref="Archetype.WriteVersion"/>).</summary>
    public ReadOnlySpan<TrainingSettings> Settings => Range.GetReadOnlySpan<TrainingSettings>();

    /// <summary>The block's training counters, one per entity.</summary>
    public Span<TrainingState> States => Range.GetSpan<TrainingState>();

    /// <summary>The block's losses, one per entity.</summary>
    public Span<Loss> Losses => Range.GetSpan<Loss>();

    /// <summary>Whether the block's entities train: they have every component of <see cref="ModelSpec.PlainSignature"/>
    /// (gradients, targets, settings, ...), so they are not inference-only, and they are not <see cref="Quarantined"/>.
    /// Training stages skip blocks that do not train; inference (Forward) runs on every block.</summary>
    public bool IsTrainable => Spec.Trains(Range.Archetype);

    /// <summary>Whether entity <paramref name="index"/> of the block is left out of this tick because its inputs or
    /// targets hold NaN or infinity: every stage must leave it untouched (the built-in ones do). For trainable entities
    /// this is <see cref="TickOutcome.LeftOut"/> in their <see cref="TrainingState"/>; for inference-only ones, whether
    /// their inputs are not all finite.</summary>
    public bool IsLeftOut(int index)
    {
        if (Range.Chunk.Has(ComponentType.Of<TrainingState>()))
        {
            return (States[index].Outcome & TickOutcome.LeftOut) != 0;
        }

        int n = Spec.Inputs.ElementCount;
        return FiniteCheck.FirstNonFinite(Floats(Spec.Inputs).Slice(index * n, n)) >= 0;
    }
}
