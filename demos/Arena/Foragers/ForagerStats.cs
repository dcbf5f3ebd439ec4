namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>Figures of the foragers scene since the last state message: mean reward per decision per group (mean over
/// the decisions closed), frame time (worst), and the last tick's time, agents trained and time per stage.</summary>
internal sealed class ForagerStats
{
    private int _decisions;
    private int _frames;

    public double[] Reward { get; private set; } = [];

    public double FrameMs { get; private set; }

    public double TickMs { get; private set; }

    public int Trained { get; private set; }

    public int Entities { get; private set; }

    public IReadOnlyList<string> StageNames { get; private set; } = [];

    public double[] StageMs { get; private set; } = [];

    /// <summary>Adds the scene's last frame.</summary>
    public void Add(ForagersScene scene)
    {
        if (Reward.Length != scene.Groups.Count)
        {
            Reward = new double[scene.Groups.Count];
        }

        if (scene.DecisionClosed)
        {
            foreach (ForagerGroup group in scene.Groups)
            {
                Reward[group.Index] = _decisions == 0 ? group.MeanReward : Reward[group.Index] + ((group.MeanReward - Reward[group.Index]) / (_decisions + 1));
            }

            _decisions++;
        }

        FrameMs = _frames == 0 ? scene.LastFrameMs : Math.Max(FrameMs, scene.LastFrameMs);
        _frames++;
        if (scene.LastReport is { } report)
        {
            TickMs = report.TotalMilliseconds;
            Trained = scene.Learning.LastTrained;
            Entities = report.Entities;
            StageNames = report.StageNames;
            if (StageMs.Length != report.StageMilliseconds.Length)
            {
                StageMs = new double[report.StageMilliseconds.Length];
            }

            report.StageMilliseconds.CopyTo(StageMs);
        }
    }

    /// <summary>Whether a decision closed since the last <see cref="Clear"/>.</summary>
    public bool HasDecisions => _decisions > 0;

    /// <summary>Starts a new window of frames.</summary>
    public void Clear() => (_decisions, _frames) = (0, 0);
}
