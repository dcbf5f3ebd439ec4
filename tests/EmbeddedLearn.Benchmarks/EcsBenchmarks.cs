using BenchmarkDotNet.Attributes;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Benchmarks;

/// <summary>The common ECS benchmark: 100,000 entities with components A and B, <c>a.Value += b.Value</c>.
/// Divide Mean by <see cref="EntityCount"/> for ns per entity.</summary>
[MemoryDiagnoser]
public class EcsBenchmarks : IDisposable
{
    public const int EntityCount = 100_000;

    private readonly QueryDescription _query = new QueryDescription().WithAll<A, B>();
    private World _world = null!;

    [GlobalSetup]
    public void Setup()
    {
        _world = new World();
        Entity[] entities = _world.Create(new Signature(ComponentType.Of<A>(), ComponentType.Of<B>()), EntityCount);
        for (int i = 0; i < entities.Length; i++)
        {
            _world.Set(entities[i], new B { Value = 1 });
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _world.Dispose();

    public void Dispose()
    {
        _world?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public void InlineQueryStruct()
    {
        var update = new AddB();
        _world.InlineQuery<AddB, A, B>(_query, ref update);
    }

    [Benchmark]
    public void ChunkSpans()
    {
        foreach (Chunk chunk in _world.Query(_query))
        {
            Span<A> a = chunk.GetSpan<A>();
            Span<B> b = chunk.GetSpan<B>()[..a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                a[i].Value += b[i].Value;
            }
        }
    }

    [Benchmark]
    public void ParallelChunkQuery() => _world.ParallelChunkQuery(_query, default(AddBJob), WorkerPool.Shared);

    internal struct A
    {
        public int Value;
    }

    internal struct B
    {
        public int Value;
    }

    private struct AddB : IForEach<A, B>
    {
        public void Update(ref A c0, ref B c1) => c0.Value += c1.Value;
    }

    private struct AddBJob : IChunkJob
    {
        public void Execute(in ChunkRange range)
        {
            Span<A> a = range.GetSpan<A>();
            Span<B> b = range.GetSpan<B>()[..a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                a[i].Value += b[i].Value;
            }
        }
    }
}
