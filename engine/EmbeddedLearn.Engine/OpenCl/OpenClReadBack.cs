using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>The last device stage of a tick: enqueues the reads of outputs, losses and element losses into the
/// world's components, then waits once for the whole tick.</summary>
public sealed class OpenClReadBack : IWorldSystem
{
    private readonly OpenClBackend _backend;

    internal OpenClReadBack(OpenClBackend backend) => _backend = backend;

    /// <inheritdoc/>
    public string Name => "OpenClReadBack";

    /// <inheritdoc/>
    public void Update(World world) => _backend.EndTick(world);
}
