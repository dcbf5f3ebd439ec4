using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The device columns of PPO brains (<see cref="PpoSpec"/>), on archetypes that hold them. The game changes a brain's
/// slots (observations, members joining and leaving), rollouts (rewards), state and settings between ticks, and the
/// device changes them during a tick (decisions, the update), so they go up before and come down after every tick
/// (<see cref="DeviceColumnFlow.UpAndDown"/>): the host's copy is the whole truth between ticks. So are the log standard
/// deviation, its gradient and its optimizer state (A to 3A floats) and <see cref="PpoStats"/>; the settings go up when
/// changed; the minibatch's rows stay on the device. The stages' scratch (<see cref="AgentScratch"/>) holds a batch of
/// observations, outputs and activations (the decisions) or the minibatch's advantages (the loss).
/// </summary>
internal sealed partial class ArchetypeBuffers
{
    /// <summary>The PPO brain spec of this archetype's entities, or null when they are not PPO brains.</summary>
    public PpoSpec? Ppo { get; }

    /// <summary>The component holding the gradient of the entities' extra parameters (<see cref="ExtraParameters"/>: a
    /// continuous policy's log-std), or null when the archetype has none; found once, as the buffers are built.</summary>
    public ComponentType? ExtraGradient { get; }

    /// <summary>The floats of extra parameters per entity, 0 when the archetype has none.</summary>
    public int ExtraCount => ExtraGradient?.ElementCount ?? 0;

    private void AddPpoColumns()
    {
        if (Ppo is not PpoSpec ppo)
        {
            return;
        }

        AddExtension(DeviceArgument.PpoSlots, ppo.Slots, DeviceColumnFlow.UpAndDown);
        AddExtension(DeviceArgument.PpoRollouts, ppo.Rollouts, DeviceColumnFlow.UpAndDown);
        AddExtension(DeviceArgument.PpoTargets, ppo.Targets, DeviceColumnFlow.UpAndDown);
        AddExtension(DeviceArgument.PpoOrder, ppo.Order, DeviceColumnFlow.UpAndDown);
        AddExtension(DeviceArgument.PpoBatch, ppo.Batch, DeviceColumnFlow.Resident);
        AddExtension(DeviceArgument.PpoSettings, ComponentType.Of<PpoSettings>(), DeviceColumnFlow.UpWhenChanged);
        AddExtension(DeviceArgument.PpoState, ComponentType.Of<PpoState>(), DeviceColumnFlow.UpAndDown);
        AddExtension(DeviceArgument.PpoStats, ComponentType.Of<PpoStats>(), DeviceColumnFlow.UpAndDown);
        if (ppo.LogStd is not null)
        {
            AddExtension(DeviceArgument.PpoLogStd, ppo.LogStd, DeviceColumnFlow.UpAndDown);
            AddExtension(DeviceArgument.PpoLogStdGradient, ppo.LogStdGradient!, DeviceColumnFlow.UpAndDown);
            AddExtension(DeviceArgument.PpoLogStdState, ppo.LogStdState!, DeviceColumnFlow.UpAndDown);
        }
    }
}
