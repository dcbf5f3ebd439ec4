using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>What the Q-learning stages share: finding a block's agent spec, admitting its agents' settings, building
/// their device bodies.</summary>
internal static class QAgentBlock
{
    /// <summary>The agent spec of <paramref name="block"/>'s entities, or null when they are not Q-learning agents
    /// (the stages then leave them alone).</summary>
    public static QAgentSpec? Spec(in ModelBlock block) => QAgentSpec.Find(block.Range.Archetype);

    /// <summary>Throws <see cref="ModelDataException"/> for the first agent of <paramref name="block"/> whose
    /// <see cref="QLearningSettings"/> or <see cref="ReplayState"/> is out of range (a game that wrote the components
    /// itself), before the tick changes anything.</summary>
    public static void Admit(in ModelBlock block)
    {
        QAgentSpec? spec = Spec(block);
        if (spec is null)
        {
            return;
        }

        ReadOnlySpan<QLearningSettings> settings = block.Range.GetReadOnlySpan<QLearningSettings>();
        ReadOnlySpan<ReplayState> replay = block.Range.GetReadOnlySpan<ReplayState>();
        for (int i = 0; i < block.Count; i++)
        {
            string? error = settings[i].Validate() ?? spec.CheckMinReplay(settings[i]);
            if (error is not null)
            {
                Throw(block.Entities[i], nameof(QLearningSettings), error);
            }

            ReplayState state = replay[i];
            if (state.Count < 0 || state.Count > spec.Capacity || state.Next < 0 || state.Next >= spec.Capacity)
            {
                Throw(block.Entities[i], nameof(ReplayState), string.Format(CultureInfo.InvariantCulture,
                    "Count is {0} and Next is {1}; they must be in [0, {2}] and [0, {2})", state.Count, state.Next, spec.Capacity));
            }
        }
    }

    /// <summary>A Q-learning stage's device body: <paramref name="file"/> (beside the stage) after the shared helpers
    /// (QAgent.cl) and the forward pass (Stages/Forward.cl's el_dense_forward), which the decision and the targets run.</summary>
    public static DeviceBody Body(string function, string file, IReadOnlyList<DeviceArgument> arguments) =>
        new(function, DeviceBody.Embedded("QAgent.cl") + "\n" + DeviceBody.Embedded("Forward.cl") + "\n" + DeviceBody.Embedded(file), arguments);

    private static void Throw(Entity entity, string component, string problem) =>
        throw ModelDataException.TickRefused(entity, component, problem);
}
