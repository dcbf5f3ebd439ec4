using System.Numerics.Tensors;
using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// The decision step: for every Q-learning agent, the online network's <c>Q(s, .)</c> on its current
/// <see cref="QAgentSpec.Observation"/> (batch of one), then epsilon-greedy: with probability
/// <c>epsilon = QLearningSettings.EpsilonAt(Decisions)</c> a uniform random action, otherwise
/// <c>argmax_a Q(s, a)</c> (the lowest index on ties). Writes <see cref="QAgentState.Action"/>,
/// <see cref="QAgentState.ActionValue"/>, <see cref="QAgentState.Explored"/> and <see cref="QAgentState.Epsilon"/>, and
/// counts the decision. Runs on every agent, also those not training this tick or quarantined (inference keeps going);
/// an agent whose observation holds NaN or infinity keeps its last action and takes no decision. Each agent draws from
/// its own random stream, so the choice does not depend on threads or other agents.
/// On a device it runs as its <see cref="Device"/> body (Act.cl).
/// </summary>
public sealed class ActStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "Act";

    /// <summary>Acting goes on whether or not the agent trains this tick.</summary>
    public bool RunsWhenNotTraining => true;

    /// <summary>The device code: Act.cl after QAgent.cl and Forward.cl.</summary>
    internal static readonly DeviceBody Body = QAgentBlock.Body("el_q_act", "Act.cl",
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.HiddenActivation, DeviceArgument.Parameters,
            DeviceArgument.Observation, DeviceArgument.QLearningSettings, DeviceArgument.QAgentState, DeviceArgument.AgentScratch]) with
    {
        Inference = true,
    };

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Parameters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.None;

    /// <inheritdoc/>
    public void Admit(in ModelBlock block) => QAgentBlock.Admit(block);

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        QAgentSpec? spec = QAgentBlock.Spec(block);
        if (spec is null)
        {
            return;
        }

        ModelSpec model = spec.Model;
        int p = model.Parameters.ElementCount;
        int n = spec.ObservationWidth;
        int actions = spec.ActionCount;
        ReadOnlySpan<float> parameters = block.Floats(model.Parameters);
        ReadOnlySpan<float> observations = block.Floats(spec.Observation);
        ReadOnlySpan<QLearningSettings> settings = block.Range.GetReadOnlySpan<QLearningSettings>();
        Span<QAgentState> states = block.Range.GetSpan<QAgentState>();
        Span<float> hidden = block.Scratch.AsSpan(0, Math.Max(1, model.Layout.HiddenUnitCount));
        Span<float> q = block.Scratch.AsSpan(hidden.Length, actions);
        for (int i = 0; i < block.Count; i++)
        {
            ReadOnlySpan<float> observation = observations.Slice(i * n, n);
            if (FiniteCheck.FirstNonFinite(observation) >= 0)
            {
                continue;
            }

            DenseForward.Run(model.Layout, 1, parameters.Slice(i * p, p), observation, hidden, q);
            ref QAgentState state = ref states[i];
            float epsilon = settings[i].EpsilonAt(state.Decisions);
            var random = new SplitMix64(state.ActRandom);
            bool explore = random.NextSingle() < epsilon;
            int action = explore ? random.NextInt(actions) : TensorPrimitives.IndexOfMax<float>(q);
            state.Action = action;
            state.ActionValue = q[action];
            state.Explored = explore;
            state.Epsilon = epsilon;
            state.Decisions++;
            state.ActRandom = random.State;
        }
    }
}
