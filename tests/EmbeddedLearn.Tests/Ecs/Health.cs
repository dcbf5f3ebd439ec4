namespace EmbeddedLearn.Tests.Ecs;

internal struct Health
{
    public int Value;

    public Health(int value) => Value = value;
}
