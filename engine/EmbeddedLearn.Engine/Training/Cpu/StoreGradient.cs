namespace EmbeddedLearn.Training.Cpu;

/// <summary>Writes <c>0 + s</c>, never reading the stored gradient (<see cref="IGradientWrite"/>).</summary>
internal readonly struct StoreGradient : IGradientWrite
{
    /// <inheritdoc/>
    public static bool Accumulate => false;
}
