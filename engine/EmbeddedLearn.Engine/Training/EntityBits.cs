using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>A set of entities by id and version (an id reused by a new entity is not in the set), cleared in O(ids)
/// without allocating once it has grown to the world's size.</summary>
internal sealed class EntityBits
{
    private int[] _versions = new int[64];

    /// <summary>Empties the set and makes room for ids below <paramref name="idCapacity"/>.</summary>
    public void Clear(int idCapacity)
    {
        if (_versions.Length < idCapacity)
        {
            _versions = new int[Math.Max(idCapacity, _versions.Length * 2)];
            return;
        }

        Array.Clear(_versions);
    }

    /// <summary>Adds <paramref name="entity"/>.</summary>
    public void Set(Entity entity)
    {
        if ((uint)entity.Id < (uint)_versions.Length)
        {
            _versions[entity.Id] = entity.Version;
        }
    }

    /// <summary>Whether <paramref name="entity"/> (this id at this version) was added.</summary>
    public bool Contains(Entity entity) => (uint)entity.Id < (uint)_versions.Length && _versions[entity.Id] == entity.Version;
}
