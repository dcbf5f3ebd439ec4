using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// The CPU executor's one fusion: <see cref="ZeroGradStage"/> folded into the <see cref="BackwardStage"/> after it. Where
/// a run of block stages has a ZeroGrad followed by a Backward with only <see cref="ForwardStage"/> and
/// <see cref="MseLossStage"/> between them (which neither read nor write gradients), and neither a Forward nor a game's
/// own stage runs before that ZeroGrad in the tick, the executor skips the ZeroGrad and the Backward overwrites the gradients of every entity the
/// ZeroGrad would have cleared instead of adding to them (<c>0 + g</c>, the same bits), and clears those that then sat
/// out the backward pass. The gradients are then written once instead of cleared, read and written again: about a tenth
/// of the default tick on the swarm model. Results are bit for bit those of the two stages run one after the other.
/// </summary>
/// <remarks>
/// Which entities ZeroGrad clears depends on their outcome when it runs: an entity that sits out
/// (<see cref="TickOutcome.SitsOut"/>) is not cleared. Between the two stages only the Forward can change that, by holding
/// an entity's outputs (<see cref="TickOutcome.OutputsHeld"/>); with no Forward (and no game's stage, which may set any
/// flag) before the ZeroGrad that flag cannot have been set when the ZeroGrad would have run, so the Backward reads the ZeroGrad's decision as
/// <c>BackwardPasses % K == 0</c> and none of the other sit-out flags (<see cref="ZeroTimeSitsOut"/>).
/// </remarks>
internal static class DeferredZeroGrad
{
    /// <summary>The sit-out flags as they stood when the deferred ZeroGrad would have run.</summary>
    public const TickOutcome ZeroTimeSitsOut = TickOutcome.SitsOut & ~TickOutcome.OutputsHeld;

    /// <summary>Finds the pair in the run <paramref name="first"/>..<paramref name="end"/> of <paramref name="stages"/>
    /// (the whole pipeline): the ZeroGrad to skip and the Backward that clears in its place, or -1 and -1.</summary>
    public static (int ZeroGrad, int Backward) Find(IPipelineStage[] stages, int first, int end)
    {
        for (int z = first; z < end; z++)
        {
            if (stages[z] is not ZeroGradStage)
            {
                continue;
            }

            for (int s = 0; s < z; s++)
            {
                if (stages[s] is ForwardStage || (stages[s] is IBlockStage stage && CpuExecutor.IsGamesOwn(stage)))
                {
                    return (-1, -1); // it may have held outputs before the ZeroGrad ran (a game's stage may set any flag)
                }
            }

            for (int b = z + 1; b < end; b++)
            {
                if (stages[b] is BackwardStage)
                {
                    return (z, b);
                }

                if (stages[b] is not (ForwardStage or MseLossStage))
                {
                    return (-1, -1);
                }
            }

            return (-1, -1);
        }

        return (-1, -1);
    }
}
