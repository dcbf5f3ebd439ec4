namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>Figures of the steering scene since the last state message: those of <see cref="RewardStats"/>, the goals
/// reached per agent per simulated minute per group, and the last learning tick's time.</summary>
internal sealed class SteeringStats : RewardStats
{
    private long[] _goalsAtStart = [];
    private long[] _goals = [];

    /// <summary>Goals reached per agent per simulated minute over the frames of the window.</summary>
    public double[] GoalsPerMinute { get; private set; } = [];

    public double TickMs { get; private set; }

    /// <summary>Adds the scene's last frame.</summary>
    public void Add(SteeringScene scene)
    {
        base.Add(scene);
        if (_goals.Length != scene.Groups.Count)
        {
            (_goalsAtStart, _goals, GoalsPerMinute) = (new long[scene.Groups.Count], new long[scene.Groups.Count], new double[scene.Groups.Count]);
        }

        TickMs = scene.LastTickMs ?? TickMs;
        foreach (SteeringGroup group in scene.Groups)
        {
            _goals[group.Index] = group.GoalsReached;
            GoalsPerMinute[group.Index] = (group.GoalsReached - _goalsAtStart[group.Index]) * 3600.0 / (Frames * (double)group.Count);
        }
    }

    /// <summary>Starts a new window of frames.</summary>
    public override void Clear()
    {
        base.Clear();
        _goals.CopyTo(_goalsAtStart, 0);
    }
}
