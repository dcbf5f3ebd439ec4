using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class EntityLifecycleTests
{
    private static readonly ComponentType Pos = ComponentType.Of<Position>();

    [Fact]
    public void Create_gives_alive_entities_with_distinct_ids_and_version_1()
    {
        using var world = new World();
        Entity a = world.Create(Pos);
        Entity b = world.Create(Pos);
        Assert.Equal(new Entity(0, 1), a);
        Assert.Equal(new Entity(1, 1), b);
        Assert.True(world.IsAlive(a));
        Assert.True(world.IsAlive(b));
        Assert.Equal(2, world.Count);
    }

    [Fact]
    public void Destroy_makes_handle_stale_and_decrements_count()
    {
        using var world = new World();
        Entity a = world.Create(Pos);
        Entity b = world.Create(Pos);
        world.Destroy(a);
        Assert.False(world.IsAlive(a));
        Assert.True(world.IsAlive(b));
        Assert.Equal(1, world.Count);
        Assert.Equal(1, world.GetArchetype(b).EntityCount);
    }

    [Fact]
    public void Recycled_slot_gets_next_version_and_old_handle_stays_stale()
    {
        using var world = new World();
        Entity a = world.Create(Pos);
        world.Destroy(a);
        Entity c = world.Create(Pos);
        Assert.Equal(a.Id, c.Id);
        Assert.Equal(2, c.Version);
        Assert.False(world.IsAlive(a));
        Assert.True(world.IsAlive(c));
        world.Destroy(c);
        Entity d = world.Create(Pos);
        Assert.Equal(3, d.Version);
    }

    [Fact]
    public void Stale_handle_is_detected_and_message_names_the_entity()
    {
        using var world = new World();
        Entity a = world.Create(Pos);
        world.Destroy(a);
        world.Create(Pos);
        var ex = Assert.Throws<InvalidOperationException>(() => world.Get<Position>(a));
        Assert.Contains("Entity(0, v1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("destroyed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("version 2", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => world.Destroy(a));
        Assert.Throws<InvalidOperationException>(() => world.Has<Position>(a));
        Assert.Equal(1, world.Count);
    }

    [Fact]
    public void Null_and_foreign_handles_are_not_alive()
    {
        using var world = new World();
        world.Create(Pos);
        Assert.False(world.IsAlive(Entity.Null));
        Assert.False(world.IsAlive(new Entity(5, 1)));
        Assert.False(world.IsAlive(new Entity(-1, 1)));
        var ex = Assert.Throws<InvalidOperationException>(() => world.Destroy(new Entity(5, 1)));
        Assert.Contains("Entity(5, v1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("never created", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bulk_create_fills_handles_and_zeroes_components()
    {
        using var world = new World();
        var signature = new Signature(Pos, ComponentType.Of<Health>());
        Entity[] created = world.Create(signature, 5000);
        Assert.Equal(5000, created.Length);
        Assert.Equal(5000, world.Count);
        Assert.Equal(5000, created.Distinct().Count());
        Archetype archetype = world.GetOrCreateArchetype(signature);
        Assert.Equal(5000, archetype.EntityCount);
        Assert.True(archetype.ChunkCount > 1);
        foreach (Entity e in created)
        {
            Assert.True(world.IsAlive(e));
            Assert.Equal(0f, world.Get<Position>(e).X);
            Assert.Equal(0, world.Get<Health>(e).Value);
        }
    }

    [Fact]
    public void Reserve_allocates_up_front_and_creating_up_to_it_allocates_no_chunk()
    {
        using var world = new World();
        var signature = new Signature(Pos, ComponentType.Of<Velocity>());
        world.Reserve(signature, 10_000);
        Archetype archetype = world.GetOrCreateArchetype(signature);
        int chunks = archetype.AllocatedChunkCount;
        Assert.True(archetype.Capacity >= 10_000);
        Assert.Equal((10_000 + archetype.ChunkCapacity - 1) / archetype.ChunkCapacity, chunks);
        for (int i = 0; i < 10_000; i++)
        {
            world.Create(signature);
        }

        Assert.Equal(chunks, archetype.AllocatedChunkCount);
        Assert.Equal(10_000, archetype.EntityCount);
    }

    [Fact]
    public void Emptied_chunks_are_kept_and_reused()
    {
        using var world = new World();
        var signature = new Signature(Pos);
        Entity[] created = world.Create(signature, 20_000);
        Archetype archetype = world.GetArchetype(created[0]);
        int chunks = archetype.AllocatedChunkCount;
        foreach (Entity e in created)
        {
            world.Destroy(e);
        }

        Assert.Equal(0, archetype.ChunkCount);
        Assert.Equal(chunks, archetype.AllocatedChunkCount);
        world.Create(signature, 20_000);
        Assert.Equal(chunks, archetype.AllocatedChunkCount);
    }

    [Fact]
    public void Dispose_frees_storage_and_later_use_throws_ObjectDisposedException()
    {
        var world = new World();
        Entity e = world.Create(new Position(1, 2));
        Chunk chunk = world.GetArchetype(e).GetChunk(0);
        world.Dispose();
        Assert.Throws<ObjectDisposedException>(() => world.Get<Position>(e));
        Assert.Throws<ObjectDisposedException>(() => world.Create(Pos));
        Assert.Throws<ObjectDisposedException>(() => world.Destroy(e));
        Assert.Throws<ObjectDisposedException>(() => { world.Query(new QueryDescription()); });
        Assert.Throws<ObjectDisposedException>(() => chunk.Entities.Length);
        Assert.False(world.TryGet(e, out Position _));
        world.Dispose();
    }
}
