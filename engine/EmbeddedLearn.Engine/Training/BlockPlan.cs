using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// The blocks a run of block stages covers this tick, and which of them train: every model archetype of the world
/// split into row ranges (blocks), in archetype then row order, all training; or, with decision periods or a
/// <see cref="PipelineOptions.TrainingBudget"/>, the served rows of the tick's schedule (BlockPlan.Schedule.cs).
/// Both executors run this plan: the CPU one block by block, the OpenCL one as per-entity flags.
/// </summary>
internal sealed partial class BlockPlan
{
    private readonly List<(Archetype Archetype, ModelSpec Spec)> _models = [];
    private World? _modelsWorld;
    private int _modelsArchetypeCount;
    private ChunkRange[] _ranges = new ChunkRange[64];
    private ModelSpec[] _specs = new ModelSpec[64];
    private int[] _rows = new int[64];
    private (World? World, long Structure, int Parallelism) _built;

    /// <summary>Model entities in the blocks.</summary>
    public int EntityCount { get; private set; }

    /// <summary>When the last check of this segment compared the <see cref="TrainingSettings"/> of every model entity
    /// with those the pipeline last found valid (every entity is in the blocks: no schedule), the pipeline's count of
    /// changes to what it remembers after that check; otherwise -1. Two checks with the same value saw the same settings
    /// bytes in every entity, so an executor that uploaded the settings after the first need not compare them again.</summary>
    public long SettingsGeneration { get; set; } = -1;

    /// <summary>The samples (<see cref="ModelData.Inputs"/>, <see cref="ModelData.Targets"/>) that the executor is to check
    /// for values that are not finite in this run (<see cref="TickExecutor.ChecksSamples"/>), or none when the pipeline
    /// checked them.</summary>
    public ModelData SampleChecks { get; set; }

    /// <summary>Whether this run is the tick's first admission (what <see cref="TickAdmission.MarkNonFinite"/> takes).</summary>
    public bool SampleChecksFirstOfTick { get; set; }

    /// <summary>When the executor is to reset the outcomes of every model entity itself as it gathers the samples
    /// (<see cref="TickExecutor.ResetsOutcomes"/>): the tick's set of admitted entities that
    /// <see cref="TickAdmission.ResetOutcomes"/> takes (with <see cref="SampleChecksFirstOfTick"/>); null when the
    /// pipeline did it.</summary>
    internal EntityBits? OutcomesToReset { get; set; }

    /// <summary>Whether this segment's blocks are the schedule's served rows rather than every model entity.</summary>
    public bool Scheduled => _scheduled;

    /// <summary>Blocks this segment.</summary>
    public int Count { get; private set; }

    /// <summary>Trainable entities in this tick's training window (the largest over the tick's segments), or -1
    /// before the first segment.</summary>
    public int EntitiesTrained { get; private set; } = -1;

    /// <summary>The model archetypes of the world and their specs.</summary>
    public List<(Archetype Archetype, ModelSpec Spec)> Models => _models; // a List: foreach over it does not box

    /// <summary>Block <paramref name="index"/>'s rows.</summary>
    public ChunkRange Range(int index) => _ranges[index];

    /// <summary>Block <paramref name="index"/>'s spec.</summary>
    public ModelSpec Spec(int index) => _specs[index];

    /// <summary>The index, within its archetype (chunk after chunk), of block <paramref name="index"/>'s first row.</summary>
    public int ArchetypeRow(int index) => _rows[index];

    /// <summary>Whether block <paramref name="index"/> trains in this segment (every block does unless scheduled).</summary>
    public bool Trains(int index) => !_scheduled || _blockTrains[index];

