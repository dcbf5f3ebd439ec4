using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class StructuralChangeDuringQueryTests
{
    public static TheoryData<string> Changes => ["Create", "Destroy", "Add", "Remove", "Reserve"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Change_inside_chunk_foreach_throws_and_world_is_unchanged(string change)
    {
        using var world = new World();
        Entity[] entities = Populate(world);
        InvalidOperationException? caught = null;
        foreach (Chunk chunk in world.Query(new QueryDescription().WithAll<Health>()))
        {
            Assert.True(world.IsQueryRunning);
            caught = Assert.Throws<InvalidOperationException>(() => Apply(world, entities[3], change));
        }

        Assert.NotNull(caught);
        Assert.Contains(change + " is a structural change and a query is running", caught.Message, StringComparison.Ordinal);
        AssertUnchanged(world, entities);
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void Change_inside_InlineQuery_throws_out_and_world_is_unchanged(string change)
    {
        using var world = new World();
        Entity[] entities = Populate(world);
        var callback = new Mutator { World = world, Target = entities[3], Change = change };
        var ex = Assert.Throws<InvalidOperationException>(() =>
            world.InlineQuery<Mutator, Health>(new QueryDescription().WithAll<Health>(), ref callback));
        Assert.Contains("structural change", ex.Message, StringComparison.Ordinal);
        AssertUnchanged(world, entities);
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void Change_inside_ParallelChunkQuery_throws_and_world_is_unchanged(string change)
    {
        using var pool = new WorkerPool(2);
        using var world = new World();
        Entity[] entities = Populate(world);
        var ex = Assert.Throws<InvalidOperationException>(() =>
            world.ParallelChunkQuery(new QueryDescription(), new MutatorJob(world, entities[3], change), pool));
        Assert.Contains("structural change", ex.Message, StringComparison.Ordinal);
        AssertUnchanged(world, entities);
    }

    [Fact]
    public void Set_is_allowed_during_a_query()
    {
        using var world = new World();
        Entity[] entities = Populate(world);
        foreach (Chunk chunk in world.Query(new QueryDescription().WithAll<Health>()))
        {
            world.Set(entities[0], new Health(1000));
        }

        Assert.Equal(1000, world.Get<Health>(entities[0]).Value);
        Assert.False(world.IsQueryRunning);
    }

    private static Entity[] Populate(World world)
    {
        Entity[] entities = world.Create(new Signature(ComponentType.Of<Health>(), ComponentType.Of<Position>()), 10);
        for (int i = 0; i < entities.Length; i++)
        {
            world.Set(entities[i], new Health(i));
            world.Set(entities[i], new Position(i, i));
        }

        return entities;
    }

    private static void Apply(World world, Entity target, string change)
    {
        switch (change)
        {
            case "Create": world.Create(new Health(99)); break;
            case "Destroy": world.Destroy(target); break;
            case "Add": world.Add(target, new Velocity(1, 1)); break;
            case "Remove": world.Remove<Position>(target); break;
            case "Reserve": world.Reserve(new Signature(ComponentType.Of<Velocity>()), 100); break;
        }
    }

    private static void AssertUnchanged(World world, Entity[] entities)
    {
        Assert.False(world.IsQueryRunning);
        Assert.Equal(10, world.Count);
        Assert.Equal(10, world.CountEntities(new QueryDescription().WithAll<Health, Position>()));
        Assert.Equal(0, world.CountEntities(new QueryDescription().WithAny<Velocity, Marker>()));
        for (int i = 0; i < entities.Length; i++)
        {
            Assert.True(world.IsAlive(entities[i]));
            Assert.Equal(2, world.GetComponentTypes(entities[i]).Length);
            Assert.Equal(i, world.Get<Health>(entities[i]).Value);
            Assert.Equal(new Position(i, i), world.Get<Position>(entities[i]));
        }

        world.Destroy(entities[3]);
        Assert.Equal(9, world.Count);
    }

    private struct Mutator : IForEach<Health>
    {
        public World World;
        public Entity Target;
        public string Change;

        public void Update(ref Health c0) => Apply(World, Target, Change);
    }

    private readonly struct MutatorJob(World world, Entity target, string change) : IChunkJob
    {
        public void Execute(in ChunkRange range) => Apply(world, target, change);
    }
}
