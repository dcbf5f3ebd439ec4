using EmbeddedLearn.Components;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>One group of foragers: how its agents choose their moves. <paramref name="Layout"/> null: uniform random
/// moves (the baseline; no model). Otherwise each agent owns a Q-network of that layout (observation ->
/// hidden -> one value per move, linear output) trained by DQN with Adam at <paramref name="LearningRate"/>, with
/// Double-DQN targets when <paramref name="DoubleDqn"/>. Its colour is its position's (<see cref="GroupColours"/>).</summary>
internal sealed record ForagerGroupSpec(string Name, ModelLayout? Layout, float LearningRate, bool DoubleDqn)
{
    /// <summary>Whether the group's agents learn (own a model).</summary>
    public bool Learns => Layout is not null;

    /// <summary>The groups the scene compares side by side: DQN, Double-DQN (same layout and learning rate), and the
    /// random-move baseline.</summary>
    public static IReadOnlyList<ForagerGroupSpec> Defaults { get; } =
    [
        new("DQN 6-32-4 relu, Adam lr 0.003", DefaultLayout(), 0.003f, DoubleDqn: false),
        new("Double-DQN 6-32-4 relu, Adam lr 0.003", DefaultLayout(), 0.003f, DoubleDqn: true),
        new("Random moves (baseline)", null, 0, DoubleDqn: false),
    ];

    private static ModelLayout DefaultLayout() =>
        new([ForagersScene.ObservationWidth, 32, ForagersScene.ActionCount], Activation.Relu);
}
