using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class StructComponentTests
{
    [Fact]
    public void Create_with_values_then_Get_returns_them_by_reference()
    {
        using var world = new World();
        Entity e = world.Create(new Position(1, 2), new Velocity(3, 4));
        Assert.Equal(1f, world.Get<Position>(e).X);
        Assert.Equal(4f, world.Get<Velocity>(e).Y);
        world.Get<Position>(e).X = 10;
        Assert.Equal(10f, world.Get<Position>(e).X);
    }

    [Fact]
    public void Set_overwrites_value()
    {
        using var world = new World();
        Entity e = world.Create(new Health(5));
        world.Set(e, new Health(42));
        Assert.Equal(42, world.Get<Health>(e).Value);
    }

    [Fact]
    public void Has_and_TryGet_report_presence()
    {
        using var world = new World();
        Entity e = world.Create(new Health(7));
        Assert.True(world.Has<Health>(e));
        Assert.False(world.Has<Position>(e));
        Assert.True(world.TryGet(e, out Health h));
        Assert.Equal(7, h.Value);
        Assert.False(world.TryGet(e, out Position p));
        Assert.Equal(default, p);
        world.Destroy(e);
        Assert.False(world.TryGet(e, out Health dead));
        Assert.Equal(0, dead.Value);
    }

    [Fact]
    public void Missing_component_throws_naming_entity_and_component()
    {
        using var world = new World();
        Entity e = world.Create(new Health(7));
        var ex = Assert.Throws<InvalidOperationException>(() => world.Get<Position>(e));
        Assert.Contains(e.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("has no component", ex.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Position).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => world.Set(e, new Position(1, 1)));
    }

    [Fact]
    public void Add_moves_entity_to_new_archetype_keeping_values()
    {
        using var world = new World();
        Entity e = world.Create(new Position(1, 2));
        Archetype before = world.GetArchetype(e);
        world.Add(e, new Velocity(5, 6));
        Archetype after = world.GetArchetype(e);
        Assert.NotSame(before, after);
        Assert.Equal(0, before.EntityCount);
        Assert.Equal(new Position(1, 2), world.Get<Position>(e));
        Assert.Equal(new Velocity(5, 6), world.Get<Velocity>(e));
        Assert.True(after.Signature.Contains(ComponentType.Of<Velocity>()));
    }

    [Fact]
    public void Add_of_present_component_throws_and_changes_nothing()
    {
        using var world = new World();
        Entity e = world.Create(new Health(3));
        var ex = Assert.Throws<InvalidOperationException>(() => world.Add(e, new Health(9)));
        Assert.Contains("already has component", ex.Message, StringComparison.Ordinal);
        Assert.Contains(e.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, world.Get<Health>(e).Value);
    }

    [Fact]
    public void Remove_moves_entity_keeping_other_values()
    {
        using var world = new World();
        Entity e = world.Create(new Position(1, 2), new Velocity(3, 4));
        world.Remove<Velocity>(e);
        Assert.False(world.Has<Velocity>(e));
        Assert.Equal(new Position(1, 2), world.Get<Position>(e));
        var ex = Assert.Throws<InvalidOperationException>(() => world.Remove<Velocity>(e));
        Assert.Contains("cannot remove", ex.Message, StringComparison.Ordinal);
        Assert.Contains(e.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_then_remove_round_trip_restores_archetype()
    {
        using var world = new World();
        Entity e = world.Create(new Position(1, 2));
        Archetype original = world.GetArchetype(e);
        world.Add(e, new Health(1));
        world.Remove<Health>(e);
        Assert.Same(original, world.GetArchetype(e));
        Assert.Equal(new Position(1, 2), world.Get<Position>(e));
    }

    [Fact]
    public void Moving_an_entity_from_the_middle_of_a_multi_chunk_archetype_keeps_every_value()
    {
        using var world = new World();
        var signature = new Signature(ComponentType.Of<Position>(), ComponentType.Of<Health>());
        Entity[] all = world.Create(signature, 10_000);
        Archetype archetype = world.GetArchetype(all[0]);
        Assert.True(archetype.ChunkCount >= 2);
        for (int i = 0; i < all.Length; i++)
        {
            world.Set(all[i], new Position(i, -i));
            world.Set(all[i], new Health(i * 7));
        }

        int middle = archetype.ChunkCapacity / 2;
        Entity moved = all[middle];
        Entity last = all[^1];
        world.Add(moved, new Velocity(9, 9));
        world.Remove<Health>(all[archetype.ChunkCapacity + 1]);

        Assert.Equal(new Position(middle, -middle), world.Get<Position>(moved));
        Assert.Equal(middle * 7, world.Get<Health>(moved).Value);
        Assert.Equal(new Velocity(9, 9), world.Get<Velocity>(moved));
        Assert.Equal(last, archetype.GetChunk(0).Entities[middle]);
        for (int i = 0; i < all.Length; i++)
        {
            Assert.Equal(new Position(i, -i), world.Get<Position>(all[i]));
            if (i != archetype.ChunkCapacity + 1)
            {
                Assert.Equal(i * 7, world.Get<Health>(all[i]).Value);
            }
        }
    }

    [Fact]
    public void Destroy_in_middle_swaps_last_entity_in_and_keeps_its_values()
    {
        using var world = new World();
        Entity[] all = world.Create(new Signature(ComponentType.Of<Health>()), 40_000);
        for (int i = 0; i < all.Length; i++)
        {
            world.Set(all[i], new Health(i));
        }

        world.Destroy(all[5]);
        Archetype archetype = world.GetArchetype(all[0]);
        Assert.Equal(all[^1], archetype.GetChunk(0).Entities[5]);
        Assert.Equal(all.Length - 1, world.Get<Health>(all[^1]).Value);
        Assert.Equal(6, world.Get<Health>(all[6]).Value);
    }
}
