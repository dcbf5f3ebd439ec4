using System.Globalization;
using System.Runtime.ExceptionServices;

namespace EmbeddedLearn.Ecs;

/// <summary>
/// Persistent worker threads that run <see cref="WorkBatch"/> items, the calling thread included, without
/// allocating per run (unlike <c>Parallel.For</c>). Items are handed out dynamically, so a batch whose items
/// each compute the same thing whichever thread runs them gives identical results for every thread count.
/// One batch runs at a time; concurrent callers wait their turn.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private static readonly Lazy<WorkerPool> SharedPool = new(() => new WorkerPool(Environment.ProcessorCount));

    private readonly Lock _runGate = new();
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _start = new(0);
    private readonly ManualResetEventSlim _done = new(false);
    private WorkBatch? _batch;
    private int _count;
    private int _next;
    private int _pending;
    private Exception? _failure;
    private volatile bool _disposed;

    /// <summary>Creates a pool that runs batches on <paramref name="threadCount"/> threads in all (the caller
    /// and <c>threadCount - 1</c> background threads).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threadCount"/> is below 1.</exception>
    public WorkerPool(int threadCount)
    {
        if (threadCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threadCount), threadCount, "A worker pool needs at least 1 thread.");
        }

        ThreadCount = threadCount;

        // The slim primitives create their kernel events lazily, on the first wait that blocks, which would
        // allocate inside some later run; create them now. ManualResetEventSlim also creates the object it locks on
        // (24 bytes) on the first wait that does not end while spinning, which under load came inside a measured
        // tick of a test: one wait that times out creates it (the caller is the only thread that waits on it).
        _ = _done.WaitHandle;
        _ = _start.AvailableWaitHandle;
        if (threadCount > 1)
        {
            _done.Wait(1);
        }
        _threads = new Thread[threadCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = string.Format(CultureInfo.InvariantCulture, "EmbeddedLearn worker {0}", i + 1),
            };
            _threads[i].Start();
        }
    }

    /// <summary>A process-wide pool with one thread per processor.</summary>
    public static WorkerPool Shared => SharedPool.Value;

    /// <summary>Threads that run a batch, the caller included.</summary>
    public int ThreadCount { get; }

    /// <summary>Runs items <c>[0, count)</c> of <paramref name="batch"/> and returns when all are done. The first
    /// exception an item throws is rethrown here after the others finish.</summary>
    public void Run(WorkBatch batch, int count)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count <= 0)
        {
            return;
        }

        if (_threads.Length == 0 || count == 1)
        {
            RunHere(batch, count);
            return;
        }

        lock (_runGate)
        {
            _batch = batch;
            _count = count;
            _next = 0;
            _failure = null;
            int helpers = Math.Min(_threads.Length, count - 1);
            _pending = helpers;
            _done.Reset();
            _start.Release(helpers);
            Work();
            if (helpers > 0)
            {
                _done.Wait();
            }

            _batch = null;
            Exception? failure = _failure;
            if (failure is not null)
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
    }

    /// <summary>Every item on the calling thread; as with helpers, an item that throws does not stop the others and the
    /// first exception is rethrown at the end (the same items run whatever the thread count).</summary>
    private static void RunHere(WorkBatch batch, int count)
    {
        Exception? failure = null;
        for (int i = 0; i < count; i++)
        {
            try
            {
                batch.Execute(i);
            }
#pragma warning disable CA1031 // The failure is rethrown below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failure ??= ex;
            }
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    /// <summary>Stops the background threads.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_threads.Length > 0)
        {
            _start.Release(_threads.Length);
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        _start.Dispose();
        _done.Dispose();
    }

    private void WorkerLoop()
    {
        while (true)
        {
            _start.Wait();
            if (_disposed)
            {
                return;
            }

            Work();
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    private void Work()
    {
        WorkBatch batch = _batch!;
        int count = _count;
        int index;
        while ((index = Interlocked.Increment(ref _next) - 1) < count)
        {
            try
            {
                batch.Execute(index);
            }
#pragma warning disable CA1031 // The failure is rethrown on the calling thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }
        }
    }
}
