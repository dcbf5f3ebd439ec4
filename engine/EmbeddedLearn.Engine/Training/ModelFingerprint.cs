using System.Security.Cryptography;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// A fingerprint of what a world's models have learned: SHA-256 over every model entity's parameters and optimizer
/// state (the SGD momentum buffer and the Adam moments, whichever it holds), the raw float bytes in the engine's
/// layout, entity after entity in the order of their ids. Two runs that learned the same bits give the same 64 hex
/// digits; a replay or a lockstep game compares them across machines. A backend holding the state on a device is
/// synchronised first.
/// </summary>
public static class ModelFingerprint
{
    /// <summary>The fingerprint of <paramref name="world"/>'s models: 64 lower-case hex digits.</summary>
    public static string Of(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock between = world.EnterBetweenTicks("ModelFingerprint.Of", World.TickWaitLimit);
        HostResidency.BeforeHostRead(world);
        var models = new List<(Entity Entity, ModelSpec Spec)>();
        foreach (Archetype archetype in world.Archetypes)
        {
            if (archetype.EntityCount > 0 && ModelSpec.Find(archetype) is ModelSpec spec)
            {
                for (int c = 0; c < archetype.ChunkCount; c++)
                {
                    foreach (Entity entity in archetype.GetChunk(c).Entities)
                    {
                        models.Add((entity, spec));
                    }
                }
            }
        }

        models.Sort((a, b) => a.Entity.Id.CompareTo(b.Entity.Id));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((Entity entity, ModelSpec spec) in models)
        {
            foreach (ComponentType type in (ReadOnlySpan<ComponentType>)[spec.Parameters, spec.Momentum, spec.AdamMoments])
            {
                if (world.Has(entity, type))
                {
                    hash.AppendData(world.GetBytes(entity, type));
                }
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
