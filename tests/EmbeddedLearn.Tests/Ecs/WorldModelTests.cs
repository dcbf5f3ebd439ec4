using System.Runtime.InteropServices;
using CsCheck;
using EmbeddedLearn.Ecs;
using Xunit;

namespace EmbeddedLearn.Tests.Ecs;

/// Random operation sequences applied to a World and to a plain dictionary model; the full state is compared
/// after every step.
public class WorldModelTests
{
    private const int OpsPerSequence = 250;
    private const int Sequences = 48;

    private static readonly ComponentType[] Types =
    [
        ComponentType.Of<Position>(),
        ComponentType.Of<Health>(),
        ComponentType.Of<Velocity>(),
        ComponentType.Of<Marker>(),
        ComponentType.Array<float>("model-tests.floats", 3),
        ComponentType.Array<double>("model-tests.doubles", 2),
    ];

    private static readonly Gen<Op> GenOp = Gen.Select(
        Gen.Int[0, 13], Gen.Int[0, 1 << 20], Gen.Int[0, (1 << Types.Length) - 1], Gen.Int[0, Types.Length - 1], Gen.Int,
        (kind, pick, mask, type, value) => new Op(kind, pick, mask, type, value));

    [Fact]
    public void Random_operations_agree_with_a_dictionary_model()
    {
        long performed = 0;
        long invalid = 0;
        GenOp.Array[OpsPerSequence].Sample(ops =>
        {
            var run = new ModelRun();
            foreach (Op op in ops)
            {
                run.Apply(op);
                run.AssertSameState();
            }

            run.World.Dispose();
            Interlocked.Add(ref performed, ops.Length);
            Interlocked.Add(ref invalid, run.Invalid);
        }, iter: Sequences, threads: 1);

        Assert.True(performed >= 10_000, $"only {performed} operations");
        Assert.True(invalid >= 500, $"only {invalid} invalid operations");
    }

    internal readonly record struct Op(int Kind, int Pick, int Mask, int Type, int Value);

    private sealed class ModelRun
    {
        private readonly Dictionary<Entity, Dictionary<ComponentType, byte[]>> _model = [];
        private readonly List<Entity> _known = [];

        public World World { get; } = new();

        public int Invalid { get; private set; }

        public void Apply(Op op)
        {
            switch (op.Kind)
            {
                case <= 2: Create(op.Mask); break;
                case 3: BulkCreate(op.Mask, op.Value & 63); break;
                case <= 5: Destroy(Pick(op.Pick)); break;
                case <= 7: Add(Pick(op.Pick), Types[op.Type], op.Value); break;
                case <= 9: Remove(Pick(op.Pick), Types[op.Type]); break;
                case <= 11: Set(Pick(op.Pick), Types[op.Type], op.Value); break;
                default: Query(Types[op.Type], Types[op.Mask % Types.Length]); break;
            }
        }

        public void AssertSameState()
        {
            Assert.Equal(_model.Count, World.Count);
            Assert.Equal(_model.Count, World.Archetypes.Sum(a => a.EntityCount));
            foreach (Entity e in _known)
            {
                Assert.Equal(_model.ContainsKey(e), World.IsAlive(e));
            }

            foreach ((Entity e, Dictionary<ComponentType, byte[]> components) in _model)
            {
                ComponentType[] actual = World.GetComponentTypes(e).ToArray();
                Assert.Equal(components.Keys.OrderBy(t => t.Id), actual);
                foreach ((ComponentType type, byte[] bytes) in components)
                {
                    Assert.True(World.GetBytes(e, type).SequenceEqual(bytes), $"{e} {type}");
                }
            }

            var seen = new HashSet<Entity>();
            foreach (Chunk chunk in World.Query(new QueryDescription()))
            {
                foreach (Entity e in chunk.Entities)
                {
                    Assert.True(seen.Add(e));
                    Assert.Same(chunk.Archetype, World.GetArchetype(e));
                }
            }

            Assert.True(seen.SetEquals(_model.Keys));
        }

        private Entity Pick(int pick) =>
            _known.Count == 0 || pick % 23 == 0 ? new Entity(pick % 5, 1 + (pick % 3)) : _known[pick % _known.Count];

        private static ComponentType[] TypesOf(int mask) => [.. Types.Where((_, i) => (mask & (1 << i)) != 0)];

        private void Track(Entity e, ComponentType[] types)
        {
            Assert.False(_model.ContainsKey(e));
            Assert.True(World.IsAlive(e));
            _model[e] = types.ToDictionary(t => t, t => new byte[t.ByteSize]);
            _known.Add(e);
        }

