using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>A backend that keeps model state (parameters, gradients, optimizer state, counters) somewhere other than
/// the world's components, such as an OpenCL device, and brings it back on demand. See <see cref="HostResidency"/>.</summary>
public interface IHostSynchronizer
{
    /// <summary>Writes the backend's copy of every model component into <paramref name="world"/>'s components.</summary>
    void SynchronizeToHost(World world);

    /// <summary>Takes the world's components as authoritative: the backend uploads them before its next tick.</summary>
    void UploadFromHost(World world);
}
