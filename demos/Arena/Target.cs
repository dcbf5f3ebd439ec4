namespace EmbeddedLearn.Demos.Arena;

/// <summary>A target circling a centre: position at time t is <c>c + r (cos(w t + p), sin(w t + p))</c>.</summary>
internal readonly record struct Target(float CentreX, float CentreY, float Radius, float AngularSpeed, float Phase)
{
    public (float X, float Y) At(float t) =>
        (CentreX + (Radius * MathF.Cos((AngularSpeed * t) + Phase)), CentreY + (Radius * MathF.Sin((AngularSpeed * t) + Phase)));
}
