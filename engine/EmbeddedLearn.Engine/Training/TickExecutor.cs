using EmbeddedLearn.Backends;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// Runs the stages of a <see cref="TrainingPipeline"/> on one backend. The pipeline owns the description of the tick
/// (the stages, what each reads and writes), its validation, the training budget's plan and the report; an executor
/// only runs it: <see cref="CpuExecutor"/> on the CPU, <c>OpenClBackend</c> on an OpenCL device. The tick's
/// boundaries are explicit: <c>BeginTick</c>, then for each run of block stages <c>RunBlocks</c> and before each
/// game system <c>BeforeWorldSystem</c>, then <c>EndTick</c>.
/// </summary>
public abstract class TickExecutor : IDisposable
{
    /// <summary>Which backend this is.</summary>
    public abstract BackendKind Backend { get; }

    /// <summary>What runs the stages, one line (for example the OpenCL platform and device).</summary>
    public abstract string Description { get; }

    /// <summary>Workers the block stages are spread over (threads on the CPU, 1 for a device queue): the training
    /// budget multiplies the wall-clock budget by it.</summary>
    internal abstract int Parallelism { get; }

    /// <summary>The threads the executor does its host work on, which the pipeline also spreads its per-entity checks
    /// over before and after a run of block stages (never during one); null when it has none.</summary>
    internal virtual WorkerPool? HostPool => null;

    /// <summary>Whether the executor checks a run's inputs and targets for values that are not finite itself, as it
    /// gathers them (<see cref="BlockPlan.SampleChecks"/>), instead of the pipeline reading them once more: it then
    /// marks the entities it finds with <see cref="TickAdmission.MarkNonFinite"/>, in plan order, before its first
    /// launch.</summary>
    internal virtual bool ChecksSamples => false;

    /// <summary>Whether, when it checks samples and the plan holds every model entity (no schedule), the executor also
    /// does the admission's first part (<see cref="TickAdmission.ResetOutcomes"/>) on each chunk as it gathers it
    /// (<see cref="BlockPlan.OutcomesToReset"/>), instead of the pipeline walking the entities once more.</summary>
    internal virtual bool ResetsOutcomes => false;

    /// <summary>After <see cref="RunBlocks"/>: the entities of <paramref name="plan"/>'s training blocks that sat the run
    /// out (<see cref="BlockPlan.CountSittingOut"/> summed), when the executor kept count itself; null, and the pipeline
    /// counts, otherwise.</summary>
    internal virtual int? CountSittingOut(BlockPlan plan) => null;

    /// <summary>Releases what the executor holds.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Throws <see cref="NotSupportedException"/>, naming the stage and why, when this executor cannot run
    /// <paramref name="stages"/>.</summary>
    internal abstract void CheckStages(IReadOnlyList<IPipelineStage> stages);

    /// <summary>Told by the pipeline that runs on this executor how many threads it may use
    /// (<see cref="PipelineOptions.Threads"/>) for the host work of its ticks. Does nothing by default.</summary>
    internal virtual void UseThreads(int threads)
    {
    }

    /// <summary>Opens a tick over <paramref name="world"/>.</summary>
    internal abstract void BeginTick(World world);

    /// <summary>Runs <paramref name="stages"/> <c>[first, end)</c>, all block stages, over the blocks of
    /// <paramref name="plan"/> (training stages only on the blocks it trains), adding each stage's time, in Stopwatch
    /// ticks, into <paramref name="stageTicks"/>. Runs under the world's query lock.</summary>
    internal abstract void RunBlocks(World world, BlockPlan plan, TickAccount account, IPipelineStage[] stages, int first, int end, long[] stageTicks);

    /// <summary>Called before game system <paramref name="system"/> runs on the host: whatever it reads must be there.</summary>
    internal abstract void BeforeWorldSystem(World world, IWorldSystem system);

    /// <summary>Called after <paramref name="system"/> ran: whatever it wrote must reach the backend.</summary>
    internal abstract void AfterWorldSystem(World world, IWorldSystem system);

    /// <summary>Closes the tick: its results (outputs, losses, and each entity's <c>TrainingState</c> outcome, failures
    /// and gradient norm) are in the world's components, and the guard's entries in <paramref name="account"/>, when it
    /// returns. A device executor replaces the tick's entries of <paramref name="stageTicks"/> by device time.</summary>
    internal abstract void EndTick(World world, BlockPlan plan, TickAccount account, IPipelineStage[] stages, long[] stageTicks);

    /// <summary>Releases what the executor holds (<paramref name="disposing"/> false from a finalizer).</summary>
    protected abstract void Dispose(bool disposing);
}
