using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

/// <summary><see cref="Archetype.WriteVersion"/> moves with every way of taking write access to a column, and only with those.</summary>
public sealed class WriteVersionTests
{
    private static readonly ComponentType HealthType = ComponentType.Of<Health>();
    private static readonly ComponentType PositionType = ComponentType.Of<Position>();

    [Fact]
    public void Reads_leave_the_version_alone()
    {
        using var world = new World();
        Entity e = world.Create(new Health(7), new Position(1, 2));
        Chunk chunk = OnlyChunk(world);
        long before = chunk.Archetype.WriteVersion(HealthType);

        Assert.Equal(7, chunk.GetReadOnlySpan<Health>()[0].Value);
        Assert.Equal(7, chunk.GetReadOnlySpan<Health>(HealthType, 0, 1)[0].Value);
        Assert.True(world.TryGet(e, out Health read));
        Assert.Equal(7, read.Value);
        Assert.True(world.Has<Health>(e));

        Assert.Equal(before, chunk.Archetype.WriteVersion(HealthType));
    }

    [Fact]
    public void Every_writable_access_moves_the_version_of_its_own_column_only()
    {
        using var world = new World();
        Entity e = world.Create(new Health(7), new Position(1, 2));
        Chunk chunk = OnlyChunk(world);
        var query = new QueryDescription().WithAll<Health>();
        var bump = new Bump();
        Action[] writes =
        [
            () => chunk.GetSpan<Health>()[0].Value++,
            () => chunk.GetSpan<Health>(HealthType)[0].Value++,
            () => world.Get<Health>(e).Value++,
            () => world.Set(e, new Health(9)),
            () => world.GetSpan<Health>(e, HealthType)[0].Value++,
            () => world.GetBytes(e, HealthType)[0]++,
            () => world.InlineQuery<Bump, Health>(query, ref bump),
            () => world.ParallelChunkQuery(query, new BumpChunks()),
        ];

        foreach (Action write in writes)
        {
            long health = chunk.Archetype.WriteVersion(HealthType);
            long position = chunk.Archetype.WriteVersion(PositionType);
            write();
            Assert.NotEqual(health, chunk.Archetype.WriteVersion(HealthType));
            Assert.Equal(position, chunk.Archetype.WriteVersion(PositionType));
        }
    }

    [Fact]
    public void A_missing_component_is_refused_by_name()
    {
        using var world = new World();
        world.Create(new Health(7));
        var ex = Assert.Throws<InvalidOperationException>(() => OnlyChunk(world).Archetype.WriteVersion(PositionType));
        Assert.Contains(typeof(Position).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.Contains("is not in archetype", ex.Message, StringComparison.Ordinal);
    }

    private static Chunk OnlyChunk(World world)
    {
        Chunk? only = null;
        foreach (Chunk chunk in world.Query(new QueryDescription().WithAll<Health>()))
        {
            Assert.Null(only);
            only = chunk;
        }

        return Assert.IsType<Chunk>(only);
    }

    private struct Bump : IForEach<Health>
    {
        public void Update(ref Health c0) => c0.Value++;
    }

    private readonly struct BumpChunks : IChunkJob
    {
        public void Execute(in ChunkRange range) => range.GetSpan<Health>()[0].Value++;
    }
}
