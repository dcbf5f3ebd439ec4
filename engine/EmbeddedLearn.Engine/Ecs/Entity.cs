using System.Globalization;

namespace EmbeddedLearn.Ecs;

/// <summary>
/// A handle to an entity: its slot <see cref="Id"/> and the <see cref="Version"/> of that slot when the entity
/// was created. Destroying an entity bumps the slot's version, so every handle to it becomes stale and is
/// detected by the world. <c>default(Entity)</c> (version 0) never refers to a live entity.
/// </summary>
/// <param name="Id">Slot index in its world, from 0.</param>
/// <param name="Version">Slot version, from 1; a command buffer's placeholder entities have negative ids.</param>
public readonly record struct Entity(int Id, int Version)
{
    /// <summary>The null handle, never alive.</summary>
    public static Entity Null => default;

    /// <inheritdoc/>
    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "Entity({0}, v{1})", Id, Version);
}
