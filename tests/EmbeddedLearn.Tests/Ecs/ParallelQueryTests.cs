using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class ParallelQueryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Every_entity_is_visited_exactly_once(int threads)
    {
        using var pool = new WorkerPool(threads);
        using var world = new World();
        Entity[] entities = world.Create(new Signature(ComponentType.Of<Health>(), ComponentType.Of<Position>()), 50_000);
        world.Create(new Signature(ComponentType.Of<Health>()), 7_000);
        var visits = new int[entities.Length + 7_000];
        for (int i = 0; i < entities.Length; i++)
        {
            world.Set(entities[i], new Position(i, 0));
        }

        world.ParallelChunkQuery(new QueryDescription().WithAll<Health>(), new MarkVisits(visits, world), pool);
        Assert.All(visits, v => Assert.Equal(1, v));
        Assert.False(world.IsQueryRunning);
    }

    [Fact]
    public void Results_are_identical_for_1_2_and_4_threads()
    {
        float[][] results = [Run(1), Run(2), Run(4)];
        Assert.Equal(results[0], results[1]);
        Assert.Equal(results[0], results[2]);
        float x = (5 * 0.25f) + 0.5f;
        Assert.Equal((x * 3) + (MathF.Sqrt(x) * 3), results[0][5]);
    }

    [Fact]
    public void Exception_in_a_job_propagates_and_releases_the_query_lock()
    {
        using var pool = new WorkerPool(2);
        using var world = new World();
        world.Create(new Signature(ComponentType.Of<Health>()), 10_000);
        var ex = Assert.Throws<InvalidOperationException>(() =>
            world.ParallelChunkQuery(new QueryDescription(), new Throwing(), pool));
        Assert.Equal("boom", ex.Message);
        Assert.False(world.IsQueryRunning);
        world.Create(ComponentType.Of<Health>());
        Assert.Equal(10_001, world.Count);
    }

    private static float[] Run(int threads)
    {
        using var pool = new WorkerPool(threads);
        using var world = new World();
        Entity[] entities = world.Create(new Signature(ComponentType.Of<Position>(), ComponentType.Of<Velocity>()), 30_000);
        for (int i = 0; i < entities.Length; i++)
        {
            world.Set(entities[i], new Position(i, 0));
            world.Set(entities[i], new Velocity(0.5f, 3));
        }

        world.ParallelChunkQuery(new QueryDescription().WithAll<Position, Velocity>(), new Integrate(), pool);
        return [.. entities.Select(e => world.Get<Position>(e).X * 3 + world.Get<Position>(e).Y)];
    }

    private readonly struct MarkVisits(int[] visits, World world) : IChunkJob
    {
        public void Execute(in ChunkRange range)
        {
            ReadOnlySpan<Entity> ids = range.Entities;
            for (int i = 0; i < ids.Length; i++)
            {
                int slot = world.Has<Position>(ids[i]) ? (int)world.Get<Position>(ids[i]).X : ids[i].Id;
                Interlocked.Increment(ref visits[slot]);
            }
        }
    }

    private readonly struct Integrate : IChunkJob
    {
        public void Execute(in ChunkRange range)
        {
            Span<Position> pos = range.GetSpan<Position>();
            ReadOnlySpan<Velocity> vel = range.GetSpan<Velocity>();
            for (int i = 0; i < pos.Length; i++)
            {
                pos[i].X = (pos[i].X * 0.25f) + vel[i].X;
                pos[i].Y = MathF.Sqrt(pos[i].X) * vel[i].Y;
            }
        }
    }

    private readonly struct Throwing : IChunkJob
    {
        public void Execute(in ChunkRange range) => throw new InvalidOperationException("boom");
    }
}
