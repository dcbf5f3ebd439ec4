using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// Trainable parameters a model entity may carry besides its network's (a PPO brain's log standard deviation), as the
/// specs that add them declare: the component holding their gradient, which <see cref="Stages.GuardStage"/> counts in the
/// norm and clips with the network's gradients, as <c>torch.nn.utils.clip_grad_norm_</c> over all of an optimizer's
/// parameters does. The guard asks here, so it names no kind of spec.
/// </summary>
internal static class ExtraParameters
{
    private static readonly Lock Gate = new();
    private static volatile Func<Archetype, ComponentType?>[] _gradientOf = [];

    /// <summary>Declares a kind of spec's extra parameters: <paramref name="gradientOf"/> gives the component holding
    /// their gradient for an archetype of that kind, or null for any other archetype. Called once per kind.</summary>
    public static void Declare(Func<Archetype, ComponentType?> gradientOf)
    {
        ArgumentNullException.ThrowIfNull(gradientOf);
        lock (Gate)
        {
            _gradientOf = [.. _gradientOf, gradientOf];
        }
    }

    /// <summary>The component holding the gradient of <paramref name="archetype"/>'s extra parameters (a float array, one
    /// per parameter), or null when its entities have none.</summary>
    public static ComponentType? GradientOf(Archetype archetype)
    {
        foreach (Func<Archetype, ComponentType?> gradientOf in _gradientOf)
        {
            if (gradientOf(archetype) is ComponentType type)
            {
                return type;
            }
        }

        return null;
    }
}
