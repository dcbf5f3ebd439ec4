using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>The SGD step on the device (as <see cref="Training.Stages.SgdStepStage"/>). One kernel launch per model archetype, enqueued without waiting.</summary>
public sealed class OpenClSgdStep : IWorldSystem
{
    private readonly OpenClBackend _backend;

    internal OpenClSgdStep(OpenClBackend backend) => _backend = backend;

    /// <inheritdoc/>
    public string Name => "OpenClSgdStep";

    /// <inheritdoc/>
    public void Update(World world) => _backend.RunStage(OpenClStageKind.SgdStep, world);
}
