namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>How a steering group's agents choose their turn rate and thrust.</summary>
internal enum SteeringPolicy
{
    /// <summary>The hand-written controller (<see cref="SteeringHeuristic"/>): steer toward the goal, around hazards
    /// and away from walls.</summary>
    Heuristic,

    /// <summary>Uniform random actions in [-1, 1]^2, drawn afresh every decision (the baseline).</summary>
    Random,

    /// <summary>PPO, every agent of the group a member of one shared brain.</summary>
    SharedPpo,

    /// <summary>PPO, each agent its own brain (capacity one).</summary>
    PerEntityPpo,
}
