namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Maths the kernels would otherwise take from the C runtime's libm, whose results may differ between platforms,
/// written with IEEE-exact operations only (+, -, *, /, sqrt, fma) so that every machine gives the same bits.
/// </summary>
internal static class ExactMath
{
    /// <summary><c>x^n</c> for <c>n &gt;= 0</c> by binary exponentiation in double: a fixed sequence of at most
    /// <c>2 log2(n)</c> products (relative error about <c>2 log2(n)</c> units in the last place of a double), the same
    /// on every machine.</summary>
    public static double Pow(double x, long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        double result = 1.0;
        double square = x;
        while (n != 0)
        {
            if ((n & 1) != 0)
            {
                result *= square;
            }

            n >>= 1;
            if (n != 0)
            {
                square *= square;
            }
        }

        return result;
    }
}
