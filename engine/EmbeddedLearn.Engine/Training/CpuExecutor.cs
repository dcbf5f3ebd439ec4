using System.Diagnostics;
using EmbeddedLearn.Backends;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training;

/// <summary>
/// The CPU backend: runs a run of block stages chunk-major (every stage of the run on one cache-sized block, then
/// the next), blocks spread over a persistent <see cref="WorkerPool"/> of <see cref="Threads"/> threads. Results
/// are bitwise identical for every thread count (each entity is computed from its own data alone). A tick
/// allocates nothing. When a run holds a game's own block stage (<see cref="StageKind.Custom"/>), each block is backed
/// up before the run; a stage that throws has its block put back as it was and is named in a
/// <see cref="StageException"/>, so every entity gets the whole run or none of it. A run whose game stages all observe
/// only (<see cref="IBlockStage.ObservesOnly"/>) and follow every other stage of the run is not backed up: a throw there
/// comes after every write of the run, so its block keeps the whole run.
/// </summary>
public sealed class CpuExecutor : TickExecutor
{
    [ThreadStatic]
    private static float[]? t_scratch;

    [ThreadStatic]
    private static byte[]? t_backup;

    private readonly WorkerPool _pool;
    private readonly SegmentBatch _batch;

    /// <summary>An executor on <paramref name="threads"/> threads (the caller's included), timing each stage when
    /// <paramref name="measureStages"/> (see <see cref="PipelineOptions.MeasureStages"/>).</summary>
    /// <exception cref="ArgumentException"><paramref name="threads"/> is below 1 or above <see cref="PipelineOptions.MaxThreads"/>.</exception>
    public CpuExecutor(int threads, bool measureStages = false)
    {
        if (threads is < 1 or > PipelineOptions.MaxThreads)
        {
            throw new ArgumentException("PipelineOptions.Threads must be in 1.." + PipelineOptions.MaxThreads + "; got " + threads + ".", nameof(threads));
        }

        _pool = new WorkerPool(threads);
        _batch = new SegmentBatch { MeasureStages = measureStages };
    }

    /// <summary>The vector path the dense kernels take on this machine: <c>Vector512</c> (AVX2, FMA and 512-bit vectors),
    /// <c>Vector256</c> (AVX2 and FMA), <c>Vector128</c> (ARM64's AdvSimd, or x86-64 without AVX2) or <c>scalar</c>.
    /// Every path gives the same bits.</summary>
    public static string SimdPath => SimdSupport.Best switch
    {
        KernelPath.Vector512 => "Vector512",
        KernelPath.Vector256 => "Vector256",
        KernelPath.Vector128 => "Vector128",
        _ => "scalar",
    };

    /// <summary>Threads the block stages run on.</summary>
    public int Threads => _pool.ThreadCount;

    /// <inheritdoc/>
    public override BackendKind Backend => BackendKind.Cpu;

    /// <inheritdoc/>
    public override string Description => "CPU backend (" + Threads + (Threads == 1 ? " thread)" : " threads)");

    /// <inheritdoc/>
    internal override int Parallelism => _pool.ThreadCount;

    /// <inheritdoc/>
    internal override WorkerPool? HostPool => _pool;

    /// <summary>Per-thread scratch floats for the built-in stages on entities of <paramref name="spec"/>.</summary>
    internal static float[] ThreadScratch(ModelSpec spec)
    {
        int length = TrainingPipeline.ScratchLength(spec);
        float[]? scratch = t_scratch;
        if (scratch is null || scratch.Length < length)
        {
            scratch = new float[Math.Max(length, 1024)];
            t_scratch = scratch;
        }

        return scratch;
    }

    /// <inheritdoc/>
    internal override void CheckStages(IReadOnlyList<IPipelineStage> stages)
    {
        // Every block stage and every world system runs on the CPU.
    }

    /// <inheritdoc/>
    internal override void BeginTick(World world) =>
        HostResidency.TakeOver(world, owner: null); // a device that trained this world before brings its state home

    /// <inheritdoc/>
    internal override void RunBlocks(World world, BlockPlan plan, TickAccount account, IPipelineStage[] stages, int first, int end, long[] stageTicks)
    {
        _batch.Plan = plan;
        _batch.Account = account;
        _batch.Stages = stages;
        _batch.First = first;
        _batch.End = end;
        (_batch.Undoable, _batch.Observed) = Protection(stages, first, end);

        _batch.Fusion = CpuFusion.Find(stages, first, end);
        _batch.StageTicks = stageTicks;
        _pool.Run(_batch, plan.Count);
        _batch.Plan = null;
        _batch.Stages = null;
        _batch.StageTicks = null;
    }

    /// <summary>Whether <paramref name="stage"/> is a game's own (<see cref="StageKind.Custom"/>, its type defined outside the
    /// engine), whose blocks are backed up before a run. The engine's own stages beyond the default pipeline (Q-learning,
    /// PPO, shared models) are custom by kind too, but their data is checked before the run and they do not throw, so
    /// they need no backup (which copied every row of their blocks, replay rings and rollouts included, every tick).</summary>
    internal static bool IsGamesOwn(IBlockStage stage) =>
        stage.Kind == StageKind.Custom && stage.GetType().Assembly != typeof(CpuExecutor).Assembly;

