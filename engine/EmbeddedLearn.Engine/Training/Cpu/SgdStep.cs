using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// One SGD step over one entity's parameters, as PyTorch's <c>optim.SGD</c>: <c>g = maximize ? -grad : grad</c>;
/// <c>g = g + wd p</c> when <c>wd != 0</c>; with momentum <c>m != 0</c>: <c>buf = firstStep ? g : m buf + (1 - dampening) g</c>,
/// <c>g = nesterov ? g + m buf : buf</c>; then <c>p = p - lr g</c>. All spans hold <c>P</c> floats
/// (<c>momentumBuffer</c> is empty when <c>m == 0</c>). Each value is computed by the same float operations on every
/// vector width, so the bits do not depend on the CPU.
/// </summary>
internal static class SgdStep
{
    /// <summary>
    /// Applies the step in place to <paramref name="parameters"/> (and <paramref name="momentumBuffer"/>) in one pass
    /// that also checks the new values: true when every new parameter and momentum value is finite. When
    /// <paramref name="backup"/> is not empty the pass first copies each old value there, <c>[parameters | momentum]</c>
    /// (<c>P</c> floats, <c>2P</c> with momentum), so that a caller can put back a step it rejects.
    /// </summary>
    public static bool Run(in TrainingSettings s, bool firstStep, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> momentumBuffer, Span<float> backup = default)
    {
        int n = parameters.Length;
        KernelArguments.AtLeast(gradients.Length, n, nameof(gradients));
        bool momentum = s.Momentum != 0f;
        bool keep = !backup.IsEmpty;
        if (momentum)
        {
            KernelArguments.AtLeast(momentumBuffer.Length, n, nameof(momentumBuffer));
        }

        if (keep)
        {
            KernelArguments.AtLeast(backup.Length, momentum ? 2L * n : n, nameof(backup));
        }

        float lr = s.LearningRate, wd = s.WeightDecay, mu = s.Momentum, damp = 1f - s.Dampening;
        bool maximize = s.Maximize, nesterov = s.Nesterov;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        ref float buf = ref MemoryMarshal.GetReference(momentumBuffer);
        ref float oldP = ref MemoryMarshal.GetReference(backup);
        ref float oldBuf = ref Unsafe.Add(ref oldP, keep ? n : 0);
        int i = 0;
        bool finite = true;
        if (!momentum && !maximize && wd == 0f && Vector512.IsHardwareAccelerated)
        {
            finite = Plain512(lr, parameters, gradients, backup, out i);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vLr = Vector256.Create(lr), vWd = Vector256.Create(wd), vMu = Vector256.Create(mu), vDamp = Vector256.Create(damp);
            Vector256<float> bad = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                if (keep)
                {
                    pv.StoreUnsafe(ref oldP, (nuint)i);
                }

                g = maximize ? -g : g;
                g = wd != 0f ? g + (vWd * pv) : g;
                if (momentum)
                {
                    Vector256<float> old = Vector256.LoadUnsafe(ref buf, (nuint)i);
                    if (keep)
                    {
                        old.StoreUnsafe(ref oldBuf, (nuint)i);
                    }

                    Vector256<float> b = firstStep ? g : (vMu * old) + (vDamp * g);
                    b.StoreUnsafe(ref buf, (nuint)i);
                    bad |= FiniteLanes.NonFinite(b);
                    g = nesterov ? g + (vMu * b) : b;
                }

                Vector256<float> np = pv - (vLr * g);
                np.StoreUnsafe(ref p, (nuint)i);
                bad |= FiniteLanes.NonFinite(np);
            }

            finite &= FiniteLanes.AllFinite(bad);
        }

        for (; i < n; i++)
        {
            float pv = Unsafe.Add(ref p, i);
            float g = Unsafe.Add(ref gr, i);
            if (keep)
            {
                Unsafe.Add(ref oldP, i) = pv;
            }

            g = maximize ? -g : g;
            g = wd != 0f ? g + (wd * pv) : g;
            if (momentum)
            {
                float old = Unsafe.Add(ref buf, i);
                if (keep)
                {
                    Unsafe.Add(ref oldBuf, i) = old;
                }

                float b = firstStep ? g : (mu * old) + (damp * g);
                Unsafe.Add(ref buf, i) = b;
                finite &= float.IsFinite(b);
                g = nesterov ? g + (mu * b) : b;
            }

            float np = pv - (lr * g);
            Unsafe.Add(ref p, i) = np;
            finite &= float.IsFinite(np);
        }

        return finite;
    }

    /// <summary>Whether <see cref="RunWithNorm"/> fuses the norm into the step for <paramref name="s"/> on this machine (the
    /// plain step on 256-bit vectors or wider, which every machine with 512-bit vectors has); otherwise a caller computes
    /// the norm on its own.</summary>
    public static bool FusesNorm(in TrainingSettings s) =>
        s.Momentum == 0f && !s.Maximize && s.WeightDecay == 0f && Vector256.IsHardwareAccelerated;

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
            return RunWithNorm256(s.LearningRate, parameters, gradients, backup, out sumOfSquares);
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

        sumOfSquares = GradientNorm.AddTail(GradientNorm.Reduce512(a0, a1, a2, a3), gradients[..n], blocks);
        return PlainTail(s.LearningRate, parameters, gradients, backup, blocks, FiniteLanes.AllFinite(bad));
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

        sumOfSquares = GradientNorm.AddTail(GradientNorm.Reduce256(a0, a1, a2, a3, a4, a5, a6, a7), gradients[..parameters.Length], blocks);
        return PlainTail(lr, parameters, gradients, backup, blocks, FiniteLanes.AllFinite(bad));
    }

    /// <summary>Eight floats from <paramref name="i"/> of the plain step (old values kept), their squares added into
    /// <paramref name="low"/> and <paramref name="high"/>; returns the finite check's lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Plain8(Vector256<float> vLr, ref float p, ref float gr, ref float oldP, int i,
        ref Vector256<double> low, ref Vector256<double> high)
    {
        Vector256<float> g = Vector256.LoadUnsafe(ref gr, (nuint)i);
        low = GradientNorm.AddSquare(low, GradientNorm.Widen4(ref gr, (nuint)i));
        high = GradientNorm.AddSquare(high, GradientNorm.Widen4(ref gr, (nuint)(i + 4)));
        Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
        pv.StoreUnsafe(ref oldP, (nuint)i);
        Vector256<float> np = pv - (vLr * g);
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

    /// <summary><c>p = p - lr g</c>, the step without momentum, weight decay or maximize, over the whole blocks of sixteen
    /// in Vector512 registers, checked and kept as <see cref="Run"/> does; <paramref name="done"/> is where it stopped.</summary>
    private static bool Plain512(float lr, Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> backup, out int done)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        ref float oldP = ref MemoryMarshal.GetReference(backup);
        bool keep = !backup.IsEmpty;
        Vector512<float> vLr = Vector512.Create(lr);
        Vector512<float> bad = Vector512<float>.Zero;
        int i = 0;
        for (; i + 16 <= parameters.Length; i += 16)
        {
            Vector512<float> pv = Vector512.LoadUnsafe(ref p, (nuint)i);
            if (keep)
            {
                pv.StoreUnsafe(ref oldP, (nuint)i);
            }

            Vector512<float> np = pv - (vLr * Vector512.LoadUnsafe(ref gr, (nuint)i));
            np.StoreUnsafe(ref p, (nuint)i);
            bad |= FiniteLanes.NonFinite(np);
        }

        done = i;
        return FiniteLanes.AllFinite(bad);
    }
}
