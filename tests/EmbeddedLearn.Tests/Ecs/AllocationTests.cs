using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class AllocationTests
{
    private const int Entities = 100_000;

    /// <summary>Calls before measuring: past tiered compilation's call-count threshold and on-stack replacement of the
    /// loops, whose compilation on the calling thread once counted 7,880 bytes in CI when a single warm-up call was made.</summary>
    private const int WarmUpCalls = 200;

    /// <summary>Measured calls: an allocation made every call shows 10 times over.</summary>
    private const int MeasuredCalls = 10;

    private static readonly QueryDescription PosVel = new QueryDescription().WithAll<Position, Velocity>();

    [Fact]
    public void InlineQuery_with_struct_callback_allocates_nothing()
    {
        using World world = Build();
        var move = new Move();
        for (int i = 0; i < WarmUpCalls; i++)
        {
            world.InlineQuery<Move, Position, Velocity>(PosVel, ref move);
        }

        move = default;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < MeasuredCalls; i++)
        {
            world.InlineQuery<Move, Position, Velocity>(PosVel, ref move);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(MeasuredCalls * Entities, move.Visited);
    }

    [Fact]
    public void InlineChunkQuery_allocates_nothing()
    {
        using World world = Build();
        var job = new MoveJob();
        for (int i = 0; i < WarmUpCalls; i++)
        {
            world.InlineChunkQuery(PosVel, ref job);
        }

        job = default;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < MeasuredCalls; i++)
        {
            world.InlineChunkQuery(PosVel, ref job);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(MeasuredCalls * Entities, job.Rows);
    }

    [Fact]
    public void Chunk_foreach_allocates_nothing()
    {
        using World world = Build();
        for (int i = 0; i < WarmUpCalls; i++)
        {
            ChunkLoop(world);
        }

        int rows = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < MeasuredCalls; i++)
        {
            rows += ChunkLoop(world);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(MeasuredCalls * Entities, rows);
    }

    [Fact]
    public void ParallelChunkQuery_allocates_nothing_on_the_calling_thread_once_warm()
    {
        using var pool = new WorkerPool(2);
        using World world = Build();
        // Warm up past tiered compilation's call-count threshold (as the training allocation tests do): with three
        // warm-up calls the measured one now and then ran while the JIT was still settling and counted 24 bytes.
        for (int i = 0; i < WarmUpCalls; i++)
        {
            world.ParallelChunkQuery(PosVel, new ParallelMove(), pool);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        world.ParallelChunkQuery(PosVel, new ParallelMove(), pool);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(201f, world.Get<Position>(new Entity(0, 1)).X); // 200 warm-up moves and the measured one, 1 each
    }

    private static World Build()
    {
        var world = new World();
        Entity[] entities = world.Create(new Signature(ComponentType.Of<Position>(), ComponentType.Of<Velocity>()), Entities);
        foreach (Entity e in entities)
        {
            world.Set(e, new Velocity(1, 2));
        }

        // A non-matching archetype the loops must skip.
        world.Create(new Signature(ComponentType.Of<Health>()), 10);
        return world;
    }

    private static int ChunkLoop(World world)
    {
        int rows = 0;
        foreach (Chunk chunk in world.Query(PosVel))
        {
            Span<Position> pos = chunk.GetSpan<Position>();
            ReadOnlySpan<Velocity> vel = chunk.GetSpan<Velocity>();
            for (int i = 0; i < pos.Length; i++)
            {
                pos[i].X += vel[i].X;
            }

            rows += pos.Length;
        }

        return rows;
    }

    private struct Move : IForEach<Position, Velocity>
    {
        public int Visited;

        public void Update(ref Position c0, ref Velocity c1)
        {
            c0.X += c1.X;
            Visited++;
        }
    }

    private struct MoveJob : IChunkJob
    {
        public int Rows;

        public void Execute(in ChunkRange range)
        {
            Span<Position> pos = range.GetSpan<Position>();
            ReadOnlySpan<Velocity> vel = range.GetSpan<Velocity>();
            for (int i = 0; i < pos.Length; i++)
            {
                pos[i].X += vel[i].Y;
            }

            Rows += pos.Length;
        }
    }

    private readonly struct ParallelMove : IChunkJob
    {
        public void Execute(in ChunkRange range)
        {
            Span<Position> pos = range.GetSpan<Position>();
            ReadOnlySpan<Velocity> vel = range.GetSpan<Velocity>();
            for (int i = 0; i < pos.Length; i++)
            {
                pos[i].X += vel[i].X;
            }
        }
    }
}
