using System.Runtime.CompilerServices;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// Which backend, if any, holds a world's model state away from its components. <see cref="ModelSpec"/>'s export and
/// import methods call <see cref="BeforeHostRead"/> and <see cref="AfterHostWrite"/>, so reading parameters on the
/// host synchronises on demand; a gameplay system that reads model components directly through the world calls
/// <see cref="BeforeHostRead"/> first. From another thread than the one running ticks, a read waits for the tick in
/// flight (<see cref="World.EnterBetweenTicks"/>) and a write is refused while one runs (<see cref="World.BeginChange"/>).
/// </summary>
public static class HostResidency
{
    private static readonly ConditionalWeakTable<World, IHostSynchronizer> Owners = [];

    /// <summary>Forgets <paramref name="owner"/> for <paramref name="world"/> (if it is the one recorded).</summary>
    public static void Unregister(World world, IHostSynchronizer owner)
    {
        if (Owners.TryGetValue(world, out IHostSynchronizer? current) && ReferenceEquals(current, owner))
        {
            Owners.Remove(world);
        }
    }

    /// <summary>Whether <paramref name="owner"/> holds <paramref name="world"/>'s model state now.</summary>
    public static bool IsOwner(World world, IHostSynchronizer owner) =>
        Owners.TryGetValue(world, out IHostSynchronizer? current) && ReferenceEquals(current, owner);

    /// <summary>Hands <paramref name="world"/>'s model state to <paramref name="owner"/> (null: the host components, as the
    /// CPU executor uses them): the previous holder, if another, first brings its state home and marks its own copy
    /// stale, so two pipelines (or backends) taking turns on one world never train on an old copy.</summary>
    public static void TakeOver(World world, IHostSynchronizer? owner)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (Owners.TryGetValue(world, out IHostSynchronizer? current))
        {
            if (ReferenceEquals(current, owner))
            {
                return;
            }

            current.SynchronizeToHost(world);
            current.UploadFromHost(world);
            Owners.Remove(world);
        }

        if (owner is not null)
        {
            Owners.AddOrUpdate(world, owner);
        }
    }

    /// <summary>Brings the world's model components up to date from the backend that holds them, if any.</summary>
    public static void BeforeHostRead(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (!Owners.TryGetValue(world, out _))
        {
            return;
        }

        // The owner is looked up again under the gate: a backend disposed meanwhile (from another thread) has handed
        // its state home and unregistered under the same gate.
        using WorldLock between = world.EnterBetweenTicks("HostResidency.BeforeHostRead", World.TickWaitLimit);
        if (Owners.TryGetValue(world, out IHostSynchronizer? owner))
        {
            owner.SynchronizeToHost(world);
        }
    }

    /// <summary>Tells the backend holding the world's model state that the host changed it.</summary>
    public static void AfterHostWrite(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (!Owners.TryGetValue(world, out _))
        {
            return;
        }

        using WorldLock change = world.BeginChange("HostResidency.AfterHostWrite");
        if (Owners.TryGetValue(world, out IHostSynchronizer? owner))
        {
            owner.UploadFromHost(world);
        }
    }
}
