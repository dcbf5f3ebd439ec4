using System.Diagnostics;
using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The real-time scene: every turret owns a small network that learns, while the game runs, to lead a target
/// circling it: from where the target is now and where it was a moment ago (4 inputs), predict where it will be
/// when a shell fired now arrives (2 outputs). A turret is two entities of its group's layout: a learner, trained each
/// frame on four past observations labelled with where the target then went, and an inference-only aimer that gets
/// the learner's latest weights and the current observation. Each turret fires a shell every half second; it hits
/// when it lands within <see cref="HitRadius"/> of the target. Deterministic for a seed when trained without a budget.
/// A group's hit rate and mean loss cover its turrets whose sensors work.
/// </summary>
internal sealed partial class ArenaScene : IDisposable
{
    /// <summary>Samples per learner per frame.</summary>
    public const int Batch = 4;

    /// <summary>Seconds per frame (60 frames per second).</summary>
    public const float FrameSeconds = 1f / 60f;

    /// <summary>Seconds a shell takes to arrive.</summary>
    public const float Lead = 0.5f;

    /// <summary>Frames a shell flies (<see cref="Lead"/> at 60 frames per second).</summary>
    public const int ShellFrames = 30;

    /// <summary>A shot hits when it lands this close to the target (arena units).</summary>
    public const float HitRadius = 0.15f;

    private const float Lag = 0.1f; // seconds between the two observations fed to the network

    private static readonly QueryDescription QuarantinedQuery = new QueryDescription().WithAll<Quarantined>();

    private readonly World _world = new();
    private readonly TurretGroup[] _groups;
    private readonly Random _random;
    private readonly int _seed;
    private readonly double _badSensors;

    /// <summary>Creates the scene: <paramref name="turretsPerGroup"/> fresh turrets per group, or, when
    /// <paramref name="checkpoint"/> names an existing file, the turrets, models and clock saved in it
    /// (<see cref="SaveCheckpoint"/>). <paramref name="badSensors"/> of each group's turrets (a share in [0, 1], chosen
    /// from the seed) get NaN observations every frame.</summary>
    /// <exception cref="EmbeddedLearn.Checkpoints.CheckpointException">The checkpoint cannot be loaded or does not fit
    /// this arena (the message names the file); the file is unchanged.</exception>
    public ArenaScene(IReadOnlyList<GroupSpec> groups, int turretsPerGroup, int seed, ArenaLearning learning,
        double badSensors = 0, string? checkpoint = null)
    {
        _seed = seed;
        _random = new Random(seed);
        _badSensors = badSensors;
        Learning = learning;
        _groups = [.. groups.Select((g, i) => new TurretGroup(g, i))];
        try
        {
            if (checkpoint is not null && File.Exists(checkpoint))
            {
                Restore(checkpoint);
                return;
            }

            foreach (TurretGroup group in _groups)
            {
                AddTurrets(group, turretsPerGroup);
            }
        }
        catch
        {
            _world.Dispose();
            throw;
        }
    }

    public IReadOnlyList<TurretGroup> Groups => _groups;

    public ArenaLearning Learning { get; }

    /// <summary>Seed of the targets and the models' initial weights.</summary>
    public int Seed => _seed;

    /// <summary>The ECS world holding every learner and aimer.</summary>
    public World World => _world;

    /// <summary>Frames run so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Simulated seconds so far.</summary>
    public float Time { get; private set; }

    /// <summary>Turrets in all groups.</summary>
    public int TurretCount
    {
        get
        {
            int count = 0;
            foreach (TurretGroup group in _groups)
            {
                count += group.Turrets.Count;
            }

            return count;
        }
    }

    /// <summary>Turrets whose sensors are broken (<c>--bad-sensors</c>).</summary>
    public int BadSensorCount
    {
        get
        {
            int count = 0;
            foreach (TurretGroup group in _groups)
            {
                count += group.BadSensors;
            }

            return count;
        }
    }

    /// <summary>Model entities quarantined now (a count over the <see cref="Quarantined"/> tag; allocates nothing).</summary>
    public int QuarantinedCount => _world.CountEntities(QuarantinedQuery);

    /// <summary>The last tick's report (read before the next frame).</summary>
    public TickReport? LastReport { get; private set; }

