namespace EmbeddedLearn.Ecs;

/// <summary>A hold on a world's gate (<see cref="World.BeginChange"/>, <see cref="World.EnterBetweenTicks"/>): other
/// threads' changes, snapshots and tick starts wait until it is disposed. Use it with <c>using</c>.</summary>
public readonly ref struct WorldLock
{
    private readonly object? _gate;

    internal WorldLock(object gate) => _gate = gate;

    /// <summary>Releases the hold.</summary>
    public void Dispose()
    {
        if (_gate is not null)
        {
            Monitor.Exit(_gate);
        }
    }
}
