namespace EmbeddedLearn.Ecs;

/// <summary>A batch of independent work items that a <see cref="WorkerPool"/> runs, each exactly once, on any
/// thread. Reuse one instance per kind of work so that running a batch allocates nothing.</summary>
public abstract class WorkBatch
{
    /// <summary>Runs item <paramref name="index"/>.</summary>
    public abstract void Execute(int index);
}
