namespace EmbeddedLearn.Ecs;

/// <summary>A struct callback over one component of every matching entity (Arch's <c>IForEach</c>).
/// Passed by <c>ref</c> as a generic struct, so the JIT specialises the loop and nothing allocates.</summary>
/// <typeparam name="T0">The struct component visited.</typeparam>
public interface IForEach<T0>
    where T0 : unmanaged
{
    /// <summary>Called once per entity.</summary>
    void Update(ref T0 c0);
}
