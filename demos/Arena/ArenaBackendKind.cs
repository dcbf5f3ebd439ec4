using EmbeddedLearn.Backends;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>The engine's backend selection for an <see cref="ArenaBackend"/>, which every scene's learning asks for.</summary>
internal static class ArenaBackendKind
{
    /// <summary><see cref="BackendKind.OpenCl"/>, <see cref="BackendKind.Auto"/> or <see cref="BackendKind.Cpu"/>.</summary>
    public static BackendKind Of(ArenaBackend backend) => backend switch
    {
        ArenaBackend.OpenCl => BackendKind.OpenCl,
        ArenaBackend.Auto => BackendKind.Auto,
        _ => BackendKind.Cpu,
    };
}
