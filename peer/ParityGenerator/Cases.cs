namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// The cases of torch-parity-adamw.json: AdamW with PyTorch's default weight decay (0.01), large weight
/// decays (0.1, 0.5), no decay (where AdamW equals Adam), betas other than the defaults, eps 1e-6,
/// accumulation over 2 and 3 backward passes, sum reduction, no zero_grad, every hidden activation; then one
/// plain Adam case and one SGD-with-momentum case, so the file also checks the generator's semantics against
/// the optimizers torch-parity.json already covers.
/// </summary>
internal static class Cases
{
    internal static IReadOnlyList<CaseSpec> All { get; } =
    [
        new("adamw-3-5-2-tanh-default-wd", [3, 5, 2], "tanh", 4, "mean",
            new AdamSpec(0.01, 0.9, 0.999, 1e-8, 0.01, Decoupled: true), 1, true, 6, 1101),
        new("adamw-4-8-8-3-relu-wd0.1", [4, 8, 8, 3], "relu", 5, "mean",
            new AdamSpec(0.02, 0.9, 0.999, 1e-8, 0.1, Decoupled: true), 1, true, 5, 1102),
        new("adamw-2-4-1-sigmoid-betas-eps1e-6-acc2", [2, 4, 1], "sigmoid", 3, "mean",
            new AdamSpec(0.05, 0.8, 0.95, 1e-6, 0.01, Decoupled: true), 2, true, 8, 1103),
        new("adamw-3-6-2-leaky-relu-sum-wd0.5", [3, 6, 2], "leaky_relu", 2, "sum",
            new AdamSpec(0.01, 0.9, 0.999, 1e-8, 0.5, Decoupled: true), 1, true, 6, 1104),
        new("adamw-2-3-2-identity-no-zero-grad", [2, 3, 2], "identity", 1, "mean",
            new AdamSpec(0.03, 0.85, 0.98, 1e-8, 0.05, Decoupled: true), 1, false, 5, 1105),
        new("adamw-5-7-3-tanh-lr0.1-wd0.5-acc3-sum", [5, 7, 3], "tanh", 4, "sum",
            new AdamSpec(0.1, 0.5, 0.9, 1e-6, 0.5, Decoupled: true), 3, true, 7, 1106),
        new("adamw-4-6-6-2-relu-wd0", [4, 6, 6, 2], "relu", 3, "mean",
            new AdamSpec(0.01, 0.9, 0.999, 1e-8, 0.0, Decoupled: true), 1, true, 4, 1107),
        new("adam-3-5-2-relu-wd", [3, 5, 2], "relu", 3, "mean",
            new AdamSpec(0.01, 0.9, 0.999, 1e-8, 0.01, Decoupled: false), 1, true, 5, 1108),
        new("sgd-4-8-3-tanh-momentum-dampening-wd", [4, 8, 3], "tanh", 4, "mean",
            new SgdSpec(0.05, 0.9, 0.1, false, 0.01), 1, true, 5, 1109),
    ];
}
