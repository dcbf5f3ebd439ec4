namespace EmbeddedLearn.Ecs;

/// <summary>A struct callback over two components of every matching entity (Arch's <c>IForEach</c>).</summary>
/// <typeparam name="T0">First struct component.</typeparam>
/// <typeparam name="T1">Second struct component.</typeparam>
public interface IForEach<T0, T1>
    where T0 : unmanaged
    where T1 : unmanaged
{
    /// <summary>Called once per entity.</summary>
    void Update(ref T0 c0, ref T1 c1);
}
