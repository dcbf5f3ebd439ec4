using System.Runtime.InteropServices;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.SharedModels;

/// <summary>
/// The component a member of a shared model carries (added by <see cref="SharedModelSpec.Join"/>, removed by
/// <see cref="SharedModelSpec.Leave"/>): the brain whose parameters it uses and the brain's slot that holds its samples
/// and outputs. It lives beside the engine's <see cref="Entity"/> type rather than in the components assembly, which
/// has no entity type.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SharedMember
{
    /// <summary>The brain entity (a model of <see cref="SharedModelSpec.Model"/>).</summary>
    public Entity Brain { get; init; }

    /// <summary>The member's slot on the brain, in <c>[0, Capacity)</c>.</summary>
    public int Slot { get; init; }
}
