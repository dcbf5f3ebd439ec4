using System.Diagnostics;
using EmbeddedLearn.Backends;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training;

/// <summary>
/// The CPU backend: runs a run of block stages chunk-major (every stage of the run on one cache-sized block, then
/// the next), blocks spread over a persistent <see cref="WorkerPool"/> of <see cref="Threads"/> threads. Results
/// are bitwise identical for every thread count (each entity is computed from its own data alone). A tick
/// allocates nothing.
/// </summary>
public sealed class CpuExecutor : TickExecutor
{
    [ThreadStatic]
    private static float[]? t_scratch;

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

    /// <summary>Threads the block stages run on.</summary>
    public int Threads => _pool.ThreadCount;

    /// <inheritdoc/>
    public override BackendKind Backend => BackendKind.Cpu;

    /// <inheritdoc/>
    public override string Description => "CPU backend (" + Threads + (Threads == 1 ? " thread)" : " threads)");

    /// <inheritdoc/>
    internal override int Parallelism => _pool.ThreadCount;

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
        _batch.StageTicks = stageTicks;
        _pool.Run(_batch, plan.Count);
        _batch.Plan = null;
        _batch.Stages = null;
        _batch.StageTicks = null;
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

        public override void Execute(int index)
        {
            BlockPlan plan = Plan!;
            ModelSpec spec = plan.Spec(index);
            var block = new ModelBlock(spec, plan.Range(index), ThreadScratch(spec), Account);
            bool trains = plan.Trains(index);
            long blockStart = plan.Budgeted ? plan.Clock.GetTimestamp() : 0; // no clock read unless a budget needs it
            for (int s = First; s < End; s++)
            {
                var stage = (IBlockStage)Stages![s];
                if (!trains && !stage.RunsWhenNotTraining)
                {
                    continue;
                }

                if (!MeasureStages)
                {
                    stage.Execute(block);
                    continue;
                }

                long t0 = Stopwatch.GetTimestamp();
                stage.Execute(block);
                Interlocked.Add(ref StageTicks![s], Stopwatch.GetTimestamp() - t0);
            }

            if (plan.Budgeted)
            {
                plan.RecordBlock(index, trains, plan.Clock.GetTimestamp() - blockStart);
            }
        }
    }
}
