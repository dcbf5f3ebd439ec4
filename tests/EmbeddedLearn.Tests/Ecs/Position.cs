namespace EmbeddedLearn.Tests.Ecs;

internal struct Position
{
    public float X;
    public float Y;

    public Position(float x, float y)
    {
        X = x;
        Y = y;
    }
}
