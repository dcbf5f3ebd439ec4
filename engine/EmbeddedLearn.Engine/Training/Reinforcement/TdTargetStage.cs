using System.Numerics.Tensors;
using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// The temporal-difference targets, after Forward wrote <c>Q(s_j, .)</c> for the sampled batch: for every sample j
/// with action <c>a_j</c>, reward <c>r_j</c> and next observation <c>s'_j</c>, the target network (its own
/// <see cref="QAgentSpec.TargetParameters"/>) gives <c>Q_target(s'_j, .)</c> and
/// <c>y_j = r_j + gamma (1 - done_j) max_a' Q_target(s'_j, a')</c>, or with <see cref="QLearningSettings.DoubleDqn"/>
/// <c>y_j = r_j + gamma (1 - done_j) Q_target(s'_j, argmax_a' Q(s'_j, a'))</c>, the online network choosing. The
/// targets <c>[B, A]</c> are the current outputs except <c>t[j, a_j] = y_j</c>, so the MSE loss after it gives only the
/// taken action's error a gradient: <c>dL/dQ(s_j, a_j) = 2 (Q(s_j, a_j) - y_j) / N</c> (N = B A for reduction mean),
/// 0 for the other actions. Computed in float, per agent from its own data. A sampled action that is not an integer in
/// <c>[0, A)</c> (a ring the game wrote past <see cref="QAgentSpec.Record"/>) gives that row NaN targets, so the guard
/// skips the agent's step as for any non-finite gradient.
/// On a device it runs as its <see cref="Device"/> body (TdTarget.cl).
/// </summary>
public sealed class TdTargetStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "TdTarget";

    /// <summary>The device code: TdTarget.cl after QAgent.cl and Forward.cl.</summary>
    internal static readonly DeviceBody Body = QAgentBlock.Body("el_q_td_target", "TdTarget.cl",
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.HiddenActivation,
            DeviceArgument.Parameters, DeviceArgument.TargetParameters, DeviceArgument.ReplaySample, DeviceArgument.Outputs,
            DeviceArgument.Targets, DeviceArgument.QLearningSettings, DeviceArgument.AgentScratch]);

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Outputs | ModelData.Parameters | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Targets;

    /// <inheritdoc/>
    public void Admit(in ModelBlock block) => QAgentBlock.Admit(block);

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        QAgentSpec? spec = QAgentBlock.Spec(block);
        if (spec is null || !block.IsTrainable)
        {
            return;
        }

        ModelSpec model = spec.Model;
        int p = model.Parameters.ElementCount;
        int n = spec.ObservationWidth;
        int actions = spec.ActionCount;
        int batch = model.Batch;
        int sampleWidth = spec.SampleWidth;
        int rows = batch * actions;
        int hidden = Math.Max(1, batch * model.Layout.HiddenUnitCount);
        Span<float> scratch = block.Scratch;
        Span<float> next = scratch[..(batch * n)];
        Span<float> activations = scratch.Slice(next.Length, hidden);
        Span<float> targetQ = scratch.Slice(next.Length + hidden, rows);
        Span<float> onlineQ = scratch.Slice(next.Length + hidden + rows, rows);
        ReadOnlySpan<float> parameters = block.Floats(model.Parameters);
        ReadOnlySpan<float> targetParameters = block.Floats(spec.TargetParameters);
        ReadOnlySpan<float> samples = block.Floats(spec.ReplaySample);
        ReadOnlySpan<float> outputs = block.Floats(model.Outputs);
        Span<float> targets = block.Floats(model.Targets);
        ReadOnlySpan<QLearningSettings> settings = block.Range.GetReadOnlySpan<QLearningSettings>();
        ReadOnlySpan<TrainingState> states = block.States;
        for (int i = 0; i < block.Count; i++)
        {
            if ((states[i].Outcome & TickOutcome.SitsOut) != 0)
            {
                continue;
            }

            ReadOnlySpan<float> sample = samples.Slice(i * batch * sampleWidth, batch * sampleWidth);
            for (int j = 0; j < batch; j++)
            {
                sample.Slice((j * sampleWidth) + 3, n).CopyTo(next.Slice(j * n, n));
            }

            DenseForward.Run(model.Layout, batch, targetParameters.Slice(i * p, p), next, activations, targetQ);
            bool doubleDqn = settings[i].DoubleDqn;
            if (doubleDqn)
            {
                DenseForward.Run(model.Layout, batch, parameters.Slice(i * p, p), next, activations, onlineQ);
            }

            float gamma = settings[i].Gamma;
            Span<float> target = targets.Slice(i * rows, rows);
            outputs.Slice(i * rows, rows).CopyTo(target);
            for (int j = 0; j < batch; j++)
            {
                ReadOnlySpan<float> row = sample.Slice(j * sampleWidth, sampleWidth);
                if (!(row[0] >= 0f && row[0] < actions && row[0] == MathF.Floor(row[0])))
                {
                    // A ring written past Record holds no valid action here: NaN targets make the guard skip the step.
                    target.Slice(j * actions, actions).Fill(float.NaN);
                    continue;
                }

                ReadOnlySpan<float> nextQ = targetQ.Slice(j * actions, actions);
                float value = doubleDqn ? nextQ[TensorPrimitives.IndexOfMax<float>(onlineQ.Slice(j * actions, actions))] : TensorPrimitives.Max<float>(nextQ);
                target[(j * actions) + (int)row[0]] = row[1] + (gamma * (1f - row[2]) * value);
            }
        }
    }

    /// <summary>Scratch floats the stage needs per thread: the next observations <c>[B, n]</c>, one forward pass's
    /// hidden activations, and two <c>[B, A]</c> Q tables.</summary>
    internal static int ScratchLength(ModelSpec model) =>
        model.Batch * (model.Layout.InputWidth + (2 * model.Layout.OutputWidth))
        + Math.Max(1, model.Batch * model.Layout.HiddenUnitCount);
}
