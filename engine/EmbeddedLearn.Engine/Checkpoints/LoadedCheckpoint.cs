using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary>What <see cref="Checkpoint.Load"/> created: the new entities in the order <see cref="Checkpoint.Save(World, string)"/>
/// returned the saved ones, and, for models that carried a <see cref="ModelKey"/>, the entity of each key.</summary>
public sealed class LoadedCheckpoint
{
    private readonly Dictionary<ModelKey, Entity> _byKey;

    internal LoadedCheckpoint(List<Entity> entities, Dictionary<ModelKey, Entity> byKey)
    {
        Entities = entities;
        _byKey = byKey;
    }

    /// <summary>The created entities, in saved order: entity <c>i</c> holds the model that was
    /// <c>Checkpoint.Save(...)[i]</c>.</summary>
    public IReadOnlyList<Entity> Entities { get; }

    /// <summary>The created entity of every saved <see cref="ModelKey"/>.</summary>
    public IReadOnlyDictionary<ModelKey, Entity> ByKey => _byKey;

    /// <summary>The created entity holding the model saved with <paramref name="key"/>, if any.</summary>
    public bool TryGetEntity(ModelKey key, out Entity entity) => _byKey.TryGetValue(key, out entity);
}
