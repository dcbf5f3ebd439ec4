using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>The MSE loss and its gradient on the device (as <see cref="Training.Stages.MseLossStage"/>). One kernel launch per model archetype, enqueued without waiting.</summary>
public sealed class OpenClMseLoss : IWorldSystem
{
    private readonly OpenClBackend _backend;

    internal OpenClMseLoss(OpenClBackend backend) => _backend = backend;

    /// <inheritdoc/>
    public string Name => "OpenClMseLoss";

    /// <inheritdoc/>
    public void Update(World world) => _backend.RunStage(OpenClStageKind.MseLoss, world);
}
