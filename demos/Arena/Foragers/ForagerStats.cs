namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>Figures of the foragers scene since the last state message: those of <see cref="RewardStats"/>, and the last
/// tick's time, agents trained and time per stage.</summary>
internal sealed class ForagerStats : RewardStats
{
    public double TickMs { get; private set; }

    public int Trained { get; private set; }

    public int Entities { get; private set; }

    public IReadOnlyList<string> StageNames { get; private set; } = [];

    public double[] StageMs { get; private set; } = [];

    /// <summary>Adds the scene's last frame.</summary>
    public void Add(ForagersScene scene)
    {
        base.Add(scene);
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
}