    /// <summary>Entities of block <paramref name="index"/>, when it trains this tick, which sat it out
    /// (<see cref="TickOutcome.SitsOut"/>: left out for bad data, or waiting for data). Read right after a run of block
    /// stages, while the ranges are valid.</summary>
    public int CountSittingOut(int index)
    {
        ChunkRange range = _ranges[index];
        if (!Trains(index) || !_specs[index].Trains(range.Archetype))
        {
            return 0;
        }

        int count = 0;
        foreach (ref readonly TrainingState state in range.GetSpan<TrainingState>())
        {
            count += (state.Outcome & TickOutcome.SitsOut) != 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>Finds the model archetypes of <paramref name="world"/> (cached until archetypes are added).</summary>
    public void RefreshModels(World world)
    {
        if (ReferenceEquals(world, _modelsWorld) && world.Archetypes.Count == _modelsArchetypeCount)
        {
            return;
        }

        _models.Clear();
        IReadOnlyList<Archetype> archetypes = world.Archetypes;
        for (int a = 0; a < archetypes.Count; a++)
        {
            ModelSpec? spec = ModelSpec.Find(archetypes[a]);
            if (spec is not null)
            {
                _models.Add((archetypes[a], spec));
            }
        }

        _modelsWorld = world;
        _modelsArchetypeCount = archetypes.Count;
    }

    /// <summary>Splits every model archetype into blocks: about four per unit of <paramref name="parallelism"/>,
    /// never across chunks.</summary>
    public void Build(World world, int parallelism)
    {
        RefreshModels(world);
        if (_scheduled)
        {
            _built = default;
            BuildScheduled(world, parallelism);
            return;
        }

        if (_built == (world, world.StructureVersion, parallelism))
        {
            return; // no entity moved since: the same blocks (walking every chunk again cost a cache miss per chunk)
        }

        _built = (world, world.StructureVersion, parallelism);

        int total = 0;
        foreach ((Archetype archetype, _) in _models)
        {
            total += archetype.EntityCount;
        }

        int targetPieces = Math.Max(1, parallelism) * 4;
        int rowsPerPiece = Math.Max(1, (total + targetPieces - 1) / targetPieces);
        int count = 0;
        foreach ((Archetype archetype, ModelSpec spec) in _models)
        {
            int before = count;
            count = ChunkRanges.Append(archetype, rowsPerPiece, ref _ranges, count);
            if (_specs.Length < _ranges.Length)
            {
                Array.Resize(ref _specs, _ranges.Length);
                Array.Resize(ref _rows, _ranges.Length);
            }

            _specs.AsSpan(before, count - before).Fill(spec);
            int chunkBase = 0;
            for (int i = before; i < count; i++)
            {
                if (i > before && !ReferenceEquals(_ranges[i].Chunk, _ranges[i - 1].Chunk))
                {
                    chunkBase += _ranges[i - 1].Chunk.Count;
                }

                _rows[i] = chunkBase + _ranges[i].Start;
            }
        }

        Count = count;
        EntityCount = total;
    }

    /// <summary>Counts the trainable entities this segment trains (the schedule's, or every trainable one).</summary>
    public void PlanTraining(TimeSpan? budget)
    {
        Budgeted = budget is not null;
        if (_scheduled)
        {
            EntitiesTrained = _schedule.Trained;
            return;
        }

        int trained = 0;
        for (int i = 0; i < Count; i++)
        {
            if (_specs[i].Trains(_ranges[i].Archetype))
            {
                trained += _ranges[i].Length;
            }
        }

        EntitiesTrained = Math.Max(EntitiesTrained, trained);
    }

    /// <summary>Records the time (<see cref="Clock"/> units) block <paramref name="index"/> took, training or not;
    /// thread-safe. Only under a budget, which always runs the schedule.</summary>
    public void RecordBlock(int index, bool trained, long ticks) => _schedule.Costs.Record(trained, _ranges[index].Length, ticks);

    /// <summary>Whether this segment runs under a training budget (the executor then measures each block's cost).</summary>
    public bool Budgeted { get; private set; }

    /// <summary>Records a device's whole tick, <paramref name="ticks"/> (Stopwatch ticks of device time) for
    /// <paramref name="servedRows"/> served rows. A fused device tick cannot be split into inference and training: its
    /// time is charged to the rows it served as training rows (the schedule then takes inference to cost as much, the
    /// conservative reading). Nothing to do unless scheduled.</summary>
    public void RecordDeviceTick(long ticks, int servedRows)
    {
        if (_scheduled && ticks > 0 && servedRows > 0)
        {
            _schedule.Costs.Record(trained: true, servedRows, ticks);
            _schedule.Costs.Update();
        }
    }

    /// <summary>Folds this segment's measured block costs into the schedule's estimates.</summary>
    public void UpdateCosts()
    {
        if (_scheduled)
        {
            _schedule.Costs.Update();
        }
    }
}
