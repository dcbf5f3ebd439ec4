namespace EmbeddedLearn.Training;

/// <summary>
/// A stage that processes a block of model entities at a time. Consecutive block stages run chunk-major: all of
/// them on one block (which fits in cache) before the next block, blocks spread over the pipeline's threads.
/// An implementation must touch only its block's entities, and compute each entity's result from that entity's
/// data alone, so that results are identical for any thread count.
/// </summary>
public interface IBlockStage : IPipelineStage
{
    /// <summary>Which built-in operation this is (<see cref="StageKind.Custom"/>, the default, for a game's own
    /// stage, which runs on the CPU executor, and on a device when it supplies <see cref="Device"/>).</summary>
    StageKind Kind => StageKind.Custom;

    /// <summary>The stage's device code, for executors that run block stages on a device (the OpenCL executor runs a
    /// custom stage that has one on the device, between the built-in stages, in pipeline order); null, the default,
    /// for a stage that runs only on the CPU.</summary>
    DeviceBody? Device => null;

    /// <summary>Whether the stage also runs on blocks that do not train this tick because the pipeline's
    /// <see cref="PipelineOptions.TrainingBudget"/> left them out (true for inference, such as Forward; false, the
    /// default, for training stages).</summary>
    bool RunsWhenNotTraining => false;

    /// <summary>
    /// Whether the stage only reads its block: it writes no component of the block's entities, neither model data
    /// (<see cref="IPipelineStage.Writes"/> must then be <see cref="ModelData.None"/>) nor the game's own (counting,
    /// logging, copying outputs into the game's own arrays). False, the default, for any stage that may write. The CPU
    /// backend backs up each block of a run of block stages that holds a game's own stage (a copy of the block's rows
    /// every tick), so that a stage that throws has its block put back; a run whose game stages all observe only and
    /// follow every other stage of the run needs no copy, since a throw there comes after all of the run's writes.
    /// </summary>
    bool ObservesOnly => false;

    /// <summary>Checks <paramref name="block"/> before any stage of the tick changed anything, throwing
    /// <see cref="ModelDataException"/> (naming the entity, component, field and value) for data this stage cannot run
    /// on, such as its own settings out of range; the pipeline then refuses the whole tick. Does nothing by default.</summary>
    void Admit(in ModelBlock block)
    {
    }

    /// <summary>Processes <paramref name="block"/>.</summary>
    void Execute(in ModelBlock block);
}
