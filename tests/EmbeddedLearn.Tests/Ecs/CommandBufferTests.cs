using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class CommandBufferTests
{
    private static readonly ComponentType Weights = ComponentType.Array<float>("cb-tests.weights", 3);

    [Fact]
    public void Create_with_placeholder_then_add_and_set_on_it()
    {
        using var world = new World();
        var buffer = new CommandBuffer();
        Entity p0 = buffer.Create(ComponentType.Of<Position>());
        Entity p1 = buffer.Create(ComponentType.Of<Health>());
        Assert.True(p0.Id < 0);
        Assert.NotEqual(p0, p1);
        Assert.False(world.IsAlive(p0));
        buffer.Set(p0, new Position(3, 4));
        buffer.Add(p0, new Velocity(5, 6));
        buffer.Add<float>(p1, Weights, [1, 2, 3]);
        buffer.Set(p1, new Health(12));
        Assert.Equal(6, buffer.Count);
        Assert.Equal(0, world.Count);

        Entity[] created = buffer.Playback(world);

        Assert.Equal(2, created.Length);
        Assert.Equal(2, world.Count);
        Assert.Equal(0, buffer.Count);
        Assert.Equal(new Position(3, 4), world.Get<Position>(created[0]));
        Assert.Equal(new Velocity(5, 6), world.Get<Velocity>(created[0]));
        Assert.Equal(12, world.Get<Health>(created[1]).Value);
        Assert.Equal([1f, 2f, 3f], world.GetSpan<float>(created[1], Weights).ToArray());
    }

    [Fact]
    public void Destroy_remove_and_set_on_existing_entities()
    {
        using var world = new World();
        Entity a = world.Create(new Position(1, 1), new Velocity(2, 2));
        Entity b = world.Create(new Health(5));
        Entity c = world.Create(ComponentType.Of<Health>(), Weights);
        var buffer = new CommandBuffer();
        buffer.Remove<Velocity>(a);
        buffer.Destroy(b);
        buffer.Set<float>(c, Weights, [7, 8, 9]);
        buffer.Remove(c, ComponentType.Of<Health>());
        buffer.Add(a, ComponentType.Of<Health>());

        Entity[] created = buffer.Playback(world);

        Assert.Empty(created);
        Assert.False(world.IsAlive(b));
        Assert.False(world.Has<Velocity>(a));
        Assert.True(world.Has<Health>(a));
        Assert.Equal(0, world.Get<Health>(a).Value);
        Assert.Equal(new Position(1, 1), world.Get<Position>(a));
        Assert.False(world.Has<Health>(c));
        Assert.Equal([7f, 8f, 9f], world.GetSpan<float>(c, Weights).ToArray());
        Assert.Equal(2, world.Count);
    }

    [Fact]
    public void Placeholders_restart_after_playback()
    {
        using var world = new World();
        var buffer = new CommandBuffer();
        Entity first = buffer.Create(ComponentType.Of<Health>());
        buffer.Playback(world);
        Entity again = buffer.Create(ComponentType.Of<Health>());
        buffer.Set(again, new Health(3));
        Entity[] created = buffer.Playback(world);
        Assert.Equal(first, again);
        Assert.Single(created);
        Assert.Equal(3, world.Get<Health>(created[0]).Value);
        Assert.Equal(2, world.Count);
    }

    public static TheoryData<string, string> InvalidLastCommands => new()
    {
        { "destroyed", "the entity is not alive at that point" },
        { "add-present", "already has that component" },
        { "remove-absent", "has no such component" },
        { "set-absent", "has no such component" },
        { "stale", "the entity is not alive at that point" },
        { "foreign-placeholder", "the entity is not alive at that point" },
    };

    [Theory]
    [MemberData(nameof(InvalidLastCommands))]
    public void Invalid_command_anywhere_throws_naming_it_and_applies_nothing(string kind, string reason)
    {
        using var world = new World();
        Entity a = world.Create(new Position(1, 1));
        Entity dead = world.Create(new Position(2, 2));
        world.Destroy(dead);
        var buffer = new CommandBuffer();
        Entity p = buffer.Create(ComponentType.Of<Health>());
        buffer.Set(a, new Position(9, 9));
        buffer.Add(a, new Velocity(1, 1));
        buffer.Destroy(p);
        string expected;
        switch (kind)
        {
            case "destroyed":
                buffer.Set(p, new Health(1));
                expected = $"command 4 (Set {p} {typeof(Health).FullName})";
                break;
            case "add-present":
                buffer.Add(a, new Velocity(2, 2));
                expected = $"command 4 (Add {a} {typeof(Velocity).FullName})";
                break;
            case "remove-absent":
                buffer.Remove<Health>(a);
                expected = $"command 4 (Remove {a} {typeof(Health).FullName})";
                break;
            case "set-absent":
                buffer.Set(a, new Health(1));
                expected = $"command 4 (Set {a} {typeof(Health).FullName})";
                break;
            case "stale":
                buffer.Destroy(dead);
                expected = $"command 4 (Destroy {dead})";
                break;
            default:
                buffer.Destroy(new Entity(-7, 0));
                expected = "command 4 (Destroy Entity(-7, v0))";
                break;
        }

        buffer.Set(a, new Position(8, 8));
        var ex = Assert.Throws<InvalidOperationException>(() => buffer.Playback(world));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, world.Count);
        Assert.Equal(new Position(1, 1), world.Get<Position>(a));
        Assert.False(world.Has<Velocity>(a));
        Assert.Equal(6, buffer.Count);
    }

    [Fact]
    public void Invalid_first_command_also_applies_nothing()
    {
        using var world = new World();
        Entity a = world.Create(new Position(1, 1));
        var buffer = new CommandBuffer();
        buffer.Remove<Velocity>(a);
        buffer.Create(ComponentType.Of<Health>());
        buffer.Destroy(a);
        var ex = Assert.Throws<InvalidOperationException>(() => buffer.Playback(world));
        Assert.Contains("command 0 (Remove", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, world.Count);
        Assert.True(world.IsAlive(a));
    }

    [Fact]
    public void Playback_during_query_throws()
    {
        using var world = new World();
        world.Create(new Health(1));
        var buffer = new CommandBuffer();
        buffer.Create(ComponentType.Of<Health>());
        foreach (Chunk chunk in world.Query(new QueryDescription()))
        {
            var ex = Assert.Throws<InvalidOperationException>(() => buffer.Playback(world));
            Assert.Contains("query is running", ex.Message, StringComparison.Ordinal);
        }

        Assert.Single(buffer.Playback(world));
        Assert.Equal(2, world.Count);
    }

    [Fact]
    public void Recording_values_of_wrong_size_throws_immediately()
    {
        var buffer = new CommandBuffer();
        var ex = Assert.Throws<ArgumentException>(() => buffer.Set<float>(new Entity(0, 1), Weights, [1, 2]));
        Assert.Contains("holds 3 elements of 4 bytes; 2 elements of 4 bytes were given", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, buffer.Count);
    }
}
