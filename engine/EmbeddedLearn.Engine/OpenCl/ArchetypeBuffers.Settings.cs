using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.OpenCl;

/// <summary>Packing settings and state for the device, interleaved like the components (<see cref="InterleavedLayout.Index"/>).</summary>
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

        // Interleaved like every other device buffer: slot j of entity e at Index(e, j) (slots: common.cl).
        float[] sf = new float[Padded * 8];
        int[] si = new int[Padded * 8];
        for (int e = 0; e < Count; e++)
        {
            TrainingSettings s = current[e];
            int at = (int)InterleavedLayout.Index(e, 0, 8, Tile);
            sf[at] = s.LearningRate;
            sf[at + Tile] = s.Momentum;
            sf[at + (2 * Tile)] = s.Dampening;
            sf[at + (3 * Tile)] = s.WeightDecay;
            sf[at + (4 * Tile)] = s.Beta1;
            sf[at + (5 * Tile)] = s.Beta2;
            sf[at + (6 * Tile)] = s.Epsilon;
            si[at] = (int)s.Optimizer;
            si[at + Tile] = s.Nesterov ? 1 : 0;
            si[at + (2 * Tile)] = s.Maximize ? 1 : 0;
            si[at + (3 * Tile)] = (int)s.Reduction;
            si[at + (4 * Tile)] = s.AccumulationSteps;
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
        long[] state = new long[Padded * 3];
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            ReadOnlySpan<TrainingState> states = Archetype.GetChunk(c).GetSpan<TrainingState>();
            for (int r = 0; r < states.Length; r++, index++)
            {
                int at = (int)InterleavedLayout.Index(index, 0, 3, Tile);
                state[at] = states[r].BackwardPasses;
                state[at + Tile] = states[r].OptimizerSteps;
                state[at + (2 * Tile)] = states[r].StepDue ? 1 : 0;
            }
        }

        fixed (long* s = state)
        {
            Api.Write(Queue, State, 0, state.Length * (long)sizeof(long), s, blocking: true);
        }
    }
}
