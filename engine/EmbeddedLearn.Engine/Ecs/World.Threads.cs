using System.Globalization;

namespace EmbeddedLearn.Ecs;

/// <summary>
/// Which thread may change the world when. A world belongs to the thread running a training tick for the length of
/// the tick (<c>TrainingPipeline.Run</c>, usually the game loop's): a structural change or a model change called from
/// any other thread meanwhile is refused with an <see cref="InvalidOperationException"/> naming the call, before
/// anything changes. Between ticks, changes from any thread are serialised by the world's gate; a snapshot (a checkpoint
/// save, a device executor bringing its state home on disposal) waits for the tick in flight and holds the gate while it
/// copies, so it never sees a half-changed world.
/// </summary>
public sealed partial class World
{
    /// <summary>How long a snapshot from another thread (a checkpoint save, an export, a device bringing its state
    /// home) waits for the tick in flight before giving up: 10 seconds, far above any tick.</summary>
    public static readonly TimeSpan TickWaitLimit = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private Thread? _tickThread;

    /// <summary>Whether a training tick is running on another thread than the caller's.</summary>
    public bool IsTickRunningElsewhere
    {
        get
        {
            Thread? owner = Volatile.Read(ref _tickThread);
            return owner is not null && owner != Thread.CurrentThread;
        }
    }

    /// <summary>Holds the world's gate for a change named <paramref name="operation"/> (such as <c>"World.Destroy"</c> or
    /// <c>"ModelSpec.ImportParameters"</c>): refused when a tick runs on another thread. The thread running the tick (a
    /// game system inside it) may change the world; other threads wait for each other's changes and snapshots.</summary>
    /// <exception cref="InvalidOperationException">A tick runs on another thread (nothing changed); the message names
    /// <paramref name="operation"/>.</exception>
    /// <exception cref="ObjectDisposedException">The world was disposed.</exception>
    public WorldLock BeginChange(string operation)
    {
        EnterGate(operation);
        Thread? owner = _tickThread;
        if (owner is not null && owner != Thread.CurrentThread)
        {
            Monitor.Exit(_gate);
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "{0} was called from thread {1} while a training tick of this world runs on thread {2}; nothing changed. A world "
                + "belongs to the thread running TrainingPipeline.Run while a tick runs: make the call from that thread between "
                + "ticks (or from a game system in the tick), or queue it for that thread.",
                operation, Environment.CurrentManagedThreadId, owner.ManagedThreadId));
        }

        return new WorldLock(_gate);
    }

    /// <summary>Holds the world's gate between ticks for <paramref name="operation"/> (a snapshot): waits up to
    /// <paramref name="wait"/> for a tick running on another thread to end; while held, no tick starts and no other
    /// thread changes the world's structure or models. Called from the thread running a tick (a game system), it holds
    /// the gate at once.</summary>
    /// <exception cref="TimeoutException">The tick did not end within <paramref name="wait"/> (nothing was held).</exception>
    public WorldLock EnterBetweenTicks(string operation, TimeSpan wait)
    {
        long deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        EnterGate(operation);
        while (_tickThread is not null && _tickThread != Thread.CurrentThread)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                Monitor.Exit(_gate);
                throw new TimeoutException(string.Format(CultureInfo.InvariantCulture,
                    "{0} waited {1:0.###} s for the training tick running on thread {2} to end, and it has not; nothing was done.",
                    operation, wait.TotalSeconds, _tickThread.ManagedThreadId));
            }

            Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left)); // woken when the tick ends, or at the deadline
        }

        ReleaseIfDisposed(operation); // disposed by another thread while this one waited
        return new WorldLock(_gate);
    }

    /// <summary>Takes the gate; refused (released again) when the world was disposed, before or while waiting for it.</summary>
    private void EnterGate(string operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Monitor.Enter(_gate);
        ReleaseIfDisposed(operation);
    }

    /// <summary>With the gate held: releases it and throws when the world was disposed.</summary>
    private void ReleaseIfDisposed(string operation)
    {
        if (_disposed)
        {
            Monitor.Exit(_gate);
            throw new ObjectDisposedException(nameof(World), operation + ": the world was disposed.");
        }
    }

    /// <summary>Claims the world for one training tick on the calling thread; false when a tick already holds it (two
    /// pipelines, or two threads, running the same world at once). Waits for a snapshot or another thread's change in
    /// progress to finish.</summary>
    internal bool TryEnterTick()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (_tickThread is not null)
            {
                return false;
            }

            Volatile.Write(ref _tickThread, Thread.CurrentThread);
            return true;
        }
    }

    /// <summary>Releases the claim of <see cref="TryEnterTick"/>, waking snapshots waiting for it.</summary>
    internal void ExitTick()
    {
        lock (_gate)
        {
            Volatile.Write(ref _tickThread, null);
            Monitor.PulseAll(_gate);
        }
    }
}
