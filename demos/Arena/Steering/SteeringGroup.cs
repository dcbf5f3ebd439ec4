namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// One group's agents, as arrays indexed by agent: position, heading (a unit vector), speed, the action of the last
/// decision, the reward gathered since, the observation the decision was taken on, the goal (position, direction of
/// travel, how many were drawn, the distance at the last frame) and a short trail of the first
/// <see cref="TrailAgents"/> agents; and what the group did since the start.
/// </summary>
internal sealed class SteeringGroup : AgentGroup
{
    /// <summary>Agents whose trail is kept and drawn, and the points a trail holds (one per decision).</summary>
    public const int TrailAgents = 12, TrailLength = 24;

    public SteeringGroup(SteeringGroupSpec spec, int index, int agents)
        : base(spec.Name, spec.Learns, spec.LearningRate, index, agents)
    {
        Spec = spec;
        HeadingX = new float[agents];
        HeadingY = new float[agents];
        Speed = new float[agents];
        Turn = new float[agents];
        Thrust = new float[agents];
        Observation = new float[agents * SteeringScene.ObservationWidth];
        GoalX = new float[agents];
        GoalY = new float[agents];
        GoalDx = new float[agents];
        GoalDy = new float[agents];
        GoalIndex = new long[agents];
        GoalDistance = new float[agents];
        Trail = new float[Math.Min(TrailAgents, agents) * TrailLength * 2];
    }

    public SteeringGroupSpec Spec { get; }

    /// <summary>Heading, a unit vector (x, y).</summary>
    public float[] HeadingX { get; }

    public float[] HeadingY { get; }

    /// <summary>Speed in field units per second, 0..<see cref="SteeringScene.MaxSpeed"/>.</summary>
    public float[] Speed { get; }

    /// <summary>Turn rate and thrust of the last decision, each in [-1, 1].</summary>
    public float[] Turn { get; }

    public float[] Thrust { get; }

    /// <summary>The observation of the last decision, <see cref="SteeringScene.ObservationWidth"/> floats per agent.</summary>
    public float[] Observation { get; }

    public float[] GoalX { get; }

    public float[] GoalY { get; }

    /// <summary>The goal's direction of travel, a unit vector.</summary>
    public float[] GoalDx { get; }

    public float[] GoalDy { get; }

    /// <summary>How many goals the agent has been given (the next one is <see cref="SteeringField.Goal"/> of this index).</summary>
    public long[] GoalIndex { get; }

    /// <summary>Distance from the agent to its goal at the end of the last frame.</summary>
    public float[] GoalDistance { get; }

    /// <summary>Trail points (x, y) of the first agents: agent a's point k at ((a * TrailLength) + k) * 2.</summary>
    public float[] Trail { get; }

    /// <summary>Trail points written so far (the next goes to <c>TrailWritten % TrailLength</c>).</summary>
    public long TrailWritten { get; set; }

    /// <summary>Wall-clock time of the group's learning tick in the last decision frame, in milliseconds (PPO groups).</summary>
    public double? LastTickMs { get; set; }

    /// <summary>Goals reached since the start.</summary>
    public long GoalsReached { get; set; }

    /// <summary>Agent-frames spent touching a hazard, and touching a wall, since the start.</summary>
    public long HazardFrames { get; set; }

    public long WallFrames { get; set; }
}
