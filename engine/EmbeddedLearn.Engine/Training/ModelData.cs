namespace EmbeddedLearn.Training;

/// <summary>
/// The parts of a model entity a pipeline stage reads or writes, as it declares them
/// (<see cref="IPipelineStage.Reads"/>, <see cref="IPipelineStage.Writes"/>). The pipeline derives from these
/// declarations which checks a tick needs (finite inputs, finite targets, valid settings), and a device backend
/// derives which data must be on the host before a game system runs and which must go back to the device after it.
/// </summary>
[Flags]
public enum ModelData
{
    /// <summary>Nothing of the model.</summary>
    None = 0,

    /// <summary>The inputs <c>[B, in]</c> the game writes each tick (checked finite before a stage reads them).</summary>
    Inputs = 1 << 0,

    /// <summary>The targets <c>[B, out]</c> the game writes each tick (checked finite before a stage reads them).</summary>
    Targets = 1 << 1,

    /// <summary>The parameters (P floats).</summary>
    Parameters = 1 << 2,

    /// <summary>The accumulated gradients (P floats).</summary>
    Gradients = 1 << 3,

    /// <summary>The optimizer state (momentum buffer, Adam moments).</summary>
    OptimizerState = 1 << 4,

    /// <summary>The hidden activations forward keeps for backward.</summary>
    Activations = 1 << 5,

    /// <summary>The outputs <c>[B, out]</c>.</summary>
    Outputs = 1 << 6,

    /// <summary>The loss gradient with respect to the outputs, <c>[B, out]</c>.</summary>
    OutputGradient = 1 << 7,

    /// <summary>The <c>Loss</c> component and the per-element losses.</summary>
    Loss = 1 << 8,

    /// <summary>The <c>TrainingSettings</c> component (validated before a stage reads it).</summary>
    Settings = 1 << 9,

    /// <summary>The <c>TrainingState</c> counters (backward passes, optimizer steps, step due).</summary>
    Counters = 1 << 10,

    /// <summary>What a device backend keeps resident between ticks: parameters, gradients, optimizer state,
    /// activations, output gradient and counters.</summary>
    Resident = Parameters | Gradients | OptimizerState | Activations | OutputGradient | Counters,

    /// <summary>Everything above.</summary>
    All = Inputs | Targets | Resident | Outputs | Loss | Settings,
}
