using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>Figures of the frames since the last state message: hit rate and mean loss per group and entities trained
/// per frame (means), frame time (worst), and the last tick's time per stage (summed over threads).</summary>
internal sealed class LiveStats
{
    private int _frames;

    public double[] HitRate { get; private set; } = [];

    public double[] MeanLoss { get; private set; } = [];

    public double FrameMs { get; private set; }

    public double TickMs { get; private set; }

    public double Trained { get; private set; }

    public int Entities { get; private set; }

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
