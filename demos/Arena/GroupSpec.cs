using EmbeddedLearn.Components;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>One group of turrets: what a developer would tune (layout, optimizer, learning rate). Its colour is its
/// position's (<see cref="GroupColours"/>).</summary>
internal sealed record GroupSpec(string Name, ModelLayout Layout, TrainingSettings Settings)
{
    /// <summary>The groups the arena compares side by side: Adam, SGD with momentum, and a wider single-hidden-layer
    /// relu network with Adam.</summary>
    public static IReadOnlyList<GroupSpec> Defaults { get; } =
    [
        new("Adam lr 0.01, 4-16-16-2 tanh", new ModelLayout([4, 16, 16, 2], Activation.Tanh), TrainingSettings.Adam(learningRate: 0.01f)),
        new("SGD lr 0.05 m 0.9, 4-16-16-2 tanh", new ModelLayout([4, 16, 16, 2], Activation.Tanh), TrainingSettings.Sgd(learningRate: 0.05f, momentum: 0.9f)),
        new("Adam lr 0.003, 4-32-2 relu", new ModelLayout([4, 32, 2], Activation.Relu), TrainingSettings.Adam(learningRate: 0.003f)),
    ];
}
