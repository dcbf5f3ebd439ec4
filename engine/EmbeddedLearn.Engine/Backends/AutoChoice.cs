using System.Diagnostics;
using System.Globalization;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Backends;

/// <summary>
/// <see cref="BackendKind.Auto"/>'s choice by measurement: a trial runs the game's own ticks on the CPU executor,
/// then on the OpenCL executor, each first warming up (at least <see cref="WarmupTicks"/> ticks and
/// <see cref="WarmupMilliseconds"/>) and then timing <see cref="MeasuredTicks"/> ticks (whole ticks, as the game pays
/// for them: transfers, waits and host work included), and keeps the one whose best median over the trials of this
/// workload is lower.
/// Trials start at the ticks of <see cref="TrialTicks"/> (the first choice is made early; the later ones see code the
/// JIT has finished optimising, so the choice is not decided by a cold start) and again whenever the number of model
/// entities has doubled or halved since the last choice.
/// The other executor stays alive and idle (no kernel is rebuilt for the next trial, so a trial never hitches on a
/// compile); the world moves between them as between any two executors (the one taking over brings the state across).
/// Steady ticks allocate nothing.
/// </summary>
internal sealed class AutoChoice : IDisposable
{
    /// <summary>Ticks run on an executor before its ticks are timed (first-tick uploads, JIT, caches), at least.</summary>
    public const int WarmupTicks = 3;

    /// <summary>Milliseconds an executor runs before its ticks are timed, at least (unless that takes more than
    /// <see cref="MaxWarmupTicks"/> ticks).</summary>
    public const double WarmupMilliseconds = 250;

    /// <summary>The most ticks an executor warms up for.</summary>
    public const int MaxWarmupTicks = 300;

    /// <summary>Ticks timed on each executor.</summary>
    public const int MeasuredTicks = 8;

    /// <summary>The ticks (counted from the pipeline's first) at which a trial starts.</summary>
    public static readonly int[] TrialTicks = [0, 60, 300];

    private readonly double[] _openClMs = new double[MeasuredTicks];
    private readonly double[] _cpuMs = new double[MeasuredTicks];
    private readonly double[] _sorted = new double[MeasuredTicks];
    private readonly Func<OpenClBackend?> _reopen;
    private TickExecutor? _idle; // the executor the pipeline does not run (null once the device is released)
    private int _phaseTick; // ticks of the current executor in this trial; the first trial starts with the first tick
    private int _measured;
    private double _bestDevice = double.PositiveInfinity;
    private double _bestCpu = double.PositiveInfinity;
    private bool _onDevice;
    private long _phaseStart;
    private int _decidedEntities;
    private int _ticks;
    private int _trials;
    private int _nextTrial = 1; // TrialTicks[0] is the first trial

    /// <summary>Starts a trial on <paramref name="pipeline"/>, which runs on <paramref name="device"/>; the CPU executor
    /// is made from the pipeline's options. <paramref name="reopen"/> opens the device again (null when it cannot) for a
    /// trial after the device was released.</summary>
    public AutoChoice(TrainingPipeline pipeline, OpenClBackend device, Func<OpenClBackend?> reopen)
    {
        Device = device;
        _reopen = reopen;
        Cpu = new CpuExecutor(pipeline.Options.Threads, pipeline.Options.MeasureStages);
        _idle = Cpu;
    }

    /// <summary>The OpenCL executor under trial, or null once released: when the CPU wins the last scheduled trial the
    /// idle device is released (an idle OpenCL runtime still costs CPU time on some platforms: PoCL's slowed the CPU
    /// executor's tick by 15-35 % here), and opened again for a trial the workload's size asks for.</summary>
    public OpenClBackend? Device { get; private set; }

    /// <summary>The CPU executor under trial.</summary>
    public CpuExecutor Cpu { get; }

    /// <summary>What the last trial chose and why, or null before the first choice.</summary>
    public string? Decision { get; private set; }

