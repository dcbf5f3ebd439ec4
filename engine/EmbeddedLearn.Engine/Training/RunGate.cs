using System.Globalization;

namespace EmbeddedLearn.Training;

/// <summary>
/// One run at a time, and a disposal that never pulls the executor out from under a run: <see cref="Enter"/> claims
/// the owner for a run on the calling thread (refused while another run holds it, or once it is closed);
/// <see cref="Close"/>, from any thread, waits a bounded time for the run in flight and says whether the caller
/// releases now; if the run outlasts the wait (or the run's own thread closes it), <see cref="Exit"/> tells the run's
/// thread to release when the run ends.
/// </summary>
internal sealed class RunGate(string owner)
{
    /// <summary>How long <see cref="Close"/> waits for the run in flight by default: 5 seconds, far above any tick.</summary>
    public static readonly TimeSpan DefaultCloseWait = TimeSpan.FromSeconds(5);

    private readonly object _lock = new();
    private Thread? _runner;
    private bool _closed;
    private bool _releaseOnExit;
    private int _closedBy;

    /// <summary>How long <see cref="Close"/> waits for the run in flight (tests shorten it).</summary>
    public TimeSpan CloseWait { get; set; } = DefaultCloseWait;

    /// <summary>Claims the owner for a run on the calling thread.</summary>
    /// <exception cref="ObjectDisposedException">It was closed (disposed).</exception>
    /// <exception cref="InvalidOperationException">A run is in progress (from another thread, or re-entered).</exception>
    public void Enter()
    {
        lock (_lock)
        {
            if (_closed)
            {
                throw new ObjectDisposedException(owner, string.Format(CultureInfo.InvariantCulture,
                    "{0}.Run was called after the {0} was disposed (by thread {1}).", owner, _closedBy));
            }

            if (_runner is not null)
            {
                throw new InvalidOperationException(owner + ".Run was called while this pipeline is already running a tick "
                    + "(from another thread). A pipeline runs one tick at a time; call Run from one thread (the game loop's).");
            }

            _runner = Thread.CurrentThread;
        }
    }

    /// <summary>Ends the run; true when the owner was closed meanwhile and the caller (the run's thread) must release
    /// it now.</summary>
    public bool Exit()
    {
        lock (_lock)
        {
            _runner = null;
            Monitor.PulseAll(_lock);
            bool release = _releaseOnExit;
            _releaseOnExit = false;
            return release;
        }
    }

    /// <summary>Closes the owner: no run starts from now on. Waits up to <see cref="CloseWait"/> for a run in flight
    /// on another thread. True when the caller releases the owner's resources now; false when they are released by the
    /// run's thread as the run ends (the run outlasted the wait, or the caller is the run's own thread), or were
    /// already closed.</summary>
    public bool Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
            _closedBy = Environment.CurrentManagedThreadId;
            long deadline = Environment.TickCount64 + (long)CloseWait.TotalMilliseconds;
            while (_runner is not null)
            {
                long left = deadline - Environment.TickCount64;
                if (_runner == Thread.CurrentThread || left <= 0)
                {
                    _releaseOnExit = true;
                    return false;
                }

                Monitor.Wait(_lock, TimeSpan.FromMilliseconds(left)); // woken when the run ends, or at the deadline
            }

            return true;
        }
    }
}
