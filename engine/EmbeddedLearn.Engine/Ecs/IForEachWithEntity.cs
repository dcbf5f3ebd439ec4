namespace EmbeddedLearn.Ecs;

/// <summary>A struct callback over the entity handle and one component of every matching entity.</summary>
/// <typeparam name="T0">The struct component visited.</typeparam>
public interface IForEachWithEntity<T0>
    where T0 : unmanaged
{
    /// <summary>Called once per entity.</summary>
    void Update(Entity entity, ref T0 c0);
}
