using System.Diagnostics;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Training;

/// <summary>
/// The per-tick training system: an ordered list of stages run over every model entity of a world. The default
/// is <c>ZeroGrad -> Forward -> MseLoss -> Backward -> SgdStep -> AdamStep</c>; a game may reorder, drop or add
/// stages (its own <see cref="IBlockStage"/>s or <see cref="IWorldSystem"/>s). Consecutive block stages run
/// chunk-major (all of them on one cache-sized block of entities, then the next), blocks spread over
/// <see cref="PipelineOptions.Threads"/> threads. Every tick validates the entities first and refuses to run,
/// changing nothing, when one is invalid. A steady-state tick allocates nothing.
/// </summary>
public sealed partial class TrainingPipeline : IDisposable
{
    [ThreadStatic]
    private static float[]? t_scratch;

    private readonly IPipelineStage[] _stages;
    private readonly WorkerPool _pool;
    private readonly SegmentBatch _batch;
    private readonly long[] _stageTicks;
    private readonly bool _checkInputs;
    private readonly bool _checkTraining;
    private readonly List<(Archetype Archetype, ModelSpec Spec)> _models = [];
    private World? _modelsWorld;
    private int _modelsArchetypeCount;
    private ChunkRange[] _ranges = new ChunkRange[64];
    private ModelSpec[] _rangeSpecs = new ModelSpec[64];
    private int _rangeCount;
    private long _ticks;

    /// <summary>Creates a pipeline running <paramref name="stages"/> in order.</summary>
    /// <exception cref="ArgumentException">A stage is null or the thread count is below 1.</exception>
    public TrainingPipeline(IEnumerable<IPipelineStage> stages, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        options ??= new PipelineOptions();
        _stages = [.. stages];
        if (Array.IndexOf(_stages, null) >= 0)
        {
            throw new ArgumentException("A pipeline stage is null.", nameof(stages));
        }

        if (options.Threads < 1)
        {
            throw new ArgumentException("PipelineOptions.Threads must be at least 1; got " + options.Threads + ".", nameof(options));
        }

        Options = options;
        _pool = new WorkerPool(options.Threads);
        _batch = new SegmentBatch(this);
        _stageTicks = new long[_stages.Length];
        _checkInputs = _stages.Any(s => s is ForwardStage);
        _checkTraining = _stages.Any(s => s is MseLossStage or BackwardStage or SgdStepStage or AdamStepStage);
        LastReport = new TickReport(_stages);
    }

    /// <summary>The stages, in order.</summary>
    public IReadOnlyList<IPipelineStage> Stages => _stages;

    /// <summary>The options the pipeline was created with.</summary>
    public PipelineOptions Options { get; }

    /// <summary>The report of the last tick (the same instance every tick).</summary>
    public TickReport LastReport { get; }

    /// <summary>The full training tick: ZeroGrad, Forward, MseLoss, Backward, SgdStep, AdamStep.</summary>
    public static List<IPipelineStage> DefaultStages() =>
        [new ZeroGradStage(), new ForwardStage(), new MseLossStage(), new BackwardStage(), new SgdStepStage(), new AdamStepStage()];

    /// <summary>A pipeline with <see cref="DefaultStages"/>.</summary>
    public static TrainingPipeline CreateDefault(PipelineOptions? options = null) => new(DefaultStages(), options);

    /// <summary>An inference-only pipeline: Forward alone.</summary>
    public static TrainingPipeline CreateInference(PipelineOptions? options = null) => new([new ForwardStage()], options);

    /// <summary>Scratch floats one thread needs to run the built-in stages on entities of <paramref name="spec"/>.</summary>
    public static int ScratchLength(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return DenseBackward.ScratchLength(spec.Layout, spec.Batch);
    }

