namespace EmbeddedLearn.Training;

/// <summary>
/// A block stage's device code, declared beside its CPU code (<see cref="IBlockStage.Device"/>): an OpenCL C function
/// <see cref="Function"/>, defined in <see cref="Source"/>, that processes one work-item's entities. Its parameters are
/// <c>long S</c>, then one per entry of <see cref="Arguments"/> in that order (see <see cref="DeviceArgument"/> for
/// each one's type and shape), then <c>vi on</c>, the lanes it may change (entities not left out of the tick and,
/// unless <see cref="Inference"/>, inside the training window). The OpenCL executor compiles it with the engine's
/// kernel header (LD, ST, STM, OFF, vf/vi/vl, the SF_/SI_/ST_ offsets, the lane helpers EL_AT, EL_LANES,
/// EL_GET_*/EL_SET_* for bodies that work one entity at a time), generates the kernel around it and binds every
/// argument from the declaration. The function must give, entity by entity, what the stage's
/// <see cref="IBlockStage.Execute"/> gives (within float rounding), and touch only its work-item's entities.
/// </summary>
/// <example>
/// <code>
/// // Shrinks every parameter by 0.1 % a tick (a decay the game applies after the step).
/// new DeviceBody("shrink", """
///     inline void shrink(long S, int P, __global float* p, vi on)
///     {
///         for (int i = 0; i &lt; P; i++) STM(p, i, LD(p, i) * 0.999f);
///     }
///     """, [DeviceArgument.ParameterCount, DeviceArgument.Parameters]);
/// </code>
/// </example>
/// <param name="Function">The OpenCL C function's name.</param>
/// <param name="Source">OpenCL C text defining it (and any helpers it needs).</param>
/// <param name="Arguments">What it takes after <c>long S</c>, in order.</param>
public sealed record DeviceBody(string Function, string Source, IReadOnlyList<DeviceArgument> Arguments)
{
    /// <summary>Whether it runs on every entity the tick serves (as Forward), not only on those that train.</summary>
    public bool Inference { get; init; }

    /// <summary>The generated kernel's name, for device-time reports (default: a game's stage kernel).</summary>
    public string? KernelName { get; init; }

    /// <summary>The OpenCL C source of an engine stage's body, embedded beside the stage (Training/**/NAME.cl).</summary>
    internal static string Embedded(string file) => EmbeddedText.Read("EmbeddedLearn.Training." + file);
}
