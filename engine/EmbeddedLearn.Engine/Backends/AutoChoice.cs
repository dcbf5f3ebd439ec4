using System.Diagnostics;
using System.Globalization;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Backends;

/// <summary>
/// <see cref="BackendKind.Auto"/>'s choice by measurement: a trial runs the game's own ticks on the CPU executor,
/// then on the OpenCL executor, <see cref="WarmupTicks"/> unmeasured and <see cref="MeasuredTicks"/> measured each (whole
/// ticks, as the game pays for them: transfers, waits and host work included), and keeps the one with the lower median.
/// Trials start at the ticks of <see cref="TrialTicks"/> (the first choice is made early; the later ones see code the
/// JIT has finished optimising, so the choice is not decided by a cold start) and again whenever the number of model
/// entities has doubled or halved since the last choice.
/// The other executor stays alive and idle (no kernel is rebuilt for the next trial, so a trial never hitches on a
/// compile); the world moves between them as between any two executors (the one taking over brings the state across).
/// Steady ticks allocate nothing.
/// </summary>
internal sealed class AutoChoice : IDisposable
{
    /// <summary>Ticks run on an executor before its ticks are timed (first-tick uploads, JIT, caches).</summary>
    public const int WarmupTicks = 3;

    /// <summary>Ticks timed on each executor.</summary>
    public const int MeasuredTicks = 8;

    /// <summary>The ticks (counted from the pipeline's first) at which a trial starts.</summary>
    public static readonly int[] TrialTicks = [0, 60, 300];

    private readonly double[] _openClMs = new double[MeasuredTicks];
    private readonly double[] _cpuMs = new double[MeasuredTicks];
    private readonly double[] _sorted = new double[MeasuredTicks];
    private TickExecutor _idle;
    private int _phaseTick; // 0: the first trial starts with the first tick
    private int _decidedEntities;
    private int _ticks;
    private int _trials;
    private int _nextTrial = 1; // TrialTicks[0] is the first trial

    /// <summary>Starts a trial on <paramref name="pipeline"/>, which runs on <paramref name="device"/>; the CPU executor
    /// is made from the pipeline's options.</summary>
    public AutoChoice(TrainingPipeline pipeline, OpenClBackend device)
    {
        Device = device;
        Cpu = new CpuExecutor(pipeline.Options.Threads, pipeline.Options.MeasureStages);
        _idle = Cpu;
    }

    /// <summary>The OpenCL executor under trial.</summary>
    public OpenClBackend Device { get; }

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
            _phaseTick = 0; // a scheduled trial, or the game changed size: choose again
        }

        int perExecutor = WarmupTicks + MeasuredTicks;
        // The CPU first: the device's runtime may keep its threads busy for a while after its last launch (PoCL's do),
        // which would slow a CPU phase that followed it on the same cores.
        bool onDevice = _phaseTick >= perExecutor;
        Use(pipeline, onDevice ? Device : Cpu);
        long start = Stopwatch.GetTimestamp();
        report = pipeline.Run(world);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        int inPhase = _phaseTick % perExecutor;
        if (inPhase >= WarmupTicks)
        {
            (onDevice ? _openClMs : _cpuMs)[inPhase - WarmupTicks] = ms;
        }

        _phaseTick++;
        if (_phaseTick < 2 * perExecutor)
        {
            return false;
        }

        Choose(pipeline, Math.Max(1, report.Entities));
        return true;
    }

    /// <summary>Disposes the idle executor (the pipeline disposes the one it runs).</summary>
    public void Dispose() => _idle.Dispose();

    private void Choose(TrainingPipeline pipeline, int entities)
    {
        double device = Median(_openClMs);
        double cpu = Median(_cpuMs);
        bool keepDevice = device < cpu;
        Use(pipeline, keepDevice ? Device : Cpu);
        _phaseTick = -1;
        _decidedEntities = entities;
        Decision = string.Format(CultureInfo.InvariantCulture,
            "Auto chose {0} by measurement on this world's {1:N0} model entities: OpenCL {2:F3} ms/tick, CPU {3:F3} ms/tick "
            + "(median of {4} ticks each, trial {5}); it measures again when the entity count doubles or halves",
            keepDevice ? "OpenCL (" + Device.Description + ")" : "the CPU", entities, device, cpu, MeasuredTicks, ++_trials);
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
