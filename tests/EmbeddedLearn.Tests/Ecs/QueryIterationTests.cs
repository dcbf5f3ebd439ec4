using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

public class QueryIterationTests
{
    private static readonly QueryDescription PosVel = new QueryDescription().WithAll<Position, Velocity>();

    private static (World World, Entity[] Entities) Build(int count)
    {
        var world = new World();
        Entity[] entities = world.Create(new Signature(ComponentType.Of<Position>(), ComponentType.Of<Velocity>()), count);
        for (int i = 0; i < count; i++)
        {
            world.Set(entities[i], new Position(i, 0));
            world.Set(entities[i], new Velocity(1, i));
        }

        world.Create(new Position(-1, -1));
        return (world, entities);
    }

    [Fact]
    public void Chunk_foreach_gives_one_contiguous_span_per_component_per_chunk()
    {
        (World world, Entity[] entities) = Build(10_000);
        using (world)
        {
            int chunks = 0;
            int total = 0;
            foreach (Chunk chunk in world.Query(PosVel))
            {
                Span<Position> pos = chunk.GetSpan<Position>();
                Span<Velocity> vel = chunk.GetSpan<Velocity>();
                ReadOnlySpan<Entity> ids = chunk.Entities;
                Assert.Equal(chunk.Count, pos.Length);
                Assert.Equal(chunk.Count, vel.Length);
                Assert.Equal(chunk.Count, ids.Length);
                for (int i = 0; i < pos.Length; i++)
                {
                    Assert.Equal(entities[total + i], ids[i]);
                    Assert.Equal(total + i, pos[i].X);
                    Assert.Equal(total + i, vel[i].Y);
                }

                chunks++;
                total += chunk.Count;
            }

            Archetype archetype = world.GetArchetype(entities[0]);
            Assert.Equal(archetype.ChunkCount, chunks);
            Assert.True(chunks > 1);
            Assert.Equal(10_000, total);
        }
    }

    [Fact]
    public void Chunk_span_writes_are_visible_through_Get()
    {
        (World world, Entity[] entities) = Build(100);
        using (world)
        {
            foreach (Chunk chunk in world.Query(PosVel))
            {
                Span<Position> pos = chunk.GetSpan<Position>();
                ReadOnlySpan<Velocity> vel = chunk.GetSpan<Velocity>();
                for (int i = 0; i < pos.Length; i++)
                {
                    pos[i].X += vel[i].X;
                }
            }

            Assert.Equal(51f, world.Get<Position>(entities[50]).X);
            Assert.Equal(-1f, world.Get<Position>(new Entity(100, 1)).X);
        }
    }

    [Fact]
    public void InlineQuery_with_two_components_updates_every_entity()
    {
        (World world, Entity[] entities) = Build(10_000);
        using (world)
        {
            var move = new Move();
            world.InlineQuery<Move, Position, Velocity>(PosVel, ref move);
            Assert.Equal(10_000, move.Visited);
            for (int i = 0; i < entities.Length; i += 997)
            {
                Assert.Equal(i + 1f, world.Get<Position>(entities[i]).X);
                Assert.Equal(i, world.Get<Position>(entities[i]).Y);
            }
        }
    }

    [Fact]
    public void InlineQuery_with_one_component_sums()
    {
        (World world, _) = Build(1000);
        using (world)
        {
            var sum = new SumX();
            world.InlineQuery<SumX, Position>(new QueryDescription().WithAll<Position>(), ref sum);
            Assert.Equal((999.0 * 1000 / 2) - 1, sum.Total);
        }
    }

    [Fact]
    public void InlineEntityQuery_passes_handles()
    {
        (World world, Entity[] entities) = Build(5000);
        using (world)
        {
            var check = new CheckHandle { Expected = entities };
            world.InlineEntityQuery<CheckHandle, Position>(PosVel, ref check);
            Assert.Equal(5000, check.Visited);
            Assert.Equal(0, check.Mismatches);
        }
    }

    [Fact]
    public void InlineChunkQuery_hands_whole_chunks()
    {
        (World world, Entity[] entities) = Build(10_000);
        using (world)
        {
            var job = new CountRows();
            world.InlineChunkQuery(PosVel, ref job);
            Assert.Equal(10_000, job.Rows);
            Assert.Equal(world.GetArchetype(entities[0]).ChunkCount, job.Calls);
            Assert.Equal(0, job.PartialRanges);
        }
    }

    [Fact]
    public void Query_on_a_component_the_archetype_lacks_throws_naming_it()
    {
        (World world, _) = Build(10);
        using (world)
        {
            var sum = new SumVelX();
            var ex = Assert.Throws<InvalidOperationException>(() =>
                world.InlineQuery<SumVelX, Velocity>(new QueryDescription().WithAll<Position>(), ref sum));
            Assert.Contains(typeof(Velocity).FullName!, ex.Message, StringComparison.Ordinal);
            Assert.False(world.IsQueryRunning);
        }
    }

    private struct Move : IForEach<Position, Velocity>
    {
        public int Visited;

        public void Update(ref Position c0, ref Velocity c1)
        {
            c0.X += c1.X;
            c0.Y += c1.Y;
            Visited++;
        }
    }

    private struct SumX : IForEach<Position>
    {
        public double Total;

        public void Update(ref Position c0) => Total += c0.X;
    }

    private struct SumVelX : IForEach<Velocity>
    {
        public double Total;

        public void Update(ref Velocity c0) => Total += c0.X;
    }

    private struct CheckHandle : IForEachWithEntity<Position>
    {
        public Entity[] Expected;
        public int Visited;
        public int Mismatches;

        public void Update(Entity entity, ref Position c0)
        {
            if (Expected[(int)c0.X] != entity)
            {
                Mismatches++;
            }

            Visited++;
        }
    }

    private struct CountRows : IChunkJob
    {
        public int Rows;
        public int Calls;
        public int PartialRanges;

        public void Execute(in ChunkRange range)
        {
            if (range.Start != 0 || range.Length != range.Chunk.Count)
            {
                PartialRanges++;
            }

            Rows += range.GetSpan<Position>().Length;
            Calls++;
        }
    }
}
