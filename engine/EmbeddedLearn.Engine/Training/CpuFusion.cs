using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Training;

/// <summary>
/// The stage fusions the CPU executor applies to one run of block stages, found when the run starts: ZeroGrad deferred
/// into the Backward after it (<see cref="DeferredZeroGrad"/>) and the Guard's norm taken by the steps after it
/// (<see cref="DeferredGuard"/>). Each gives the bits of the stages run one by one; <see cref="Execute"/> runs stage
/// <c>s</c> of the run on a block as the fusions say.
/// </summary>
internal readonly struct CpuFusion
{
    private readonly int _zeroGrad;
    private readonly int _backward;
    private readonly int _guard;
    private readonly int _stepsEnd;
    private readonly int _kinds;

    private CpuFusion(int zeroGrad, int backward, int guard, int stepsEnd, int kinds)
    {
        _zeroGrad = zeroGrad;
        _backward = backward;
        _guard = guard;
        _stepsEnd = stepsEnd;
        _kinds = kinds;
    }

    /// <summary>No fusion.</summary>
    public static CpuFusion None => new(-1, -1, -1, -1, 0);

    /// <summary>The fusions of the run <paramref name="first"/>..<paramref name="end"/> of the pipeline's <paramref name="stages"/>.</summary>
    public static CpuFusion Find(IPipelineStage[] stages, int first, int end)
    {
        (int zeroGrad, int backward) = DeferredZeroGrad.Find(stages, first, end);
        (int guard, int stepsEnd, int kinds) = DeferredGuard.Find(stages, first, end);
        return new CpuFusion(zeroGrad, backward, guard, stepsEnd, kinds);
    }

    /// <summary>Whether stage <paramref name="s"/> is one a fusion does elsewhere (it is skipped).</summary>
    public bool Skips(int s) => s == _zeroGrad;

    /// <summary>Runs stage <paramref name="s"/> (<paramref name="stage"/>) on <paramref name="block"/>.</summary>
    public void Execute(IBlockStage stage, in ModelBlock block, int s)
    {
        if (s == _backward)
        {
            BackwardStage.Run(block, clearsFirst: true);
        }
        else if (s == _guard)
        {
            GuardStage.Run(block, _kinds);
        }
        else if (s > _guard && s < _stepsEnd)
        {
            ((OptimizerStepStage)stage).Run(block, guardDeferred: true);
        }
        else
        {
            stage.Execute(block);
        }
    }
}
