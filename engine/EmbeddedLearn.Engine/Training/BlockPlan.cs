using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// The blocks a run of block stages covers this tick, and which of them train: every model archetype of the world
/// split into row ranges (blocks), in archetype then row order, and, under <see cref="PipelineOptions.TrainingBudget"/>,
/// a fair rotating window of blocks sized from the measured cost of a trained block and of an inference-only block.
/// Both executors run this plan: the CPU one block by block, the OpenCL one as row intervals of each archetype.
/// </summary>
internal sealed partial class BlockPlan
{
    /// <summary>Weight of the newest measurement in the running cost estimates.</summary>
    private const double CostSmoothing = 0.25;

    /// <summary>Share of the budget planned for, leaving room for the variation between ticks.</summary>
    private const double BudgetHeadroom = 0.85;

    private readonly List<(Archetype Archetype, ModelSpec Spec)> _models = [];
    private World? _modelsWorld;
    private int _modelsArchetypeCount;
    private ChunkRange[] _ranges = new ChunkRange[64];
    private ModelSpec[] _specs = new ModelSpec[64];
    private int[] _rows = new int[64];
    private int _trainCursor;
    private int _trainStart;
    private int _trainCount;
    private double _trainCost = -1;
    private double _inferCost;
    private long _trainTicks;
    private long _inferTicks;
    private int _trainBlocks;
    private int _inferBlocks;

    /// <summary>Model entities in the blocks.</summary>
    public int EntityCount { get; private set; }

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

    /// <summary>Whether block <paramref name="index"/> trains in this segment.</summary>
    public bool Trains(int index) =>
        _scheduled ? _blockTrains[index] : (index - _trainStart + Count) % Math.Max(1, Count) < _trainCount;

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
            BuildScheduled(world, parallelism);
            return;
        }

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

    /// <summary>Chooses the window of blocks that train in this segment. Without a budget every block trains; with
    /// one, as many as <paramref name="budget"/> fits given <paramref name="parallelism"/> workers.</summary>
    public void PlanTraining(TimeSpan? budget, int parallelism)
    {
        Budgeted = budget is not null;
        if (_scheduled)
        {
            EntitiesTrained = _schedule.Trained;
            return;
        }

        _trainStart = Count == 0 ? 0 : _trainCursor % Count;
        _trainCount = Count;
        if (budget is TimeSpan limit && Count > 0)
        {
            if (_trainCost < 0)
            {
                // No measurement yet: start with a few blocks per worker rather than risk a long first tick.
                _trainCount = Math.Min(Count, parallelism * 2);
            }
            else
            {
                double available = limit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency * parallelism * BudgetHeadroom;
                double extra = Math.Max(_trainCost - _inferCost, 1);
                double fits = (available - (_inferCost * Count)) / extra;
                _trainCount = (int)Math.Clamp(Math.Floor(fits), 1, Count);
            }

            _trainCursor = _trainStart + _trainCount;
        }

        int trained = 0;
        for (int i = 0; i < Count; i++)
        {
            if (Trains(i) && _specs[i].Trains(_ranges[i].Archetype))
            {
                trained += _ranges[i].Length;
            }
        }

        EntitiesTrained = Math.Max(EntitiesTrained, trained);
        _trainTicks = _inferTicks = 0;
        _trainBlocks = _inferBlocks = 0;
    }

    /// <summary>Records the time (<see cref="Clock"/> units) block <paramref name="index"/> took, training or not;
    /// thread-safe.</summary>
    public void RecordBlock(int index, bool trained, long ticks)
    {
        if (_scheduled)
        {
            _schedule.Costs.Record(trained, _ranges[index].Length, ticks);
        }
        else if (trained)
        {
            Interlocked.Add(ref _trainTicks, ticks);
            Interlocked.Increment(ref _trainBlocks);
        }
        else
        {
            Interlocked.Add(ref _inferTicks, ticks);
            Interlocked.Increment(ref _inferBlocks);
        }
    }

    /// <summary>Whether this segment runs under a training budget (the executor then measures each block's cost).</summary>
    public bool Budgeted { get; private set; }

    /// <summary>Blocks in this segment's training window.</summary>
    public int TrainingBlocks => _trainCount;

    /// <summary>Records a device's whole tick: <paramref name="ticks"/> (Stopwatch ticks of device time) for
    /// <paramref name="trainedBlocks"/> trained blocks and <paramref name="servedRows"/> served rows. The device runs
    /// inference fused with training, so its cost cannot be split: unscheduled, it is taken as part of a trained
    /// block's (inference is not budgeted separately); scheduled, as the cost of training the served rows.</summary>
    public void RecordDeviceTick(long ticks, int trainedBlocks, int servedRows)
    {
        if (_scheduled)
        {
            // A fused device tick cannot be split into inference and training: its time is charged to the rows it
            // served as training rows (the schedule then takes inference to cost as much, the conservative reading).
            if (ticks > 0 && servedRows > 0)
            {
                _schedule.Costs.Record(trained: true, servedRows, ticks);
                _schedule.Costs.Update();
            }

            return;
        }

        if (trainedBlocks <= 0 || ticks <= 0)
        {
            return;
        }

        _trainTicks = ticks;
        _trainBlocks = trainedBlocks;
        _inferTicks = 0;
        _inferBlocks = 0;
        UpdateCosts();
    }

    /// <summary>Folds this segment's measured block costs into the running estimates.</summary>
    public void UpdateCosts()
    {
        if (_scheduled)
        {
            _schedule.Costs.Update();
            return;
        }

        if (_trainBlocks > 0)
        {
            double cost = (double)_trainTicks / _trainBlocks;
            _trainCost = _trainCost < 0 ? cost : _trainCost + (CostSmoothing * (cost - _trainCost));
        }

        if (_inferBlocks > 0)
        {
            _inferCost += CostSmoothing * (((double)_inferTicks / _inferBlocks) - _inferCost);
        }
    }
}
