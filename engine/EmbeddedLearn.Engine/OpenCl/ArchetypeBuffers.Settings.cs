using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.OpenCl;

/// <summary>Packing settings and state for the device, interleaved (slot j of entity e at <c>j * Stride + e</c>).</summary>
internal sealed unsafe partial class ArchetypeBuffers
{
    /// <summary>Uploads the packed settings when <paramref name="force"/> or when any entity's settings differ from
    /// those last uploaded (blocking; settings change rarely).</summary>
    public void UploadSettings(bool force)
    {
        Flush();
        // Compare against the last upload without allocating: settings change rarely, ticks happen every frame.
        bool changed = force || _uploadedSettings.Length != Count;
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount && !changed; c++)
        {
            ReadOnlySpan<TrainingSettings> chunkSettings = Archetype.GetChunk(c).GetSpan<TrainingSettings>();
            changed = !chunkSettings.SequenceEqual(_uploadedSettings.AsSpan(index, chunkSettings.Length));
            index += chunkSettings.Length;
        }

        if (!changed)
        {
            return;
        }

        TrainingSettings[] current = new TrainingSettings[Count];
        index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            Chunk chunk = Archetype.GetChunk(c);
            chunk.GetSpan<TrainingSettings>().CopyTo(current.AsSpan(index));
            index += chunk.Count;
        }

        // Interleaved like every other device buffer: slot j of entity e at j * Stride + e (slots: common.cl).
        float[] sf = new float[Stride * 8];
        int[] si = new int[Stride * 8];
        int stride = Stride;
        for (int e = 0; e < Count; e++)
        {
            TrainingSettings s = current[e];
            sf[e] = s.LearningRate;
            sf[stride + e] = s.Momentum;
            sf[(2 * stride) + e] = s.Dampening;
            sf[(3 * stride) + e] = s.WeightDecay;
            sf[(4 * stride) + e] = s.Beta1;
            sf[(5 * stride) + e] = s.Beta2;
            sf[(6 * stride) + e] = s.Epsilon;
            si[e] = (int)s.Optimizer;
            si[stride + e] = s.Nesterov ? 1 : 0;
            si[(2 * stride) + e] = s.Maximize ? 1 : 0;
            si[(3 * stride) + e] = (int)s.Reduction;
            si[(4 * stride) + e] = s.AccumulationSteps;
        }

        fixed (float* f = sf)
        fixed (int* i = si)
        {
            Api.Write(Queue, SettingsF, 0, sf.Length * (long)sizeof(float), f, blocking: true);
            Api.Write(Queue, SettingsI, 0, si.Length * (long)sizeof(int), i, blocking: true);
        }

        _uploadedSettings = current;
    }

    /// <summary>Uploads the host training counters (blocking).</summary>
    public void UploadState()
    {
        long[] state = new long[Stride * 3];
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            ReadOnlySpan<TrainingState> states = Archetype.GetChunk(c).GetSpan<TrainingState>();
            for (int r = 0; r < states.Length; r++, index++)
            {
                state[index] = states[r].BackwardPasses;
                state[Stride + index] = states[r].OptimizerSteps;
                state[(2 * Stride) + index] = states[r].StepDue ? 1 : 0;
            }
        }

        fixed (long* s = state)
        {
            Api.Write(Queue, State, 0, state.Length * (long)sizeof(long), s, blocking: true);
        }
    }
}
