namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// One PPO parity case: an actor-critic (layers n, hidden..., A + 1; columns 0..A-1 the means or logits, column A the
/// value), a fixed rollout of <paramref name="Slots"/> x <paramref name="Horizon"/> transitions drawn from
/// <paramref name="Seed"/>, and the update's settings. The minibatch order comes from <paramref name="ShuffleSeed"/>
/// through the engine's documented shuffle (SplitMix64, Fisher-Yates from the end, each epoch shuffling the last).
/// </summary>
internal sealed record PpoCaseSpec(
    string Name,
    int[] Layers,
    string Activation,
    bool Continuous,
    int Slots,
    int Horizon,
    int Minibatch,
    int Epochs,
    float Gamma,
    float Lambda,
    float ClipEpsilon,
    float ValueClip,
    float ValueCoefficient,
    float EntropyCoefficient,
    bool NormalizeAdvantages,
    float MaxGradNorm,
    OptimizerSpec Optimizer,
    int Seed,
    ulong ShuffleSeed,
    float DoneProbability = 0.15f)
{
    internal int ObservationWidth => Layers[0];

    internal int ActionCount => Layers[^1] - 1;

    internal int ActionWidth => Continuous ? ActionCount : 1;

    internal int Rows => Slots * Horizon;

    internal int ParameterCount
    {
        get
        {
            int p = 0;
            for (int l = 0; l + 1 < Layers.Length; l++) p += (Layers[l] * Layers[l + 1]) + Layers[l + 1];
            return p;
        }
    }
}
