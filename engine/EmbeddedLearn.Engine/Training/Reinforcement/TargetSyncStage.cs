using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// Keeps each agent's target network following its online one, after the optimizer steps: with
/// <see cref="QLearningSettings.TargetSyncPeriod"/> C &gt; 0, a hard copy <c>theta_target = theta</c> once C optimizer
/// steps have passed since the last one (at steps C, 2C, ...); with C = 0, Polyak averaging after every step,
/// <c>theta_target = theta_target (1 - tau) + theta tau</c> (<see cref="Polyak"/>; the device body computes the same). Counts updates in <see cref="QAgentState.TargetSyncs"/>. An agent whose step was skipped (guard)
/// or that sat the tick out took no step, so its target stays. When the step counter starts afresh (a release from
/// quarantine, a new optimizer), the period counts from step 0 again.
/// On a device it runs as its <see cref="Device"/> body (TargetSync.cl).
/// </summary>
public sealed class TargetSyncStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "TargetSync";

    /// <summary>The device code: TargetSync.cl after QAgent.cl.</summary>
    internal static readonly DeviceBody Body = QAgentBlock.Body("el_q_target_sync", "TargetSync.cl",
        [DeviceArgument.ParameterCount, DeviceArgument.Parameters, DeviceArgument.TargetParameters, DeviceArgument.QLearningSettings,
            DeviceArgument.QAgentState, DeviceArgument.State]);

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Parameters | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.None;

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

        int p = spec.Model.Parameters.ElementCount;
        ReadOnlySpan<float> parameters = block.Floats(spec.Model.Parameters);
        Span<float> targets = block.Floats(spec.TargetParameters);
        ReadOnlySpan<QLearningSettings> settings = block.Range.GetReadOnlySpan<QLearningSettings>();
        ReadOnlySpan<TrainingState> states = block.States;
        Span<QAgentState> agents = block.Range.GetSpan<QAgentState>();
        for (int i = 0; i < block.Count; i++)
        {
            ref QAgentState agent = ref agents[i];
            long steps = states[i].OptimizerSteps;
            if (steps < agent.LastSyncStep)
            {
                agent.LastSyncStep = 0; // the optimizer started afresh (a release, a new optimizer): count from 0 again
            }

            int period = settings[i].TargetSyncPeriod;
            if (steps == agent.LastSyncStep || (period > 0 && steps - agent.LastSyncStep < period))
            {
                continue;
            }

            Span<float> target = targets.Slice(i * p, p);
            if (period > 0)
            {
                parameters.Slice(i * p, p).CopyTo(target);
            }
            else
            {
                Polyak(target, parameters.Slice(i * p, p), settings[i].Tau);
            }

            agent.LastSyncStep = steps;
            agent.TargetSyncs++;
        }
    }

    /// <summary><c>target[k] = (target[k] * (1 - tau)) + (online[k] * tau)</c>, float by float: products and a sum, none
    /// fused, so every vector width and every CPU gives the same bits (a library lerp may fuse where the CPU has an FMA).
    /// </summary>
    internal static void Polyak(Span<float> target, ReadOnlySpan<float> online, float tau)
    {
        float keep = 1f - tau;
        ref float t = ref MemoryMarshal.GetReference(target);
        ref float o = ref MemoryMarshal.GetReference(online);
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vKeep = Vector128.Create(keep), vTau = Vector128.Create(tau);
            for (; i + 4 <= target.Length; i += 4)
            {
                ((Vector128.LoadUnsafe(ref t, (nuint)i) * vKeep) + (Vector128.LoadUnsafe(ref o, (nuint)i) * vTau)).StoreUnsafe(ref t, (nuint)i);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] = (target[i] * keep) + (online[i] * tau);
        }
    }
}
