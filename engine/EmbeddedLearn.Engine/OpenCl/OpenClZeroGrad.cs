using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>Clears gradients on the device at the start of each accumulation window (as <see cref="Training.Stages.ZeroGradStage"/>). One kernel launch per model archetype, enqueued without waiting.</summary>
public sealed class OpenClZeroGrad : IWorldSystem
{
    private readonly OpenClBackend _backend;

    internal OpenClZeroGrad(OpenClBackend backend) => _backend = backend;

    /// <inheritdoc/>
    public string Name => "OpenClZeroGrad";

    /// <inheritdoc/>
    public void Update(World world) => _backend.RunStage(OpenClStageKind.ZeroGrad, world);
}
