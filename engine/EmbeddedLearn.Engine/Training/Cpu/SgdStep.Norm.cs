using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>The plain SGD step with the guard's norm taken in the same pass, on each vector width.</summary>
internal static partial class SgdStep
{
    /// <summary>Whether <see cref="RunWithNorm"/> fuses the norm into the step for <paramref name="s"/> on this machine (the
    /// plain step, wherever vectors run in hardware: 512, 256 or 128 bits); otherwise a caller computes the norm on its
    /// own.</summary>
    public static bool FusesNorm(in TrainingSettings s) =>
        s.Momentum == 0f && !s.Maximize && s.WeightDecay == 0f && Vector128.IsHardwareAccelerated;

    /// <summary>
    /// <see cref="Run"/> for a step <see cref="FusesNorm"/> accepts, old values kept in <paramref name="backup"/>, that
    /// also returns the gradients' sum of squares, in double, in <see cref="GradientNorm"/>'s canonical order (so the same
    /// bits as <see cref="GradientNorm.SumOfSquares(ReadOnlySpan{float})"/>): the guard's norm computed in the pass that
    /// already loads every gradient, where the vector units have room for it.
    /// </summary>
    public static bool RunWithNorm(in TrainingSettings s, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> backup, out double sumOfSquares)
    {
        int n = parameters.Length;
        KernelArguments.AtLeast(gradients.Length, n, nameof(gradients));
        KernelArguments.AtLeast(backup.Length, n, nameof(backup));
        if (!Vector512.IsHardwareAccelerated)
        {
            return Vector256.IsHardwareAccelerated
                ? RunWithNorm256(s.LearningRate, parameters, gradients, backup, out sumOfSquares)
                : RunWithNorm128(s.LearningRate, parameters, gradients, backup, out sumOfSquares);
        }

        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        ref float oldP = ref MemoryMarshal.GetReference(backup);
        Vector512<float> vLr = Vector512.Create(s.LearningRate);
        Vector512<float> bad = Vector512<float>.Zero;
        Vector512<double> a0 = Vector512<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int blocks = n & ~31;
        for (int i = 0; i < blocks; i += 32)
        {
            Vector512<float> g0 = Vector512.LoadUnsafe(ref gr, (nuint)i), g1 = Vector512.LoadUnsafe(ref gr, (nuint)(i + 16));
            Vector512<float> p0 = Vector512.LoadUnsafe(ref p, (nuint)i), p1 = Vector512.LoadUnsafe(ref p, (nuint)(i + 16));
            p0.StoreUnsafe(ref oldP, (nuint)i);
            p1.StoreUnsafe(ref oldP, (nuint)(i + 16));
            Vector512<float> n0 = p0 - (vLr * g0), n1 = p1 - (vLr * g1);
            n0.StoreUnsafe(ref p, (nuint)i);
            n1.StoreUnsafe(ref p, (nuint)(i + 16));
            bad |= FiniteLanes.NonFinite(n0) | FiniteLanes.NonFinite(n1);
            (Vector512<double> l0, Vector512<double> h0) = Vector512.Widen(g0);
            (Vector512<double> l1, Vector512<double> h1) = Vector512.Widen(g1);
            a0 = Vector512.FusedMultiplyAdd(l0, l0, a0);
            a1 = Vector512.FusedMultiplyAdd(h0, h0, a1);
            a2 = Vector512.FusedMultiplyAdd(l1, l1, a2);
            a3 = Vector512.FusedMultiplyAdd(h1, h1, a3);
        }

        bool finite = FiniteLanes.AllFinite(bad); // before any call: a vector live across one is spilled in the loop
        sumOfSquares = GradientNorm.AddTail(GradientNorm.Reduce512(a0, a1, a2, a3), gradients[..n], blocks);
        return PlainTail(s.LearningRate, parameters, gradients, backup, blocks, finite);
    }

    /// <summary><see cref="RunWithNorm"/> on 256-bit vectors: the step as <see cref="Run"/> takes it and the sum of
    /// squares in <see cref="GradientNorm"/>'s eight Vector256 accumulators (<c>s_j</c> in <c>a_(j / 4)</c> lane
    /// <c>j % 4</c>), so the same bits as the norm and the step taken apart.</summary>
    private static bool RunWithNorm256(float lr, Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> backup,
        out double sumOfSquares)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        ref float oldP = ref MemoryMarshal.GetReference(backup);
        Vector256<float> vLr = Vector256.Create(lr);
        Vector256<float> bad = Vector256<float>.Zero;
        Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int blocks = parameters.Length & ~31;
        for (int i = 0; i < blocks; i += 32)
        {
            bad |= Plain8(vLr, ref p, ref gr, ref oldP, i, ref a0, ref a1);
            bad |= Plain8(vLr, ref p, ref gr, ref oldP, i + 8, ref a2, ref a3);
            bad |= Plain8(vLr, ref p, ref gr, ref oldP, i + 16, ref a4, ref a5);
            bad |= Plain8(vLr, ref p, ref gr, ref oldP, i + 24, ref a6, ref a7);
        }

