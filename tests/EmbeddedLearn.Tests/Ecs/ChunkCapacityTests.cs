using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

/// <summary>How many rows a chunk holds: about 64 KiB of rows, at least 64 rows when rows are wide, never more than
/// 1 MiB for those 64, and at least one.</summary>
public sealed class ChunkCapacityTests
{
    [Theory]
    [InlineData(4, 64 * 1024 / (4 * 4 + 8))]      // narrow rows: the 64 KiB target
    [InlineData(3_000, 64)]                         // ~12 KB rows (a 1,410-parameter model's components): 64 rows
    [InlineData(25_000, 1024 * 1024 / (25_000 * 4 + 8))] // ~100 KB rows: as many as fit 1 MiB (10)
    [InlineData(600_000, 1)]                        // 2.4 MB rows: one
    public void A_chunk_holds_the_rows_of_its_rule(int floats, int expected)
    {
        var type = ComponentType.Array<float>("chunk-capacity-tests." + floats, floats);
        using var world = new World();
        Entity entity = world.Create();
        world.Add(entity, type);
        Archetype archetype = world.GetArchetype(entity);
        Assert.Equal(expected, archetype.ChunkCapacity);
    }
}
