using System.Runtime.InteropServices;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// The component a member of a PPO brain carries (added by <see cref="PpoSpec.Join"/>, removed by
/// <see cref="PpoSpec.Leave"/>): which brain it shares and which of the brain's member slots holds its data. It lives
/// beside the engine's <see cref="Entity"/> type rather than in the components assembly, which has no entity type.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct PpoMember
{
    /// <summary>The brain entity whose parameters the member uses and whose rollouts hold its transitions.</summary>
    public Entity Brain { get; init; }

    /// <summary>The member's slot on the brain, in <c>[0, Capacity)</c>.</summary>
    public int Slot { get; init; }
}
