using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class QueryDescriptionTests
{
    private static readonly ComponentType Pos = ComponentType.Of<Position>();
    private static readonly ComponentType Vel = ComponentType.Of<Velocity>();
    private static readonly ComponentType Hp = ComponentType.Of<Health>();

    private static World Populate()
    {
        var world = new World();
        world.Create(new Signature(Pos), 3);
        world.Create(new Signature(Pos, Vel), 5);
        world.Create(new Signature(Pos, Hp), 7);
        world.Create(new Signature(Vel, Hp), 11);
        world.Create(new Signature(Pos, Vel, Hp), 13);
        return world;
    }

    [Fact]
    public void Empty_description_matches_everything()
    {
        using World world = Populate();
        Assert.Equal(39, world.CountEntities(new QueryDescription()));
    }

    [Fact]
    public void WithAll_requires_every_type()
    {
        using World world = Populate();
        Assert.Equal(3 + 5 + 7 + 13, world.CountEntities(new QueryDescription().WithAll<Position>()));
        Assert.Equal(5 + 13, world.CountEntities(new QueryDescription().WithAll<Position, Velocity>()));
        Assert.Equal(13, world.CountEntities(new QueryDescription().WithAll<Position, Velocity, Health>()));
    }

    [Fact]
    public void WithAny_requires_at_least_one()
    {
        using World world = Populate();
        Assert.Equal(5 + 7 + 11 + 13, world.CountEntities(new QueryDescription().WithAny<Velocity, Health>()));
        Assert.Equal(5 + 13, world.CountEntities(new QueryDescription().WithAll<Position>().WithAny(Vel)));
    }

    [Fact]
    public void WithNone_excludes()
    {
        using World world = Populate();
        Assert.Equal(3 + 7, world.CountEntities(new QueryDescription().WithAll<Position>().WithNone<Velocity>()));
        Assert.Equal(3, world.CountEntities(new QueryDescription().WithNone(Vel, Hp)));
    }

    [Fact]
    public void WithExclusive_matches_only_the_exact_set()
    {
        using World world = Populate();
        Assert.Equal(5, world.CountEntities(new QueryDescription().WithExclusive(Vel, Pos)));
        Assert.Equal(3, world.CountEntities(new QueryDescription().WithExclusive(Pos)));
        Assert.Equal(0, world.CountEntities(new QueryDescription().WithExclusive(Hp)));
    }

    [Fact]
    public void Descriptions_are_immutable()
    {
        var baseDescription = new QueryDescription().WithAll<Position>();
        QueryDescription narrowed = baseDescription.WithNone<Velocity>();
        Assert.Equal(0, baseDescription.None.Count);
        Assert.Equal(1, narrowed.None.Count);
        Assert.Null(baseDescription.Exclusive);
    }
}
