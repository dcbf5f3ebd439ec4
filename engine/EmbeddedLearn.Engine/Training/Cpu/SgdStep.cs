using System.Numerics;
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
internal static partial class SgdStep
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

        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> vLr = new Vector<float>(lr), vWd = new Vector<float>(wd), vMu = new Vector<float>(mu), vDamp = new Vector<float>(damp);
            Vector<float> bad = Vector<float>.Zero;
            for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
            {
                Vector<float> pv = Vector.LoadUnsafe(ref p, (nuint)i);
                Vector<float> g = Vector.LoadUnsafe(ref gr, (nuint)i);
                if (keep)
                {
                    pv.StoreUnsafe(ref oldP, (nuint)i);
                }

                g = maximize ? -g : g;
                g = wd != 0f ? g + (vWd * pv) : g;
                if (momentum)
                {
                    Vector<float> old = Vector.LoadUnsafe(ref buf, (nuint)i);
                    if (keep)
                    {
                        old.StoreUnsafe(ref oldBuf, (nuint)i);
                    }

                    Vector<float> b = firstStep ? g : (vMu * old) + (vDamp * g);
                    b.StoreUnsafe(ref buf, (nuint)i);
                    bad |= FiniteLanes.NonFinite(b);
                    g = nesterov ? g + (vMu * b) : b;
                }

                Vector<float> np = pv - (vLr * g);
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
