using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// The CPU executor's first fusion: <see cref="ZeroGradStage"/> folded into the <see cref="BackwardStage"/> after it. Where
/// a run of block stages has a ZeroGrad followed by a Backward with only stages between them that neither read nor write
/// gradients (<see cref="ForwardStage"/>, <see cref="MseLossStage"/>, and the agents' sampling, TD-target and shared-batch
/// stages), and none of the stages that hold or keep an entity waiting, nor the game's code (its own stage or a world
/// system), runs before that ZeroGrad in the tick, the executor skips the ZeroGrad: the Backward overwrites the
/// gradients of every entity the ZeroGrad would have cleared instead of adding to them (<c>0 + g</c>, the same bits),
/// and clears those that then sat out the backward pass. The gradients are then written once instead of cleared, read and written again: about a tenth
/// of the default tick on the swarm model. Results are bit for bit those of the two stages run one after the other.
/// </summary>
/// <remarks>
/// Which entities ZeroGrad clears depends on their outcome when it runs: an entity that sits out
/// (<see cref="TickOutcome.SitsOut"/>) is not cleared. During a tick, only the Forward (holding outputs,
/// <see cref="TickOutcome.OutputsHeld"/>) and the agents' sampling and batching stages (<see cref="TickOutcome.Waiting"/>)
/// set sit-out flags, and a game's stage may set any. With none of them before the ZeroGrad, the only flag an entity can
/// carry when the ZeroGrad would have run is the admission's <see cref="TickOutcome.LeftOut"/>, so the Backward reads the
/// ZeroGrad's decision as <c>BackwardPasses % K == 0</c> and not left out (<see cref="ZeroTimeSitsOut"/>).
/// </remarks>
internal static class DeferredZeroGrad
{
    /// <summary>The sit-out flags as they stood when the deferred ZeroGrad would have run.</summary>
    public const TickOutcome ZeroTimeSitsOut = TickOutcome.LeftOut;

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
                if (SetsSitOut(stages[s]))
                {
                    return (-1, -1); // it may have made an entity sit out before the ZeroGrad ran
                }
            }

            for (int b = z + 1; b < end; b++)
            {
                if (stages[b] is BackwardStage)
                {
                    return (z, b);
                }

                if (!GradientFree(stages[b]))
                {
                    return (-1, -1);
                }
            }

            return (-1, -1);
        }

        return (-1, -1);
    }

    /// <summary>Whether <paramref name="stage"/> may set a sit-out flag during a tick: the Forward, the agents' sampling
    /// and batching stages, or the game's code (its own block stage or a world system, which may set any flag).</summary>
    private static bool SetsSitOut(IPipelineStage stage) =>
        stage is ForwardStage or Reinforcement.ReplaySampleStage or SharedModels.SharedBatchStage or Reinforcement.PpoMinibatchStage
        || stage is not IBlockStage || CpuExecutor.IsGamesOwn((IBlockStage)stage);

    /// <summary>Whether <paramref name="stage"/> is one of the engine's stages that neither read nor write the network's
    /// gradients.</summary>
    private static bool GradientFree(IPipelineStage stage) =>
        stage is ForwardStage or MseLossStage or Reinforcement.ReplaySampleStage or Reinforcement.TdTargetStage
            or SharedModels.SharedBatchStage or SharedModels.SharedOutputsStage or SharedModels.SharedMseLossStage;
}