    /// <summary>Runs one tick over <paramref name="world"/> and returns its report (<see cref="LastReport"/>).</summary>
    /// <exception cref="ModelDataException">An entity's inputs, targets or settings are invalid; raised before the
    /// tick (or, after a world system, before the next block stages) changed anything.</exception>
    public TickReport Run(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        long start = Stopwatch.GetTimestamp();
        Array.Clear(_stageTicks);
        _segmentTrained = -1;
        TickReport report = LastReport;
        int stage = 0;
        while (stage < _stages.Length)
        {
            if (_stages[stage] is IWorldSystem system)
            {
                long t0 = Stopwatch.GetTimestamp();
                system.Update(world);
                _stageTicks[stage] += Stopwatch.GetTimestamp() - t0;
                stage++;
                continue;
            }

            int end = stage;
            while (end < _stages.Length && _stages[end] is IBlockStage)
            {
                end++;
            }

            RunBlockStages(world, stage, end);
            stage = end;
        }

        report.Tick = ++_ticks;
        RefreshModels(world);
        CountEntities(report);
        report.TotalMilliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Span<double> ms = report.MutableStageMilliseconds;
        for (int i = 0; i < ms.Length; i++)
        {
            ms[i] = _stageTicks[i] * 1000.0 / Stopwatch.Frequency;
        }

        return report;
    }

    /// <summary>Stops the pipeline's worker threads.</summary>
    public void Dispose() => _pool.Dispose();

    private void RunBlockStages(World world, int first, int end)
    {
        RefreshModels(world);
        BuildRanges();
        world.EnterQuery();
        try
        {
            for (int i = 0; i < _rangeCount; i++)
            {
                var block = new ModelBlock(_rangeSpecs[i], _ranges[i], []);
                TickValidator.Check(block, _checkInputs, _checkTraining);
            }

            PlanTraining();
            _batch.First = first;
            _batch.End = end;
            _pool.Run(_batch, _rangeCount);
            UpdateCosts();
        }
        finally
        {
            world.ExitQuery();
        }
    }

    private void CountEntities(TickReport report)
    {
        int entities = 0;
        int trained = 0;
        foreach ((Archetype archetype, ModelSpec spec) in _models)
        {
            entities += archetype.EntityCount;
            if (archetype.Signature.ContainsAll(spec.PlainSignature))
            {
                trained += archetype.EntityCount;
            }
        }

        report.Entities = entities;
        report.EntitiesTrained = _segmentTrained >= 0 ? _segmentTrained : trained;
        report.Blocks = _rangeCount;
    }

    private void RefreshModels(World world)
    {
        if (ReferenceEquals(world, _modelsWorld) && world.Archetypes.Count == _modelsArchetypeCount)
        {
            return;
        }

        _models.Clear();
        foreach (Archetype archetype in world.Archetypes)
        {
            ModelSpec? spec = ModelSpec.Find(archetype);
            if (spec is not null)
            {
                _models.Add((archetype, spec));
            }
        }

        _modelsWorld = world;
        _modelsArchetypeCount = world.Archetypes.Count;
    }

    private void BuildRanges()
    {
        int total = 0;
        foreach ((Archetype archetype, _) in _models)
        {
            total += archetype.EntityCount;
        }

        int targetPieces = _pool.ThreadCount * 4;
        int rowsPerPiece = Math.Max(1, (total + targetPieces - 1) / targetPieces);
        _rangeCount = 0;
        foreach ((Archetype archetype, ModelSpec spec) in _models)
        {
            int before = _rangeCount;
            _rangeCount = ChunkRanges.Append(archetype, rowsPerPiece, ref _ranges, _rangeCount);
            if (_rangeSpecs.Length < _ranges.Length)
            {
                Array.Resize(ref _rangeSpecs, _ranges.Length);
            }

            _rangeSpecs.AsSpan(before, _rangeCount - before).Fill(spec);
        }
    }

    private static float[] ThreadScratch(ModelSpec spec)
    {
        int length = ScratchLength(spec);
        float[]? scratch = t_scratch;
        if (scratch is null || scratch.Length < length)
        {
            scratch = new float[Math.Max(length, 1024)];
            t_scratch = scratch;
        }

        return scratch;
    }
}