    /// <summary>How the run <paramref name="first"/>..<paramref name="end"/> guards against a game's stage that throws:
    /// <c>Undoable</c>, each block backed up first, when it holds a game's own stage that may write or that another stage
    /// follows; otherwise <c>Observed</c> when it holds game stages, all observers at its end (their throw is named, and
    /// the block keeps the run's writes, all done before them); neither for the engine's stages alone. Any stage after an
    /// observer that is not an observer itself makes the run backed up, an engine stage whatever its
    /// <see cref="IPipelineStage.Writes"/> says (some write components of their own).</summary>
    internal static (bool Undoable, bool Observed) Protection(IPipelineStage[] stages, int first, int end)
    {
        bool observed = false;
        for (int s = first; s < end; s++)
        {
            var stage = (IBlockStage)stages[s];
            bool own = IsGamesOwn(stage);
            bool observer = own && stage.ObservesOnly;
            if (!observer && (own || observed))
            {
                return (true, false);
            }

            observed |= observer;
        }

        return (false, observed);
    }

    /// <inheritdoc/>
    internal override void BeforeWorldSystem(World world, IWorldSystem system)
    {
    }

    /// <inheritdoc/>
    internal override void AfterWorldSystem(World world, IWorldSystem system)
    {
    }

    /// <inheritdoc/>
    internal override void EndTick(World world, BlockPlan plan, TickAccount account, IPipelineStage[] stages, long[] stageTicks)
    {
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pool.Dispose();
        }
    }

    /// <summary>Work item i: every stage of the run on block i, in order.</summary>
    private sealed class SegmentBatch : WorkBatch
    {
        public BlockPlan? Plan;
        public TickAccount? Account;
        public IPipelineStage[]? Stages;
        public long[]? StageTicks;
        public int First;
        public int End;
        public bool MeasureStages;

        /// <summary>The stage fusions of the run.</summary>
        public CpuFusion Fusion = CpuFusion.None;

        /// <summary>Whether the run holds a game's stage that may write, or that another stage follows: each block is
        /// then backed up first, and put back if a stage throws, so that its entities get the whole run or none of it.</summary>
        public bool Undoable;

        /// <summary>Whether the run ends in game stages that all observe only (and holds no other game stage): a throw
        /// there is named, and its block keeps the run's writes.</summary>
        public bool Observed;

        public override void Execute(int index)
        {
            BlockPlan plan = Plan!;
            ModelSpec spec = plan.Spec(index);
            var block = new ModelBlock(spec, plan.Range(index), ThreadScratch(spec), Account);
            bool trains = plan.Trains(index);
            long blockStart = plan.Budgeted ? plan.Clock.GetTimestamp() : 0; // no clock read unless a budget needs it
            if (Undoable || Observed)
            {
                RunNamed(block, trains);
            }
            else
            {
                for (int s = First; s < End; s++)
                {
                    RunStage(block, trains, s);
                }
            }

            if (plan.Budgeted)
            {
                plan.RecordBlock(index, trains, plan.Clock.GetTimestamp() - blockStart);
            }
        }

        /// <summary>The run on a block of a run that holds a game's stage, whose throw is named: backed up first when
        /// <see cref="Undoable"/>, so that a stage that throws has the block's rows put back byte for byte; otherwise (its
        /// game stages all observers at its end) not, and the block keeps what the stages before the throw wrote.</summary>
        private void RunNamed(in ModelBlock block, bool trains)
        {
            ChunkRange range = block.Range;
            Span<byte> backup = Undoable ? BackUp(range) : default;
            int s = First;
            try
            {
                for (; s < End; s++)
                {
                    RunStage(block, trains, s);
                }
            }
            catch (Exception ex) when (Undoable || IsGamesOwn((IBlockStage)Stages![s]))
            {
                if (!Undoable)
                {
                    throw StageException.FromObserver(Stages![s].Name, range.Entities.ToArray(), ex);
                }

                range.Chunk.CopyRows(range.Start, range.Length, backup, save: false);
                throw new StageException(Stages![s].Name, range.Entities.ToArray(), ex);
            }
        }

        /// <summary>Copies <paramref name="range"/>'s rows into this thread's backup buffer and returns them there.</summary>
        private static Span<byte> BackUp(ChunkRange range)
        {
            int bytes = checked((int)range.Chunk.RowBytes(range.Length));
            if (t_backup is null || t_backup.Length < bytes)
            {
                t_backup = new byte[Math.Max(bytes, 1 << 16)];
            }

            Span<byte> backup = t_backup.AsSpan(0, bytes);
            range.Chunk.CopyRows(range.Start, range.Length, backup, save: true);
            return backup;
        }

        private void RunStage(in ModelBlock block, bool trains, int s)
        {
            var stage = (IBlockStage)Stages![s];
            if ((!trains && !stage.RunsWhenNotTraining) || Fusion.Skips(s))
            {
                return;
            }

            if (!MeasureStages)
            {
                Fusion.Execute(stage, block, s);
                return;
            }

            long t0 = Stopwatch.GetTimestamp();
            Fusion.Execute(stage, block, s);
            Interlocked.Add(ref StageTicks![s], Stopwatch.GetTimestamp() - t0);
        }
    }
}
