using EmbeddedLearn.Components;

namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// How a PPO group learns: the network (<see cref="SteeringScene.ObservationWidth"/> inputs, <paramref name="Hidden"/>
/// tanh units in each of two hidden layers, <see cref="SteeringScene.ActionWidth"/> action means and one value), the
/// rollout horizon in decisions, the minibatches each epoch splits a rollout into (<see cref="MinibatchRows"/>), the
/// epochs per rollout, the discount and GAE's lambda, the initial
/// log standard deviation of the Gaussian policy and the entropy bonus; Adam at the group's learning rate with gradients
/// clipped to a norm of <paramref name="MaxGradNorm"/>.
/// </summary>
internal sealed record SteeringPpo(int Hidden, int Horizon, int Minibatches, int Epochs, float Gamma, float Lambda, float InitialLogStd,
    float Entropy, float MaxGradNorm)
{
    /// <summary>Fewest rows of a minibatch (a brain of one member: its whole rollout).</summary>
    public const int MinRows = 32;

    /// <summary>Rows of a minibatch for a brain of <paramref name="members"/>: its rollout split into
    /// <see cref="Minibatches"/>, at least <see cref="MinRows"/> (and at most the rollout). The optimizer then takes the
    /// same number of steps per update whatever the group's size: a larger group gets larger, less noisy minibatches.</summary>
    public int MinibatchRows(int members) =>
        Math.Min(members * Horizon, Math.Max(MinRows, ((members * Horizon) + Minibatches - 1) / Minibatches));

    /// <summary>The layout string of the network, e.g. "10-64-64-3 tanh".</summary>
    public string LayoutName => SteeringScene.ObservationWidth + "-" + Hidden + "-" + Hidden + "-" + (SteeringScene.ActionWidth + 1) + " tanh";

    /// <summary>The model layout.</summary>
    public ModelLayout Layout() => new([SteeringScene.ObservationWidth, Hidden, Hidden, SteeringScene.ActionWidth + 1], Activation.Tanh);

    /// <summary>The PPO settings of a brain; <paramref name="deterministic"/>: act on the mean.</summary>
    public PpoSettings Settings(bool deterministic) => PpoSettings.Ppo(gamma: Gamma, lambda: Lambda, epochs: Epochs,
        entropyCoefficient: Entropy, initialLogStd: InitialLogStd, deterministic: deterministic);
}
