namespace EmbeddedLearn.Ecs;

/// <summary>One recorded change: the entity (a placeholder for entities the buffer creates), the component
/// or signature, and the bytes of a value in the buffer's payload.</summary>
internal readonly record struct Command(CommandKind Kind, Entity Entity, ComponentType? Type, Signature? Signature, int DataOffset, int DataLength);
