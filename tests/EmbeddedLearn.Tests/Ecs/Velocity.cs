namespace EmbeddedLearn.Tests.Ecs;

internal struct Velocity
{
    public float X;
    public float Y;

    public Velocity(float x, float y)
    {
        X = x;
        Y = y;
    }
}
