using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Soak;

/// <summary>
/// What a game's other threads do to a world while its game thread runs ticks: an autosave thread saving it and loading
/// the file back to check it, and a thread that reads models (waiting for the tick in flight) and tries a change that
/// the world refuses during a tick (a reservation, which changes no model when let through between ticks). Anything
/// they meet other than that refusal counts as a failure. The soak's game thread holds <see cref="Turn"/> while it
/// spawns, despawns and writes samples, the game's own bookkeeping (its key table) that the reader looks into.
/// </summary>
internal sealed class SoakThreads : IDisposable
{
    private readonly SoakWorld _world;
    private readonly string _path;
    private readonly int _entities;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _poker;
    private Task? _autosave;
    private int _autosaves;
    private int _failures;
    private long _refused;

    public SoakThreads(SoakWorld world, string path, int entities)
    {
        _world = world;
        _path = path;
        _entities = entities;
        _poker = Task.Run(Poke);
    }

    /// <summary>Held by the game thread while it spawns, despawns and writes samples.</summary>

    public object Turn { get; } = new();

    public int Autosaves => Volatile.Read(ref _autosaves);

    public int Failures => Volatile.Read(ref _failures);

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Starts an autosave on a background thread unless the last one still runs.</summary>
    public void Autosave()
    {
        if (_autosave is { IsCompleted: false })
        {
            return;
        }

        _autosave = Task.Run(() => Guard(() =>
        {
            Checkpoint.Save(_world.World, _path);
            using var loaded = new World();
            LoadedCheckpoint checkpoint = Checkpoint.Load(loaded, _path); // verifies the checksum and every value
            if (checkpoint.Entities.Count > _entities || checkpoint.Entities.Count < _entities - 1)
            {
                // Between a despawn and its spawn the game holds one model fewer; any other count is a torn copy.
                throw new InvalidOperationException($"an autosave holds {checkpoint.Entities.Count} models, not {_entities}");
            }

            Interlocked.Increment(ref _autosaves);
        }));
    }

    /// <summary>Stops the threads and waits for them.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _poker.GetAwaiter().GetResult();
        _autosave?.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            Stop();
        }

        _stop.Dispose();
    }

    private void Poke()
    {
        float[] parameters = new float[SoakWorld.Spec.Layout.ParameterCount];
        while (!_stop.IsCancellationRequested)
        {
            Guard(() =>
            {
                lock (Turn)
                {
                    Entity entity = _world.ByKey.Values.First();
                    SoakWorld.Spec.ExportParameters(_world.World, entity, parameters); // waits for a tick in flight
                }

                try
                {
                    _world.World.Reserve(SoakWorld.Spec.SignatureFor(SoakWorld.SettingsFor(0)), _entities); // a change: refused during a tick
                }
                catch (InvalidOperationException ex) when (ex.Message.Contains("while a training tick of this world runs", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _refused);
                }
            });
            Thread.Yield();
        }
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failures);
            Console.Error.WriteLine($"background thread: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
