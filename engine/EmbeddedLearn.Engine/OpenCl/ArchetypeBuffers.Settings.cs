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
            ReadOnlySpan<TrainingSettings> chunkSettings = Archetype.GetChunk(c).GetReadOnlySpan<TrainingSettings>();
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
            chunk.GetReadOnlySpan<TrainingSettings>().CopyTo(current.AsSpan(index));
            index += chunk.Count;
        }

        // Interleaved like every other device buffer: field j of entity e at Index(e, j) (fields: DeviceSettingsLayout).
        int nf = DeviceSettingsLayout.FloatCount, ni = DeviceSettingsLayout.IntCount;
        float[] sf = new float[Padded * nf];
        int[] si = new int[Padded * ni];
        for (int e = 0; e < Count; e++)
        {
            for (int j = 0; j < nf; j++)
            {
                sf[InterleavedLayout.Index(e, j, nf, Tile)] = DeviceSettingsLayout.Floats[j].Value(current[e]);
            }

            for (int j = 0; j < ni; j++)
            {
                si[InterleavedLayout.Index(e, j, ni, Tile)] = DeviceSettingsLayout.Ints[j].Value(current[e]);
            }
        }

        fixed (float* f = sf)
        fixed (int* i = si)
        {
            Api.Write(Queue, SettingsF, 0, sf.Length * (long)sizeof(float), f, blocking: true);
            Api.Write(Queue, SettingsI, 0, si.Length * (long)sizeof(int), i, blocking: true);
        }

        _uploadedSettings = current;
        _elementLosses = Array.Exists(current, settings => settings.Reduction == LossReduction.None);
    }

    /// <summary>Uploads the host training counters (blocking).</summary>
    public void UploadState()
    {
        int n = DeviceSettingsLayout.StateCount;
        long[] state = new long[Padded * n];
        Span<long> row = stackalloc long[n];
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            ReadOnlySpan<TrainingState> states = Archetype.GetChunk(c).GetSpan<TrainingState>();
            for (int r = 0; r < states.Length; r++, index++)
            {
                DeviceSettingsLayout.PackState(states[r], 0, row);
                for (int j = 0; j < n; j++)
                {
                    state[InterleavedLayout.Index(index, j, n, Tile)] = row[j];
                }
            }
        }

        fixed (long* s = state)
        {
            Api.Write(Queue, State, 0, state.Length * (long)sizeof(long), s, blocking: true);
        }
    }
}