    /// <summary>Wall-clock time of the last frame (samples, tick, aiming), in milliseconds.</summary>
    public double LastFrameMs { get; private set; }

    /// <summary>Runs one frame: writes samples, runs the tick, aims, fires and lands shells, and updates each group's
    /// hit rate and mean loss. A steady-state frame allocates nothing.</summary>
    public void Frame()
    {
        long start = Stopwatch.GetTimestamp();
        Frames++;
        Time += FrameSeconds;
        ArenaLearning.BeforeHostRead(_world);
        foreach (TurretGroup group in _groups)
        {
            WriteSamples(group);
        }

        ArenaLearning.AfterHostWrite(_world);
        LastReport = Learning.Run(_world);
        foreach (TurretGroup group in _groups)
        {
            Evaluate(group);
        }

        LastFrameMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    public void Dispose()
    {
        Learning.Dispose();
        _world.Dispose();
    }

    private void WriteSamples(TurretGroup group)
    {
        ModelSpec spec = group.Model;
        foreach (ref Turret turret in CollectionsMarshal.AsSpan(group.Turrets))
        {
            Span<float> inputs = _world.GetSpan<float>(turret.Learner, spec.Inputs);
            Span<float> targets = _world.GetSpan<float>(turret.Learner, spec.Targets);
            if (turret.BadSensor)
            {
                // A broken sensor: the game hands its NaN on, and the pipeline leaves learner and aimer out of the tick.
                inputs.Fill(float.NaN);
                _world.GetSpan<float>(turret.Aimer, spec.Inputs).Fill(float.NaN);
                continue;
            }

            for (int b = 0; b < Batch; b++)
            {
                float seen = Time - Lead - (b * 7 * FrameSeconds);
                Observe(turret.Target, seen, inputs.Slice(4 * b, 4));
                (targets[2 * b], targets[(2 * b) + 1]) = turret.Target.At(seen + Lead);
            }

            Observe(turret.Target, Time, _world.GetSpan<float>(turret.Aimer, spec.Inputs)[..4]);
            _world.GetSpan<float>(turret.Learner, spec.Parameters).CopyTo(_world.GetSpan<float>(turret.Aimer, spec.Parameters));
        }
    }

    private void Evaluate(TurretGroup group)
    {
        int hits = 0, counted = 0;
        double lossSum = 0;
        Span<Turret> turrets = CollectionsMarshal.AsSpan(group.Turrets);
        for (int i = 0; i < turrets.Length; i++)
        {
            ref Turret turret = ref turrets[i];
            if (turret.BadSensor)
            {
                continue; // nothing to aim with: it does not fire, and is not counted in the group's figures
            }

            counted++;
            ReadOnlySpan<float> aim = group.Model.ReadOutputs(_world, turret.Aimer);
            hits += Hits(aim[0], aim[1], turret.Target.At(Time + Lead)) ? 1 : 0;
            turret.Loss = _world.Get<Loss>(turret.Learner).Value;
            lossSum += float.IsFinite(turret.Loss) ? turret.Loss : 0; // a diverging learner is the guard's to contain
            if (turret.ShellFired >= 0 && Frames - turret.ShellFired >= ShellFrames)
            {
                turret.LastHit = Hits(turret.ShellX, turret.ShellY, turret.Target.At(Time));
                turret.LastLanded = Frames;
                turret.ShellFired = -1;
            }

            if (turret.ShellFired < 0 && (Frames + i) % ShellFrames == 0)
            {
                (turret.ShellX, turret.ShellY, turret.ShellFired) = (aim[0], aim[1], Frames);
            }
        }

        group.HitRate = counted == 0 ? 0 : (double)hits / counted;
        group.MeanLoss = counted == 0 ? 0 : lossSum / counted;
    }

    private static bool Hits(float x, float y, (float X, float Y) target)
    {
        float dx = x - target.X, dy = y - target.Y;
        return (dx * dx) + (dy * dy) <= HitRadius * HitRadius;
    }

    /// <summary>What a turret sees at <paramref name="t"/>: the target's position then and <see cref="Lag"/> earlier.</summary>
    private static void Observe(Target target, float t, Span<float> features)
    {
        (features[0], features[1]) = target.At(t);
        (features[2], features[3]) = target.At(t - Lag);
    }
}
