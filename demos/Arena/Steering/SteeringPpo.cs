using EmbeddedLearn.Components;

namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// How a PPO group learns: the network (<see cref="SteeringScene.ObservationWidth"/> inputs, <paramref name="Hidden"/>
/// tanh units in each of two hidden layers, <see cref="SteeringScene.ActionWidth"/> action means and one value), the
/// rollout horizon in decisions, the minibatch rows, the epochs per rollout, the discount and GAE's lambda, the initial
/// log standard deviation of the Gaussian policy and the entropy bonus; Adam at the group's learning rate with gradients
/// clipped to a norm of <paramref name="MaxGradNorm"/>.
/// </summary>
internal sealed record SteeringPpo(int Hidden, int Horizon, int Minibatch, int Epochs, float Gamma, float Lambda, float InitialLogStd,
    float Entropy, float MaxGradNorm)
{
    /// <summary>The layout string of the network, e.g. "10-64-64-3 tanh".</summary>
    public string LayoutName => SteeringScene.ObservationWidth + "-" + Hidden + "-" + Hidden + "-" + (SteeringScene.ActionWidth + 1) + " tanh";

    /// <summary>The model layout.</summary>
    public ModelLayout Layout() => new([SteeringScene.ObservationWidth, Hidden, Hidden, SteeringScene.ActionWidth + 1], Activation.Tanh);

    /// <summary>The PPO settings of a brain; <paramref name="deterministic"/>: act on the mean.</summary>
    public PpoSettings Settings(bool deterministic) => PpoSettings.Ppo(gamma: Gamma, lambda: Lambda, epochs: Epochs,
        entropyCoefficient: Entropy, initialLogStd: InitialLogStd, deterministic: deterministic);
}
