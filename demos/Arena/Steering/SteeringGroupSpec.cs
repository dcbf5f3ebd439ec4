namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>One group of steering agents: its name (the page's and <c>summary.json</c>'s; it says which policy it is:
/// it contains "shared", "per-entity", "heuristic" or "random"), how its agents act, and for a PPO group its learning
/// rate and <see cref="SteeringPpo"/> settings. Its colour is its position's (<see cref="GroupColours"/>).</summary>
internal sealed record SteeringGroupSpec(string Name, SteeringPolicy Policy, float LearningRate = 0, SteeringPpo? Ppo = null)
{
    /// <summary>Whether the group's agents learn (PPO).</summary>
    public bool Learns => Policy is SteeringPolicy.SharedPpo or SteeringPolicy.PerEntityPpo;

    /// <summary>The hand-written steering heuristic.</summary>
    public static SteeringGroupSpec Heuristic { get; } = new("Steering heuristic (hand-written)", SteeringPolicy.Heuristic);

    /// <summary>Uniform random actions, the baseline.</summary>
    public static SteeringGroupSpec Random { get; } = new("Random actions (baseline)", SteeringPolicy.Random);

    /// <summary>The PPO settings of both learning groups (the same, so that the two differ only in sharing).</summary>
    /// <remarks>Tuned on seed 7 (hidden 64, a learning rate of 0.001 to 0.005, 8 epochs, gamma 0.9 or 0.98, horizon 64,
    /// minibatches of 256 rows and an initial log-std of 0 learned less or cost more per tick; a fixed minibatch of 512
    /// rows made 1,000 agents take 8 times the steps per update and fall back after first learning).</remarks>
    public static SteeringPpo DefaultPpo { get; } = new(Hidden: 32, Horizon: 32, Minibatches: 8, Epochs: 4, Gamma: 0.95f, Lambda: 0.95f,
        InitialLogStd: -0.5f, Entropy: 0f, MaxGradNorm: 0.5f);

    /// <summary>PPO, every agent of the group a member of one brain.</summary>
    public static SteeringGroupSpec SharedPpo { get; } = Learner(SteeringPolicy.SharedPpo, "PPO, one shared brain", 0.01f);

    /// <summary>PPO, a brain per agent.</summary>
    public static SteeringGroupSpec PerEntityPpo { get; } = Learner(SteeringPolicy.PerEntityPpo, "PPO, per-entity brains", 0.01f);

    /// <summary>The groups the scene compares side by side.</summary>
    public static IReadOnlyList<SteeringGroupSpec> Defaults { get; } = [SharedPpo, PerEntityPpo, Heuristic, Random];

    private static SteeringGroupSpec Learner(SteeringPolicy policy, string name, float learningRate) =>
        new(name + " " + DefaultPpo.LayoutName + ", Adam lr " + learningRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            policy, learningRate, DefaultPpo);
}
