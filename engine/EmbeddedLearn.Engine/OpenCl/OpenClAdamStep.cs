using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>The Adam step on the device (as <see cref="Training.Stages.AdamStepStage"/>). One kernel launch per model archetype, enqueued without waiting.</summary>
public sealed class OpenClAdamStep : IWorldSystem
{
    private readonly OpenClBackend _backend;

    internal OpenClAdamStep(OpenClBackend backend) => _backend = backend;

    /// <inheritdoc/>
    public string Name => "OpenClAdamStep";

    /// <inheritdoc/>
    public void Update(World world) => _backend.RunStage(OpenClStageKind.AdamStep, world);
}
