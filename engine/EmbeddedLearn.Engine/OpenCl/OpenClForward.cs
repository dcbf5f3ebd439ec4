using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>The forward pass on the device (as <see cref="Training.Stages.ForwardStage"/>); the first device stage of a tick also uploads its inputs and targets. One kernel launch per model archetype, enqueued without waiting.</summary>
public sealed class OpenClForward : IWorldSystem
{
    private readonly OpenClBackend _backend;

    internal OpenClForward(OpenClBackend backend) => _backend = backend;

    /// <inheritdoc/>
    public string Name => "OpenClForward";

    /// <inheritdoc/>
    public void Update(World world) => _backend.RunStage(OpenClStageKind.Forward, world);
}
