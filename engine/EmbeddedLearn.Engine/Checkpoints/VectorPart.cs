using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Checkpoints;

/// <summary>A P-float vector of a model entity saved as per-layer weight and bias tensors: the parameters (no
/// suffix), gradients (<c>.grad</c>), SGD momentum buffer (<c>.momentum_buffer</c>), Adam first and second moments
/// (<c>.exp_avg</c>, <c>.exp_avg_sq</c>), each <paramref name="Offset"/> floats into <paramref name="Component"/>.</summary>
internal sealed record VectorPart(string Suffix, ComponentType Component, int Offset);
