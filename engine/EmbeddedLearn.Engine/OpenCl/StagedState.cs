using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.OpenCl;

/// <summary>Device state of one archetype read into host arrays, in the row order of the last upload, waiting to be
/// written into the world's components by entity handle (so entities moved since are still found).</summary>
internal sealed class StagedState(Entity[] rows, List<(ComponentType Type, float[] Values)> columns, long[]? state)
{
    /// <summary>Writes every staged value into the entity that owned the row, where it is still alive and still has
    /// the component.</summary>
    public void Commit(World world)
    {
        for (int r = 0; r < rows.Length; r++)
        {
            Entity entity = rows[r];
            if (!world.IsAlive(entity))
            {
                continue;
            }

            foreach ((ComponentType type, float[] values) in columns)
            {
                if (world.Has(entity, type))
                {
                    int n = type.ElementCount;
                    values.AsSpan(r * n, n).CopyTo(world.GetSpan<float>(entity, type));
                }
            }

            if (state is not null && world.Has<TrainingState>(entity))
            {
                ref TrainingState host = ref world.Get<TrainingState>(entity);
                host = DeviceSettingsLayout.UnpackState(state, r, host);
            }
        }
    }
}
