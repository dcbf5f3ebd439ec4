namespace EmbeddedLearn.Ecs;

/// <summary>The kinds of deferred change a <see cref="CommandBuffer"/> records.</summary>
internal enum CommandKind
{
    Create,
    Destroy,
    Add,
    Remove,
    Set,
}
