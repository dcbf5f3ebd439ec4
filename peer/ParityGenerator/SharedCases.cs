namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// The cases of torch-shared.json: members that come and go (a tick with one member, ticks with members missing in
/// the middle and at the ends), one and several rows per member, mean and sum, SGD, SGD with momentum, Adam and AdamW,
/// every hidden activation.
/// </summary>
internal static class SharedCases
{
    internal static IReadOnlyList<SharedCaseSpec> All { get; } =
    [
        new("shared-3-5-2-tanh-sgd-mean-k4-b2", [3, 5, 2], "tanh", 4, 2, "mean", new SgdSpec(0.1, 0, 0, false, 0),
            [[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 3], [0, 3], [0, 1, 2, 3], [1, 2]], 2101),
        new("shared-4-8-8-3-relu-adam-mean-k5-b3", [4, 8, 8, 3], "relu", 5, 3, "mean",
            new AdamSpec(0.01, 0.9, 0.999, 1e-8, 0, Decoupled: false),
            [[0, 1, 2, 3, 4], [1, 2, 3, 4], [0, 4], [2], [0, 1, 2, 3, 4], [0, 1, 3], [3, 4]], 2102),
        new("shared-2-4-1-sigmoid-momentum-sum-k3-b1", [2, 4, 1], "sigmoid", 3, 1, "sum", new SgdSpec(0.05, 0.9, 0, true, 0.01),
            [[0, 1, 2], [0, 2], [1], [0, 1, 2], [1, 2]], 2103),
        new("shared-3-6-2-leaky-relu-adamw-mean-k6-b2", [3, 6, 2], "leaky_relu", 6, 2, "mean",
            new AdamSpec(0.02, 0.9, 0.99, 1e-8, 0.05, Decoupled: true),
            [[0, 1, 2, 3, 4, 5], [0, 5], [1, 2, 3, 4], [5], [0, 1, 2, 3, 4, 5], [2, 3]], 2104),
        new("shared-5-7-3-identity-adam-sum-k2-b4", [5, 7, 3], "identity", 2, 4, "sum",
            new AdamSpec(0.005, 0.8, 0.95, 1e-6, 0.01, Decoupled: false),
            [[0, 1], [1], [0], [0, 1], [0, 1]], 2105),
    ];
}
