namespace EmbeddedLearn.Tests.Ecs;

/// A struct whose full name a test registers as a run-time sized component before the struct is first used.
internal struct NameClash
{
    public float Value;
}
