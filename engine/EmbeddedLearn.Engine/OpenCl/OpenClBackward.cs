using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>The backward pass on the device, adding into the gradients and counting passes (as <see cref="Training.Stages.BackwardStage"/>). One kernel launch per model archetype, enqueued without waiting.</summary>
public sealed class OpenClBackward : IWorldSystem
{
    private readonly OpenClBackend _backend;

    internal OpenClBackward(OpenClBackend backend) => _backend = backend;

    /// <inheritdoc/>
    public string Name => "OpenClBackward";

    /// <inheritdoc/>
    public void Update(World world) => _backend.RunStage(OpenClStageKind.Backward, world);
}
