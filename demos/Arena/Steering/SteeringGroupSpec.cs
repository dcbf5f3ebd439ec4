namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>One group of steering agents: its name (the page's and <c>summary.json</c>'s; it says which policy it is:
/// it contains "shared", "per-entity", "heuristic" or "random"), how its agents act, and the learning rate of a PPO
/// group (0 for the others). Its colour is its position's (<see cref="GroupColours"/>).</summary>
internal sealed record SteeringGroupSpec(string Name, SteeringPolicy Policy, float LearningRate = 0)
{
    /// <summary>Whether the group's agents learn (PPO).</summary>
    public bool Learns => Policy is SteeringPolicy.SharedPpo or SteeringPolicy.PerEntityPpo;

    /// <summary>The hand-written steering heuristic.</summary>
    public static SteeringGroupSpec Heuristic { get; } = new("Steering heuristic (hand-written)", SteeringPolicy.Heuristic);

    /// <summary>Uniform random actions, the baseline.</summary>
    public static SteeringGroupSpec Random { get; } = new("Random actions (baseline)", SteeringPolicy.Random);

    /// <summary>The groups the scene compares side by side.</summary>
    public static IReadOnlyList<SteeringGroupSpec> Defaults { get; } = [Heuristic, Random];
}