        private void Create(int mask)
        {
            ComponentType[] types = TypesOf(mask);
            Track(World.Create(types), types);
        }

        private void BulkCreate(int mask, int count)
        {
            ComponentType[] types = TypesOf(mask);
            foreach (Entity e in World.Create(new Signature(types), count))
            {
                Track(e, types);
            }
        }

        private void Destroy(Entity e)
        {
            if (!_model.Remove(e))
            {
                Refused(() => World.Destroy(e));
                return;
            }

            World.Destroy(e);
        }

        private void Add(Entity e, ComponentType type, int value)
        {
            if (!_model.TryGetValue(e, out Dictionary<ComponentType, byte[]>? components) || components.ContainsKey(type))
            {
                Refused(() => World.Add(e, type));
                return;
            }

            byte[] bytes = Bytes(type, value);
            if (type == ComponentType.Of<Health>())
            {
                World.Add(e, new Health(value));
            }
            else if (type.ElementType == typeof(float))
            {
                World.Add<float>(e, type, MemoryMarshal.Cast<byte, float>(bytes));
            }
            else
            {
                World.Add(e, type);
                bytes.CopyTo(World.GetBytes(e, type));
            }

            components[type] = bytes;
        }

        private void Remove(Entity e, ComponentType type)
        {
            if (!_model.TryGetValue(e, out Dictionary<ComponentType, byte[]>? components) || !components.Remove(type))
            {
                Refused(() => World.Remove(e, type));
                return;
            }

            World.Remove(e, type);
        }

        private void Set(Entity e, ComponentType type, int value)
        {
            byte[] bytes = Bytes(type, value);
            if (!_model.TryGetValue(e, out Dictionary<ComponentType, byte[]>? components) || !components.ContainsKey(type))
            {
                Refused(() => World.GetBytes(e, type));
                if (type == ComponentType.Of<Health>())
                {
                    Refused(() => World.Set(e, new Health(value)));
                }

                return;
            }

            if (type == ComponentType.Of<Health>())
            {
                World.Set(e, new Health(value));
            }
            else if (type.ElementType == typeof(double))
            {
                World.Set<double>(e, type, MemoryMarshal.Cast<byte, double>(bytes));
            }
            else
            {
                bytes.CopyTo(World.GetBytes(e, type));
            }

            components[type] = bytes;
        }

        private void Query(ComponentType all, ComponentType none)
        {
            QueryDescription description = all == none
                ? new QueryDescription().WithExclusive(all)
                : new QueryDescription().WithAll(all).WithNone(none);
            int expectedCount = _model.Values.Count(c => all == none ? c.Count == 1 && c.ContainsKey(all) : c.ContainsKey(all) && !c.ContainsKey(none));
            Assert.Equal(expectedCount, World.CountEntities(description));

            long expectedSum = _model.Values.Where(c => c.ContainsKey(all) && (all == none ? c.Count == 1 : !c.ContainsKey(none)))
                .Sum(c => c[all].Sum(b => (long)b));
            long sum = 0;
            int visited = 0;
            foreach (Chunk chunk in World.Query(description))
            {
                Span<byte> column = SpanOf(chunk, all);
                Assert.Equal(chunk.Count * all.ByteSize, column.Length);
                foreach (byte b in column)
                {
                    sum += b;
                }

                visited += chunk.Count;
            }

            Assert.Equal(expectedCount, visited);
            Assert.Equal(expectedSum, sum);

            var health = new SumHealth();
            World.InlineQuery<SumHealth, Health>(new QueryDescription().WithAll<Health>(), ref health);
            Assert.Equal(_model.Values.Where(c => c.ContainsKey(Types[1])).Sum(c => (long)BitConverter.ToInt32(c[Types[1]])), health.Total);
        }

        private static Span<byte> SpanOf(Chunk chunk, ComponentType type) => type.ElementSize switch
        {
            4 => MemoryMarshal.AsBytes(chunk.GetSpan<int>(type)),
            8 => MemoryMarshal.AsBytes(chunk.GetSpan<long>(type)),
            _ => chunk.GetSpan<byte>(type),
        };

        private void Refused(Action action)
        {
            Assert.Throws<InvalidOperationException>(action);
            Invalid++;
        }

        private static byte[] Bytes(ComponentType type, int value)
        {
            if (type == ComponentType.Of<Health>())
            {
                return BitConverter.GetBytes(value);
            }

            var bytes = new byte[type.ByteSize];
            var random = new Random(value);
            random.NextBytes(bytes);
            return bytes;
        }
    }

    private struct SumHealth : IForEach<Health>
    {
        public long Total;

        public void Update(ref Health c0) => Total += c0.Value;
    }
}
