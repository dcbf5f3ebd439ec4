namespace EmbeddedLearn.Components;

/// <summary>The optimizer an entity's <see cref="TrainingSettings"/> selects.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov, weight decay and maximize
    /// (PyTorch's <c>optim.SGD</c>).</summary>
    Sgd = 0,

    /// <summary>Adam with L2 weight decay added to the gradient (PyTorch's <c>optim.Adam</c>, amsgrad off).</summary>
    Adam = 1,

    /// <summary>Adam with decoupled weight decay, <c>p *= 1 - lr wd</c> before the update (PyTorch's
    /// <c>optim.AdamW</c>, amsgrad off).</summary>
    AdamW = 2,
}
