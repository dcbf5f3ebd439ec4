using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>Figures of the frames since the last state message: hit rate and mean loss per group and entities trained
/// per frame (means), frame time (worst), the last tick's time per stage (summed over threads), and what the last tick
/// contained (entities left out, steps skipped, entities quarantined).</summary>
internal sealed class LiveStats
{
    private int _frames;

    public double[] HitRate { get; private set; } = [];

    public double[] MeanLoss { get; private set; } = [];

    public double FrameMs { get; private set; }

    public double TickMs { get; private set; }

    public double Trained { get; private set; }

    public int Entities { get; private set; }

    /// <summary>Entities the last tick left out for NaN or infinite data.</summary>
    public int LeftOut { get; private set; }

    /// <summary>Entities whose optimizer step the last tick's guard skipped.</summary>
    public int StepsSkipped { get; private set; }

    /// <summary>Model entities quarantined after the last tick.</summary>
    public int Quarantined { get; private set; }

    public IReadOnlyList<string> StageNames { get; private set; } = [];

    public double[] StageMs { get; private set; } = [];

    /// <summary>Adds the scene's last frame.</summary>
    public void Add(ArenaScene scene)
    {
        if (HitRate.Length != scene.Groups.Count)
        {
            HitRate = new double[scene.Groups.Count];
            MeanLoss = new double[scene.Groups.Count];
        }

        foreach (TurretGroup group in scene.Groups)
        {
            HitRate[group.Index] = Blend(HitRate[group.Index], group.HitRate);
            MeanLoss[group.Index] = Blend(MeanLoss[group.Index], group.MeanLoss);
        }

        TickReport report = scene.LastReport!;
        Trained = Blend(Trained, scene.Learning.LastTrained);
        FrameMs = _frames == 0 ? scene.LastFrameMs : Math.Max(FrameMs, scene.LastFrameMs);
        TickMs = report.TotalMilliseconds;
        Entities = report.Entities;
        LeftOut = report.LeftOut.Length;
        StepsSkipped = report.StepsSkipped.Length;
        Quarantined = scene.QuarantinedCount;
        StageNames = report.StageNames;
        if (StageMs.Length != report.StageMilliseconds.Length)
        {
            StageMs = new double[report.StageMilliseconds.Length];
        }

        report.StageMilliseconds.CopyTo(StageMs);
        _frames++;
    }

    /// <summary>Starts a new window of frames.</summary>
    public void Clear() => _frames = 0;

    private double Blend(double mean, double value) => _frames == 0 ? value : mean + ((value - mean) / (_frames + 1));
}
