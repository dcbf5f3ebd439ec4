using System.Globalization;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>Length checks shared by the kernels: they throw before any float is touched, and allocate only
/// when they throw.</summary>
internal static class KernelArguments
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="length"/> is at least
    /// <paramref name="required"/>.</summary>
    public static void AtLeast(int length, long required, string name)
    {
        if (length < required)
        {
            Throw(length, required, name);
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless the batch is at least 1.</summary>
    public static void Batch(int batch)
    {
        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch size must be at least 1.");
        }
    }

    private static void Throw(int length, long required, string name) =>
        throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
            "Span '{0}' holds {1} floats; the kernel needs at least {2}.", name, length, required), name);
}