    /// <summary>Runs one tick of <paramref name="pipeline"/>, on the executor the trial needs or the chosen one; returns
    /// true when this tick made a choice (the caller refreshes its description).</summary>
    public bool Tick(TrainingPipeline pipeline, Ecs.World world, out TickReport report)
    {
        _ticks++;
        if (_phaseTick < 0)
        {
            int entities = pipeline.LastReport.Entities;
            bool resized = entities >= _decidedEntities * 2 || entities * 2 <= _decidedEntities;
            bool scheduled = _nextTrial < TrialTicks.Length && _ticks > TrialTicks[_nextTrial];
            if (!resized && !scheduled)
            {
                report = pipeline.Run(world);
                return false;
            }

            _nextTrial += scheduled ? 1 : 0;
            if (Device is null)
            {
                Device = _reopen();
                if (Device is null)
                {
                    _decidedEntities = Math.Max(1, entities); // no device to try: stay on the CPU
                    report = pipeline.Run(world);
                    return false;
                }

                _idle = Device; // idle until its phase of the trial
            }

            _phaseTick = 0; // a scheduled trial, or the game changed size: choose again
            if (resized)
            {
                _bestDevice = _bestCpu = double.PositiveInfinity; // another workload: earlier figures no longer apply
            }
        }

        // The CPU first, then the device. Each executor warms up for at least WarmupTicks ticks and WarmupMilliseconds
        // (at most MaxWarmupTicks ticks): the .NET JIT promotes the CPU kernels to optimised code only after they have
        // run for a while (in a fresh process the CPU executor's first ticks were measured 10 times slower than its
        // steady ones), and a device's runtime may keep its threads busy for a while after its last launch.
        bool onDevice = _onDevice;
        TickExecutor executor = onDevice ? Device! : Cpu;
        if (!ReferenceEquals(pipeline.Executor, executor))
        {
            Use(pipeline, executor);
            _phaseStart = Stopwatch.GetTimestamp();
        }

        long start = Stopwatch.GetTimestamp();
        report = pipeline.Run(world);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        bool warm = _measured > 0 || (_phaseTick >= WarmupTicks
            && (Stopwatch.GetElapsedTime(_phaseStart).TotalMilliseconds >= WarmupMilliseconds || _phaseTick >= MaxWarmupTicks));
        _phaseTick++;
        if (!warm)
        {
            return false;
        }

        (onDevice ? _openClMs : _cpuMs)[_measured++] = ms;
        if (_measured < MeasuredTicks)
        {
            return false;
        }

        _measured = 0;
        if (!onDevice)
        {
            _onDevice = true; // the device's turn
            _phaseTick = 0;
            return false;
        }

        _onDevice = false;
        Choose(pipeline, Math.Max(1, report.Entities));
        return true;
    }

    /// <summary>Disposes the idle executor (the pipeline disposes the one it runs).</summary>
    public void Dispose() => _idle?.Dispose();

    private void Choose(TrainingPipeline pipeline, int entities)
    {
        // Each executor's best median over this workload's trials: what slows a trial (the JIT still optimising,
        // another runtime's threads still busy) only ever slows it, so the best is the closest to its steady cost.
        _bestDevice = Math.Min(_bestDevice, Median(_openClMs));
        _bestCpu = Math.Min(_bestCpu, Median(_cpuMs));
        double device = _bestDevice;
        double cpu = _bestCpu;
        bool keepDevice = device < cpu;
        Use(pipeline, keepDevice ? Device! : Cpu);
        _phaseTick = -1;
        _decidedEntities = entities;
        Decision = string.Format(CultureInfo.InvariantCulture,
            "Auto chose {0} by measurement on this world's {1:N0} model entities: OpenCL {2:F3} ms/tick, CPU {3:F3} ms/tick "
            + "(best median of {4} ticks each over {5} trial(s)); it measures again when the entity count doubles or halves",
            keepDevice ? "OpenCL (" + Device!.Description + ")" : "the CPU", entities, device, cpu, MeasuredTicks, ++_trials);
        if (!keepDevice && _nextTrial >= TrialTicks.Length)
        {
            _idle!.Dispose(); // the device: nothing scheduled needs it
            _idle = null;
            Device = null;
        }
    }

    private void Use(TrainingPipeline pipeline, TickExecutor executor)
    {
        if (!ReferenceEquals(pipeline.Executor, executor))
        {
            _idle = pipeline.ReplaceExecutor(executor);
        }
    }

    private double Median(double[] values)
    {
        values.CopyTo(_sorted, 0);
        Array.Sort(_sorted);
        return _sorted[MeasuredTicks / 2];
    }
}
