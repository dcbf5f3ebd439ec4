namespace EmbeddedLearn.Peer.Parity;

/// <summary>The PPO parity cases (both action kinds, several layouts and activations, GAE settings, clip ranges, value
/// clipping on and off, entropy bonus, advantage normalisation on and off, SGD and Adam, gradient clipping, dones inside
/// the rollout, several minibatches per epoch and several epochs, short last minibatches).</summary>
internal static class PpoCases
{
    private static readonly SgdSpec Sgd = new(0.05, 0.0, 0.0, false, 0.0);
    private static readonly SgdSpec SgdMomentum = new(0.02, 0.9, 0.0, false, 0.0);
    private static readonly AdamSpec Adam = new(0.01, 0.9, 0.999, 1e-8, 0.0, Decoupled: false);
    private static readonly AdamSpec AdamW = new(0.005, 0.9, 0.999, 1e-8, 0.01, Decoupled: true);

    internal static readonly PpoCaseSpec[] All =
    [
        new("gauss_tanh_sgd_basic", [3, 8, 3], "tanh", true, 2, 4, 4, 2, 0.99f, 0.95f, 0.2f, 0f, 0.5f, 0f, true, 0f, Sgd, 101, 11),
        new("gauss_relu_adam_vclip", [4, 16, 16, 3], "relu", true, 3, 5, 4, 3, 0.9f, 0.8f, 0.1f, 0.2f, 0.5f, 0.01f, true, 0f, Adam, 102, 12),
        new("gauss_tanh_adam_nonorm_ent", [2, 6, 2], "tanh", true, 2, 6, 3, 2, 0.95f, 1f, 0.3f, 0f, 1f, 0.05f, false, 0f, Adam, 103, 13),
        new("gauss_sigmoid_sgdm_clipnorm", [5, 8, 4], "sigmoid", true, 4, 3, 5, 2, 0.99f, 0.9f, 0.2f, 0.5f, 0.25f, 0.02f, true, 0.5f, SgdMomentum, 104, 14),
        new("gauss_identity_adamw_lambda0", [3, 4, 2], "identity", true, 1, 8, 8, 3, 0.8f, 0f, 0.2f, 0f, 0.5f, 0f, true, 0f, AdamW, 105, 15),
        new("cat_tanh_sgd_basic", [3, 8, 4], "tanh", false, 2, 4, 4, 2, 0.99f, 0.95f, 0.2f, 0f, 0.5f, 0f, true, 0f, Sgd, 201, 21),
        new("cat_relu_adam_vclip_ent", [4, 16, 16, 5], "relu", false, 3, 5, 4, 3, 0.9f, 0.8f, 0.1f, 0.2f, 0.5f, 0.01f, true, 0f, Adam, 202, 22),
        new("cat_leaky_adam_nonorm", [2, 8, 3], "leaky_relu", false, 2, 6, 5, 2, 0.95f, 0.9f, 0.3f, 0f, 1f, 0.05f, false, 0f, Adam, 203, 23),
        new("cat_tanh_sgdm_clipnorm", [6, 12, 4], "tanh", false, 4, 4, 6, 2, 0.99f, 0.95f, 0.2f, 0.3f, 0.5f, 0.01f, true, 0.3f, SgdMomentum, 204, 24),
        new("cat_sigmoid_adamw_gamma1", [3, 6, 6, 3], "sigmoid", false, 2, 5, 4, 3, 1f, 1f, 0.25f, 0f, 0.5f, 0.02f, true, 1f, AdamW, 205, 25, 0.3f),
        new("gauss_tanh_adam_one_slot_mb1", [2, 5, 2], "tanh", true, 1, 5, 1, 2, 0.99f, 0.95f, 0.2f, 0f, 0.5f, 0.01f, true, 0f, Adam, 106, 16),
        new("cat_tanh_adam_big_mb", [4, 8, 3], "tanh", false, 2, 3, 8, 4, 0.97f, 0.9f, 0.2f, 0.1f, 0.5f, 0.01f, true, 0f, Adam, 206, 26),
    ];
}
