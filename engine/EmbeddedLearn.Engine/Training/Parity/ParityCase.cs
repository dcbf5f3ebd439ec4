using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Parity;

/// <summary>One model trained tick by tick in PyTorch: its layout, batch, settings (optimizer, reduction,
/// accumulation K), whether gradients are zeroed, its initial parameters (PyTorch order) and the ticks.</summary>
public sealed record ParityCase(
    string Name,
    ModelLayout Layout,
    int Batch,
    TrainingSettings Settings,
    bool ZeroGrad,
    float[] InitialParameters,
    IReadOnlyList<ParityTick> Ticks);
