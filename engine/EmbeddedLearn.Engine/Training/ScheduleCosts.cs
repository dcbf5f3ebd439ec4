namespace EmbeddedLearn.Training;

/// <summary>
/// The measured cost of serving one row (inference only) and of training one row (inference and training), in
/// <see cref="ITickClock"/> units, as running averages, and the plan they give: how many candidate rows a tick serves
/// and how many of those train. With <c>A = budget * Frequency * workers * headroom</c>, inference cost <c>i</c> and
/// training cost <c>f</c> per row, <c>C</c> candidates of which <c>CT</c> trainable (workers: at most one per row, so
/// <c>min(C, threads)</c> of them): everything when
/// <c>CT * f + (C - CT) * i &lt;= A</c>; else every candidate served and <c>T = (A - C * i) / (f - i)</c> trained when
/// <c>C * i &lt;= A</c>; else <c>S = A / i</c> served and none trained (inference first; training resumes once
/// inference keeps up). The per-row costs are measured inside the blocks; what the tick spends around them (deciding
/// the schedule, handing blocks to workers, waiting for the slowest one) is learnt as an overrun factor <c>r</c> (the
/// whole tick's time over the planned block time per worker, at least 1), and <c>A</c> is divided by it: with a fixed
/// overhead <c>O</c> this settles at block work <c>A - O</c>.
/// A training cost is only measured when something trains, so an estimate that says no row fits (a cold first tick
/// inflated by compilation, or one large model such as a shared brain) would never be corrected: when inference leaves
/// part of the budget free and no row has trained for <see cref="FirstProbeInterval"/> ticks, one row trains anyway
/// (a probe whose measurement replaces the estimate); the interval doubles after each probe, up to
/// <see cref="MaxProbeInterval"/>, and starts again once rows train on their own.
/// </summary>
internal sealed class ScheduleCosts
{
    /// <summary>Weight of the newest measurement in the running estimates.</summary>
    private const double Smoothing = 0.25;

    /// <summary>Share of the budget planned for, leaving room for the variation between ticks.</summary>
    private const double Headroom = 0.85;

    /// <summary>Training cost per row assumed, relative to inference, before training was measured.</summary>
    private const double AssumedTrainingRatio = 4;

    /// <summary>Most the overrun factor is taken to be.</summary>
    private const double MaxOverrun = 10;

    /// <summary>Ticks without training, inference leaving room, before the first probe.</summary>
    internal const int FirstProbeInterval = 4;

    /// <summary>Most ticks between probes (a model whose training never fits the budget trains at least this often).</summary>
    internal const int MaxProbeInterval = 64;

    private int _probeInterval = FirstProbeInterval;
    private int _ticksWithoutTraining;
    private bool _probed;
    private double _overrun = 1;
    private double _planned;
    private double _infer = -1;
    private double _train = -1;
    private long _inferTicks;
    private long _inferRows;
    private long _trainTicks;
    private long _trainRows;

    /// <summary>Serving (<c>Serve</c>) and training (<c>Train</c>) row counts for a tick; see the class summary.
    /// Before any measurement: <paramref name="firstRows"/> rows, all trained.</summary>
    public (int Serve, int Train) Plan(int candidates, int trainable, TimeSpan? budget, int parallelism, ITickClock clock, int firstRows)
    {
        _planned = 0;
        if (budget is not TimeSpan limit)
        {
            return (candidates, trainable);
        }

        if (_infer < 0 && _train < 0)
        {
            int first = Math.Min(candidates, firstRows);
            return (first, first);
        }

        double i = _infer >= 0 ? _infer : _train; // unmeasured inference: as dear as training (conservative)
        double f = _train >= 0 ? Math.Max(_train, i) : i * AssumedTrainingRatio;
        i = Math.Max(i, 1e-9);
        int workers = Math.Clamp(candidates, 1, parallelism); // a row runs on one worker: fewer rows than workers leave some idle
        double available = limit.TotalSeconds * clock.Frequency * workers * Headroom / _overrun;
        (int serve, int train) = (trainable * f) + ((candidates - trainable) * i) <= available ? (candidates, trainable)
            : candidates * i <= available ? (candidates, (int)Math.Clamp(Math.Floor((available - (candidates * i)) / Math.Max(f - i, 1e-9)), 0, trainable))
            : ((int)Math.Clamp(Math.Floor(available / i), Math.Min(1, candidates), candidates), 0);
        train = Probe(train, trainable, serve == candidates && candidates * i < available);
        _planned = (((serve - train) * i) + (train * f)) / Math.Clamp(serve, 1, parallelism);
        return (serve, train);
    }

    /// <summary><paramref name="train"/>, or 1 when no row has trained for the probe interval although
    /// <paramref name="room"/> (inference leaves part of the budget free) and a row could train.</summary>
    private int Probe(int train, int trainable, bool room)
    {
        if (train > 0 || trainable == 0)
        {
            _ticksWithoutTraining = 0;
            _probeInterval = train > 0 ? FirstProbeInterval : _probeInterval;
            return train;
        }

        if (!room || ++_ticksWithoutTraining < _probeInterval)
        {
            return 0;
        }

        _ticksWithoutTraining = 0;
        _probeInterval = Math.Min(_probeInterval * 2, MaxProbeInterval);
        _probed = true;
        return 1;
    }

    /// <summary>Records the whole tick's time (<paramref name="ticks"/>, clock units) against the planned block time
    /// per worker, updating the overrun factor.</summary>
    public void RecordTick(long ticks)
    {
        if (_planned > 0)
        {
            double sample = Math.Clamp(ticks / _planned, 1, MaxOverrun);
            _overrun += Smoothing * (sample - _overrun);
        }
    }

    /// <summary>Records one block of <paramref name="rows"/> rows that took <paramref name="ticks"/>; thread-safe.</summary>
    public void Record(bool trained, int rows, long ticks)
    {
        if (trained)
        {
            Interlocked.Add(ref _trainTicks, ticks);
            Interlocked.Add(ref _trainRows, rows);
        }
        else
        {
            Interlocked.Add(ref _inferTicks, ticks);
            Interlocked.Add(ref _inferRows, rows);
        }
    }

    /// <summary>Folds the blocks recorded since the last call into the estimates.</summary>
    public void Update()
    {
        if (_probed && _trainRows > 0)
        {
            _train = -1; // the estimate a probe re-measures proved stale: the measurement replaces it
        }

        _probed = false;
        Fold(ref _train, _trainTicks, _trainRows);
        Fold(ref _infer, _inferTicks, _inferRows);
        _trainTicks = _trainRows = _inferTicks = _inferRows = 0;
    }

    private static void Fold(ref double estimate, long ticks, long rows)
    {
        if (rows > 0)
        {
            double cost = (double)ticks / rows;
            estimate = estimate < 0 ? cost : estimate + (Smoothing * (cost - estimate));
        }
    }
}
