namespace EmbeddedLearn.Training.Cpu;

/// <summary>Writes <c>g + s</c>: the sum added to the stored gradient (<see cref="IGradientWrite"/>).</summary>
internal readonly struct AccumulateGradient : IGradientWrite
{
    /// <inheritdoc/>
    public static bool Accumulate => true;
}
