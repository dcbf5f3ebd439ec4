using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>The per-row schedule: decision periods and a budget covering inference and training together
/// (<see cref="TickSchedule"/>); blocks are then runs of served rows that all train or all only infer.</summary>
internal sealed partial class BlockPlan
{
    private readonly TickSchedule _schedule = new();
    private bool[] _blockTrains = new bool[64];
    private bool _scheduled;
    private long _decidedVersion;
    private long _tick;
    private PipelineOptions? _options;
    private int _parallelism;

    /// <summary>The clock block costs are measured with.</summary>
    public ITickClock Clock { get; private set; } = StopwatchClock.Instance;

    /// <summary>Model entities this tick inferred (all of them unless the schedule is on).</summary>
    public int EntitiesInferred => _scheduled ? _schedule.Inferred : EntityCount;

    /// <summary>Model entities due this tick that the budget deferred to a later one.</summary>
    public int EntitiesDeferred => _scheduled ? _schedule.Deferred : 0;

    /// <summary>Starts tick <paramref name="tick"/> (0-based): with a budget or decision periods, decides which
    /// entities it serves and trains.</summary>
    /// <exception cref="ModelDataException">A decision period is below 1 or its phase outside it (nothing changed).</exception>
    public void BeginTick(World world, long tick, PipelineOptions options, int parallelism)
    {
        EntitiesTrained = -1;
        RefreshModels(world);
        bool periods = false;
        foreach ((Archetype archetype, _) in _models)
        {
            periods |= archetype.Has(ComponentType.Of<DecisionPeriod>());
        }

        Clock = options.Clock;
        _scheduled = periods || options.TrainingBudget is not null;
        (_tick, _options, _parallelism) = (tick, options, parallelism);
        if (_scheduled)
        {
            Decide(world);
        }
    }

    /// <summary>Ends the tick: the whole tick took <paramref name="ticks"/> (<see cref="Clock"/> units).</summary>
    public void EndTick(long ticks)
    {
        if (_scheduled)
        {
            _schedule.Costs.RecordTick(ticks);
        }
    }

    private void Decide(World world)
    {
        _schedule.Decide(_models, world, _tick, _options!.TrainingBudget, _parallelism, Clock);
        _decidedVersion = world.StructureVersion;
    }

    /// <summary>Blocks of at most about a quarter of a worker's share of served rows, never across chunks, each all
    /// training or all inference-only. A world system that changed the world's structure mid-tick moved the rows:
    /// the tick is then decided again. Walks the served rows only: the row at position <c>p</c> of an archetype whose
    /// rows start at position <c>a</c> is row <c>(p - a) mod ChunkCapacity</c> of chunk <c>(p - a) / ChunkCapacity</c>
    /// (every chunk but the last is full).</summary>
    private void BuildScheduled(World world, int parallelism)
    {
        if (world.StructureVersion != _decidedVersion)
        {
            Decide(world);
        }

        ReadOnlySpan<int> served = _schedule.ServedPositions;
        int rowsPerPiece = Math.Max(1, (served.Length + (parallelism * 4) - 1) / (parallelism * 4));
        int count = 0;
        int i = 0;
        int archetypeStart = 0;
        foreach ((Archetype archetype, ModelSpec spec) in _models)
        {
            int end = archetypeStart + archetype.EntityCount;
            while (i < served.Length && served[i] < end)
            {
                int archetypeRow = served[i] - archetypeStart;
                Chunk chunk = archetype.GetChunk(archetypeRow / archetype.ChunkCapacity);
                int start = archetypeRow % archetype.ChunkCapacity;
                bool trains = _schedule.Trains(served[i]);
                int length = 1;
                while (i + length < served.Length && served[i + length] == served[i] + length && start + length < chunk.Count
                    && length < rowsPerPiece && _schedule.Trains(served[i + length]) == trains)
                {
                    length++;
                }

                AddBlock(count++, new ChunkRange(chunk, start, length), spec, archetypeRow, trains);
                i += length;
            }

            archetypeStart = end;
        }

        Count = count;
        EntityCount = archetypeStart;
    }

    private void AddBlock(int index, ChunkRange range, ModelSpec spec, int archetypeRow, bool trains)
    {
        if (index == _ranges.Length)
        {
            Array.Resize(ref _ranges, index * 2);
        }

        if (index >= _specs.Length || index >= _blockTrains.Length)
        {
            Array.Resize(ref _specs, _ranges.Length);
            Array.Resize(ref _rows, _ranges.Length);
            Array.Resize(ref _blockTrains, _ranges.Length);
        }

        _ranges[index] = range;
        _specs[index] = spec;
        _rows[index] = archetypeRow;
        _blockTrains[index] = trains;
    }
}
