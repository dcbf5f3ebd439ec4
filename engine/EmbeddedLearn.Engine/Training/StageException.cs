using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// A game's stage threw during a tick; the inner exception is the stage's own, and no later stage of the tick ran.
/// A block stage: the entities of every block it threw on were put back as they were before the tick's run of block
/// stages (every component of theirs, byte for byte), so none of that run is applied to them, and the other blocks
/// finished the run whole (<see cref="Entities"/> lists one such block). A game system (<see cref="IWorldSystem"/>):
/// the block stages before it were applied to every entity and none after it (<see cref="Entities"/> is empty).
/// </summary>
public sealed class StageException : Exception
{
    /// <summary>Wraps <paramref name="inner"/>, thrown by stage <paramref name="stageName"/> on <paramref name="entities"/>.</summary>
    public StageException(string stageName, IReadOnlyList<Entity> entities, Exception inner)
        : base(Describe(stageName, entities, inner), inner)
    {
        StageName = stageName;
        Entities = entities;
    }

    /// <summary>The stage that threw (<see cref="IPipelineStage.Name"/>).</summary>
    public string StageName { get; }

    /// <summary>The entities of the block it threw on: restored to their state before the run.</summary>
    public IReadOnlyList<Entity> Entities { get; }

    /// <summary>Wraps <paramref name="inner"/>, thrown by game system <paramref name="systemName"/>.</summary>
    internal static StageException FromSystem(string systemName, Exception inner) => new(systemName, inner);

    private StageException(string systemName, Exception inner)
        : base("Game system " + systemName + " threw " + inner.GetType().Name + " (" + inner.Message + "). The block stages "
            + "before it in the tick were applied to every entity, and no later stage ran.", inner)
    {
        StageName = systemName;
        Entities = [];
    }

    private static string Describe(string stageName, IReadOnlyList<Entity> entities, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(stageName);
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(inner);
        string which = entities.Count == 0 ? "no entity" : entities.Count == 1 ? entities[0].ToString()
            : entities.Count + " entities from " + entities[0];
        return "Stage " + stageName + " threw " + inner.GetType().Name + " (" + inner.Message + ") on the block of " + which
            + ". Those entities were restored to their state before the tick's run of block stages; the other blocks finished "
            + "it whole, and no later stage of the tick ran.";
    }
}
