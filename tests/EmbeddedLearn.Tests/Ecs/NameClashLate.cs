namespace EmbeddedLearn.Tests.Ecs;

/// A struct used as a component before a run-time sized component with its full name is registered.
internal struct NameClashLate
{
    public int Value;

    public NameClashLate(int value) => Value = value;
}
