using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

/// <summary>How many rows a chunk holds: about 64 KiB of rows, at least 64 rows when rows are wide, never more than
/// 1 MiB for those 64, and at least one; a multiple of 16 from 16 rows on (chunks back to back stay line-aligned).</summary>
public sealed class ChunkCapacityTests
{
    [Theory]
    [InlineData(4, 2_720)]                          // narrow rows: the 64 KiB target (2,730 rows of 24 bytes), down to 16s
    [InlineData(200, 80)]                           // 808-byte rows: 81 fit 64 KiB, 80 kept
    [InlineData(3_000, 64)]                         // ~12 KB rows (a 1,410-parameter model's components): 64 rows
    [InlineData(25_000, 10)]                        // ~100 KB rows: as many as fit 1 MiB (10, under 16: kept)
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
