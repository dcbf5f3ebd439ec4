using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// The pipeline's per-entity passes over a tick's blocks, spread over the executor's host threads
/// (<see cref="TickExecutor.HostPool"/>) by ranges of blocks when the tick is large enough to pay for it: the comparison of
/// every entity's settings with those last found valid, the admission's reset of outcomes and its scan for samples that
/// are not finite, and the count of entities that sat the tick out. Each pass only reads, or writes what belongs to its
/// own entities; whatever must happen in entity order (validating changed settings, recording left-out entities) the
/// pipeline then does on its own thread for the blocks a pass flagged, so the results do not depend on the threads.
/// </summary>
internal sealed class AdmissionBatch : WorkBatch
{
    /// <summary>Below this many entities in a plan, the passes run on the calling thread (waking helpers costs more).</summary>
    private const int ParallelEntities = 4096;

    private bool[] _flags = new bool[64];
    private int[] _counts = new int[64];
    private BlockPlan? _plan;
    private ValidatedSettings? _validated;
    private EntityBits? _admitted;
    private ModelData _reads;
    private bool _firstOfTick;
    private Pass _pass;
    private int _pieces;

    private enum Pass
    {
        CompareSettings,
        Admit,
        CountSittingOut,
    }

    /// <summary>Compares every block's settings with what <paramref name="validated"/> remembers; then
    /// <see cref="Flag"/> of a block is true when it has <see cref="TrainingSettings"/> and all of them are unchanged.</summary>
    public void CompareSettings(WorkerPool? pool, BlockPlan plan, ValidatedSettings validated)
    {
        _validated = validated;
        Run(pool, plan, Pass.CompareSettings);
        _validated = null;
    }

    /// <summary>For every block: <see cref="TickAdmission.ResetOutcomes"/>, then whether its inputs or targets (as
    /// <paramref name="reads"/> names them) hold a value that is not finite, into <see cref="Flag"/>.</summary>
    public void Admit(WorkerPool? pool, BlockPlan plan, ModelData reads, bool firstOfTick, EntityBits admitted)
    {
        (_reads, _firstOfTick, _admitted) = (reads, firstOfTick, admitted);
        Run(pool, plan, Pass.Admit);
        _admitted = null;
    }

    /// <summary>Entities of the blocks that train which sat the tick out (see <see cref="BlockPlan.CountSittingOut"/>).</summary>
    public int CountSittingOut(WorkerPool? pool, BlockPlan plan)
    {
        Run(pool, plan, Pass.CountSittingOut);
        int count = 0;
        foreach (int blockCount in _counts.AsSpan(0, plan.Count))
        {
            count += blockCount;
        }

        return count;
    }

    /// <summary>What the last pass found for block <paramref name="index"/>.</summary>
    public bool Flag(int index) => _flags[index];

    /// <inheritdoc/>
    public override void Execute(int index)
    {
        BlockPlan plan = _plan!;
        int first = (int)((long)plan.Count * index / _pieces);
        int end = (int)((long)plan.Count * (index + 1) / _pieces);
        for (int i = first; i < end; i++)
        {
            var block = new ModelBlock(plan.Spec(i), plan.Range(i), []);
            switch (_pass)
            {
                case Pass.CompareSettings:
                    _flags[i] = block.Has(ComponentType.Of<TrainingSettings>()) && _validated!.Unchanged(block);
                    break;
                case Pass.Admit:
                    TickAdmission.ResetOutcomes(block, _firstOfTick, _admitted!);
                    _flags[i] = TickAdmission.HasNonFinite(block, _reads);
                    break;
                default:
                    _counts[i] = plan.CountSittingOut(i);
                    break;
            }
        }
    }

    private void Run(WorkerPool? pool, BlockPlan plan, Pass pass)
    {
        if (_flags.Length < plan.Count)
        {
            // Grows with the plan, as the plan's own arrays do (a structural change, not a steady tick).
            Array.Resize(ref _flags, plan.Count);
            Array.Resize(ref _counts, plan.Count);
        }

        (_plan, _pass) = (plan, pass);
        bool parallel = pool is { ThreadCount: > 1 } && plan.EntityCount >= ParallelEntities;
        _pieces = parallel ? Math.Min(plan.Count, pool!.ThreadCount * 4) : 1;
        if (parallel)
        {
            pool!.Run(this, _pieces);
        }
        else
        {
            Execute(0);
        }

        _plan = null;
    }
}
