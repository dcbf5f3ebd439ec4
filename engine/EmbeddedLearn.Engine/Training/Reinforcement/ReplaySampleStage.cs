using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// Fills each training agent's batch from its own replay ring: B transitions drawn uniformly with replacement from the
/// <c>Count</c> it holds, from the agent's own random stream (deterministic, independent of threads). The sampled
/// observations <c>s</c> go to the model's inputs <c>[B, n]</c>, the rest to <see cref="QAgentSpec.ReplaySample"/>
/// (<c>[a, r, done, s']</c> per row). An agent holding fewer than <see cref="QLearningSettings.MinReplay"/> transitions
/// sits the tick out (<see cref="TickOutcome.Waiting"/>): the later training stages leave it untouched. The ring only
/// holds finite values (<see cref="QAgentSpec.Record"/> refuses others), so the inputs need no check on entry.
/// </summary>
public sealed class ReplaySampleStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "ReplaySample";

    /// <summary>The device code: ReplaySample.cl after QAgent.cl.</summary>
    internal static readonly DeviceBody Body = QAgentBlock.Body("el_q_sample", "ReplaySample.cl",
        [DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.ReplayCapacity, DeviceArgument.ReplayBuffer, DeviceArgument.Inputs,
            DeviceArgument.ReplaySample, DeviceArgument.QLearningSettings, DeviceArgument.ReplayState, DeviceArgument.QAgentState,
            DeviceArgument.Flags]);

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Inputs | ModelData.Counters;

    /// <inheritdoc/>
    public void Admit(in ModelBlock block) => QAgentBlock.Admit(block);

    /// <summary>How many agents ahead the stage asks for the transitions it will copy.</summary>
    private const int PrefetchDistance = 2;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        QAgentSpec? spec = QAgentBlock.Spec(block);
        if (spec is null || !block.IsTrainable)
        {
            return;
        }

        int n = spec.ObservationWidth;
        int batch = spec.Model.Batch;
        int width = spec.TransitionWidth;
        int ring = spec.Capacity * width;
        int sampleWidth = spec.SampleWidth;
        ReadOnlySpan<float> rings = block.Floats(spec.ReplayBuffer);
        Span<float> inputs = block.Floats(spec.Model.Inputs);
        Span<float> samples = block.Floats(spec.ReplaySample);
        ReadOnlySpan<QLearningSettings> settings = block.Range.GetReadOnlySpan<QLearningSettings>();
        ReadOnlySpan<ReplayState> replay = block.Range.GetReadOnlySpan<ReplayState>();
        Span<QAgentState> agents = block.Range.GetSpan<QAgentState>();
        Span<TrainingState> states = block.States;
        for (int i = 0; i < block.Count; i++)
        {
            int ahead = i + PrefetchDistance;
            if (ahead < block.Count && replay[ahead].Count >= settings[ahead].MinReplay && replay[ahead].Count > 0)
            {
                // The transitions an agent two places on will draw: random reads into rings far larger than the caches,
                // asked for while this agent's are copied (the draws are repeated then, from the same state).
                var next = new SplitMix64(agents[ahead].SampleRandom);
                ReadOnlySpan<float> nextRing = rings.Slice(ahead * ring, ring);
                for (int j = 0; j < batch; j++)
                {
                    Cpu.CachePrefetch.Lines(nextRing.Slice(next.NextInt(replay[ahead].Count) * width, width));
                }
            }

            if ((states[i].Outcome & TickOutcome.SitsOut) != 0)
            {
                continue;
            }

            int count = replay[i].Count;
            if (count < settings[i].MinReplay)
            {
                states[i].Outcome |= TickOutcome.Waiting;
                block.Account?.Waiting.Add(block.Entities[i]);
                continue;
            }

            ReadOnlySpan<float> transitions = rings.Slice(i * ring, ring);
            var random = new SplitMix64(agents[i].SampleRandom);
            for (int j = 0; j < batch; j++)
            {
                ReadOnlySpan<float> t = transitions.Slice(random.NextInt(count) * width, width);
                t[..n].CopyTo(inputs.Slice(((i * batch) + j) * n, n));
                t[n..].CopyTo(samples.Slice(((i * batch) + j) * sampleWidth, sampleWidth));
            }

            agents[i].SampleRandom = random.State;
        }
    }
}
