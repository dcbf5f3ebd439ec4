namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The code paths of the dense kernels, narrowest first. Every path gives bitwise the same results (the canonical
/// operation order of each kernel is written in its summary); they differ only in speed.
/// </summary>
internal enum KernelPath
{
    /// <summary>Plain float code with fused multiply-adds (<see cref="ExactMath.Fma(float, float, float)"/>): the reference
    /// the others equal.</summary>
    Scalar,

    /// <summary>Portable <see cref="System.Runtime.Intrinsics.Vector128{T}"/> code: ARM64 (AdvSimd), x86-64 without
    /// AVX2.</summary>
    Vector128,

    /// <summary>x86-64 AVX2 + FMA tiles.</summary>
    Vector256,

    /// <summary>The AVX2 tiles plus the AVX-512 ones.</summary>
    Vector512,
}
