namespace EmbeddedLearn.Components;

/// <summary>The action distribution of a PPO policy.</summary>
public enum PpoActionKind
{
    /// <summary>A diagonal Gaussian over A real actions: the network gives the means <c>mu [A]</c>, a state-independent
    /// learned vector gives <c>log sigma [A]</c>; an action is <c>mu + exp(log sigma) * N(0, 1)</c>.</summary>
    Continuous = 0,

    /// <summary>A categorical distribution over A discrete actions: the network gives the logits <c>[A]</c>,
    /// <c>p = softmax(logits)</c>; an action is one index in <c>[0, A)</c>.</summary>
    Discrete = 1,
}
