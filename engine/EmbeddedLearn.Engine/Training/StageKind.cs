namespace EmbeddedLearn.Training;

/// <summary>Which built-in operation a block stage performs. Every executor knows how to run the built-in ones
/// (the CPU executor calls <see cref="IBlockStage.Execute"/>; the OpenCL executor launches the matching kernel);
/// a <see cref="Custom"/> stage runs only where its code can run, the CPU.</summary>
public enum StageKind
{
    /// <summary>A game's own block stage: runs on the CPU executor only.</summary>
    Custom = 0,

    /// <summary><c>optimizer.zero_grad()</c>.</summary>
    ZeroGrad = 1,

    /// <summary>The forward pass.</summary>
    Forward = 2,

    /// <summary>The MSE loss and its gradient.</summary>
    MseLoss = 3,

    /// <summary><c>loss.backward()</c>.</summary>
    Backward = 4,

    /// <summary>The game-safe guard between backward and the step: gradient norm, skip, clip.</summary>
    Guard = 6,

    /// <summary><c>optimizer.step()</c> of one optimizer unit.</summary>
    OptimizerStep = 5,
}
