using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

/// <summary><see cref="Archetype.MakeContiguous"/>: every chunk's columns moved back to back into one arena, values and
/// entities kept, rows <c>[0, EntityCount)</c> of a component one range in entity order, until the archetype needs a
/// chunk the arena has no room for.</summary>
public sealed unsafe class ContiguousColumnTests
{
    // 3,000 floats a row: 64 rows a chunk, every column a whole number of 64-byte lines.
    private static readonly ComponentType Wide = ComponentType.Array<float>("contiguous-tests.wide", 3_000);
    private static readonly ComponentType Narrow = ComponentType.Array<float>("contiguous-tests.narrow", 3);

    // 30,001 floats a row: 8 rows a chunk (1 MiB), 960,032 bytes a chunk's column, not a whole number of lines.
    private static readonly ComponentType Odd = ComponentType.Array<float>("contiguous-tests.odd", 30_001);

    [Fact]
    public void Moving_into_the_arena_keeps_every_value_and_lays_rows_out_in_entity_order()
    {
        using var world = new World();
        Entity[] entities = Create(world, 200, Wide, Narrow); // four chunks, the last partly full
        Archetype archetype = world.GetArchetype(entities[0]);
        Assert.True(archetype.CanBeContiguous);
        Assert.False(archetype.IsContiguous);

        Assert.True(archetype.MakeContiguous());

        Assert.True(archetype.IsContiguous);
        AssertValues(world, entities);
        var wide = new ReadOnlySpan<float>(archetype.ContiguousRows(Wide), entities.Length * 3_000);
        var narrow = new ReadOnlySpan<float>(archetype.ContiguousRows(Narrow), entities.Length * 3);
        for (int i = 0; i < entities.Length; i++)
        {
            Assert.Equal(Value(i, 2_999), wide[(i * 3_000) + 2_999]);
            Assert.Equal(Value(i, 1), narrow[(i * 3) + 1]);
        }

        Assert.Equal(0, (long)archetype.ContiguousRows(Wide) % ColumnArena.PageBytes);
        Assert.Equal(0, (long)archetype.ContiguousRows(Narrow) % ColumnArena.PageBytes);
    }

    [Fact]
    public void Writes_through_the_world_after_the_move_land_in_the_contiguous_rows()
    {
        using var world = new World();
        Entity[] entities = Create(world, 130, Wide, Narrow);
        Archetype archetype = world.GetArchetype(entities[0]);
        archetype.MakeContiguous();

        world.GetSpan<float>(entities[129], Narrow)[2] = -7f;
        world.Destroy(entities[3]); // the last entity moves into row 3

        Assert.True(archetype.IsContiguous);
        var narrow = new ReadOnlySpan<float>(archetype.ContiguousRows(Narrow), 129 * 3);
        Assert.Equal(-7f, narrow[(3 * 3) + 2]);
        Assert.Equal(Value(128, 0), narrow[128 * 3]);
    }

    [Fact]
    public void Growing_past_the_arena_ends_contiguity_until_the_next_move_which_keeps_every_value()
    {
        using var world = new World();
        Entity[] first = Create(world, 64, Wide, Narrow); // exactly one chunk
        Archetype archetype = world.GetArchetype(first[0]);
        archetype.MakeContiguous();
        Assert.True(archetype.IsContiguous);
        Assert.True(archetype.MakeContiguous()); // nothing moves: already there

        Entity[] more = Create(world, 70, Wide, Narrow, offset: 64); // a second and third chunk, outside the arena
        Assert.False(archetype.IsContiguous);
        Assert.Throws<InvalidOperationException>(() => archetype.ContiguousRows(Narrow));

        Assert.True(archetype.MakeContiguous());
        Assert.True(archetype.IsContiguous);
        AssertValues(world, [.. first, .. more]);
    }

    [Fact]
    public void An_archetype_whose_chunk_columns_are_not_whole_lines_stays_in_chunks()
    {
        using var world = new World();
        Entity[] entities = Create(world, 20, Odd); // three chunks of 8
        Archetype archetype = world.GetArchetype(entities[0]);
        Assert.Equal(8, archetype.ChunkCapacity);
        Assert.False(archetype.CanBeContiguous);

        Assert.False(archetype.MakeContiguous());

        Assert.False(archetype.IsContiguous);
        AssertValues(world, entities);
    }

    [Fact]
    public void A_disposed_world_refuses_spans_of_chunks_that_lived_in_the_arena()
    {
        var world = new World();
        Entity[] entities = Create(world, 100, Wide, Narrow);
        Archetype archetype = world.GetArchetype(entities[0]);
        archetype.MakeContiguous();
        Chunk chunk = archetype.GetChunk(1);
        world.Dispose();

        Assert.Throws<ObjectDisposedException>(() => chunk.GetSpan<float>(Narrow).Length);
    }

    private static float Value(int entity, int element) => (entity * 10_000f) + element;

    private static Entity[] Create(World world, int count, ComponentType first, ComponentType? second = null, int offset = 0)
    {
        var entities = new Entity[count];
        for (int i = 0; i < count; i++)
        {
            entities[i] = second is null ? world.Create(first) : world.Create(first, second);
            foreach (ComponentType type in second is null ? [first] : new[] { first, second })
            {
                Span<float> values = world.GetSpan<float>(entities[i], type);
                for (int k = 0; k < values.Length; k++)
                {
                    values[k] = Value(i + offset, k);
                }
            }
        }

        return entities;
    }

    private static void AssertValues(World world, Entity[] entities)
    {
        for (int i = 0; i < entities.Length; i++)
        {
            foreach (ComponentType type in world.GetArchetype(entities[i]).Signature.Types)
            {
                ReadOnlySpan<float> values = world.GetSpan<float>(entities[i], type);
                Assert.Equal(Value(i, 0), values[0]);
                Assert.Equal(Value(i, values.Length - 1), values[^1]);
            }
        }
    }
}