        bool finite = FiniteLanes.AllFinite(bad); // before any call: a vector live across one is spilled in the loop
        sumOfSquares = GradientNorm.AddTail(GradientNorm.Reduce256(a0, a1, a2, a3, a4, a5, a6, a7), gradients[..parameters.Length], blocks);
        return PlainTail(lr, parameters, gradients, backup, blocks, finite);
    }

    /// <summary>Eight floats from <paramref name="i"/> of the plain step (old values kept), their squares added into
    /// <paramref name="low"/> and <paramref name="high"/>; returns the finite check's lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Plain8(Vector256<float> vLr, ref float p, ref float gr, ref float oldP, int i,
        ref Vector256<double> low, ref Vector256<double> high)
    {
        Vector256<float> g = Vector256.LoadUnsafe(ref gr, (nuint)i);
        GradientNorm.AddSquares(ref gr, i, ref low, ref high);
        Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
        pv.StoreUnsafe(ref oldP, (nuint)i);
        Vector256<float> np = pv - (vLr * g);
        np.StoreUnsafe(ref p, (nuint)i);
        return FiniteLanes.NonFinite(np);
    }

    /// <summary><see cref="RunWithNorm"/> on 128-bit vectors (ARM64, x86-64 without AVX2): the sum of squares in
    /// <see cref="GradientNorm"/>'s sixteen Vector128 accumulators (<c>s_j</c> in <c>c_(j / 2)</c> lane <c>j % 2</c>),
    /// so the same bits as the norm and the step taken apart.</summary>
    private static bool RunWithNorm128(float lr, Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> backup,
        out double sumOfSquares)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        ref float oldP = ref MemoryMarshal.GetReference(backup);
        Vector128<float> vLr = Vector128.Create(lr);
        Vector128<float> bad = Vector128<float>.Zero;
        Vector128<double> c0 = Vector128<double>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        Vector128<double> c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        int blocks = parameters.Length & ~31;
        for (int i = 0; i < blocks; i += 32)
        {
            bad |= Plain4(vLr, ref p, ref gr, ref oldP, i, ref c0, ref c1);
            bad |= Plain4(vLr, ref p, ref gr, ref oldP, i + 4, ref c2, ref c3);
            bad |= Plain4(vLr, ref p, ref gr, ref oldP, i + 8, ref c4, ref c5);
            bad |= Plain4(vLr, ref p, ref gr, ref oldP, i + 12, ref c6, ref c7);
            bad |= Plain4(vLr, ref p, ref gr, ref oldP, i + 16, ref c8, ref c9);
            bad |= Plain4(vLr, ref p, ref gr, ref oldP, i + 20, ref c10, ref c11);
            bad |= Plain4(vLr, ref p, ref gr, ref oldP, i + 24, ref c12, ref c13);
            bad |= Plain4(vLr, ref p, ref gr, ref oldP, i + 28, ref c14, ref c15);
        }

        bool finite = FiniteLanes.AllFinite(bad); // before any call: a vector live across one is spilled in the loop
        double whole = GradientNorm.Reduce128(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15);
        sumOfSquares = GradientNorm.AddTail(whole, gradients[..parameters.Length], blocks);
        return PlainTail(lr, parameters, gradients, backup, blocks, finite);
    }

    /// <summary>Four floats from <paramref name="i"/> of the plain step (old values kept), their squares added into
    /// <paramref name="low"/> and <paramref name="high"/>; returns the finite check's lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Plain4(Vector128<float> vLr, ref float p, ref float gr, ref float oldP, int i,
        ref Vector128<double> low, ref Vector128<double> high)
    {
        Vector128<float> g = Vector128.LoadUnsafe(ref gr, (nuint)i);
        GradientNorm.AddSquares(ref gr, i, ref low, ref high);
        Vector128<float> pv = Vector128.LoadUnsafe(ref p, (nuint)i);
        pv.StoreUnsafe(ref oldP, (nuint)i);
        Vector128<float> np = pv - (vLr * g);
        np.StoreUnsafe(ref p, (nuint)i);
        return FiniteLanes.NonFinite(np);
    }

    /// <summary>The plain step's floats from <paramref name="from"/> on, one by one (old values kept): the same operation
    /// as the vector lanes'; returns <paramref name="finite"/> and whether every new value is finite.</summary>
    private static bool PlainTail(float lr, Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> backup, int from,
        bool finite)
    {
        for (int i = from; i < parameters.Length; i++)
        {
            float pv = parameters[i];
            backup[i] = pv;
            float np = pv - (lr * gradients[i]);
            parameters[i] = np;
            finite &= float.IsFinite(np);
        }

        return finite;
    }
}
