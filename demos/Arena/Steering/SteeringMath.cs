namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>The few vector operations of the steering scene, on IEEE-exact operations only (+ - * / sqrt, no library
/// sine or cosine), so a seed gives the same motion on every CPU.</summary>
internal static class SteeringMath
{
    /// <summary>sqrt(1/2), float.</summary>
    public const float Sqrt1_2 = 0.70710678f;

    /// <summary>(x, y) rotated counter-clockwise by <paramref name="angle"/> radians, |angle| at most pi/4: sine and
    /// cosine from their Taylor polynomials to the 9th and 8th power (error below 4e-7 there).</summary>
    public static (float X, float Y) Rotate(float x, float y, float angle)
    {
        float a2 = angle * angle;
        float sin = angle * (1 - (a2 / 6 * (1 - (a2 / 20 * (1 - (a2 / 42 * (1 - (a2 / 72))))))));
        float cos = 1 - (a2 / 2 * (1 - (a2 / 12 * (1 - (a2 / 30 * (1 - (a2 / 56)))))));
        return ((x * cos) - (y * sin), (x * sin) + (y * cos));
    }

    /// <summary>(x, y) scaled to length one; (1, 0) for the zero vector.</summary>
    public static (float X, float Y) Normalize(float x, float y)
    {
        float length = MathF.Sqrt((x * x) + (y * y));
        return length > 0 ? (x / length, y / length) : (1, 0);
    }

    /// <summary><paramref name="value"/> / <paramref name="scale"/> clamped to [0, 1], mapped to [-1, 1].</summary>
    public static float Unit(float value, float scale) => (2 * Math.Clamp(value / scale, 0, 1)) - 1;
}
