using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// Copies a chunk's samples into the pinned staging memory the device reads next, with non-temporal stores where the
/// CPU has them: the staging is written once per tick and read by the device, not by this core, so streaming it past
/// the cache saves the read of each line that an ordinary store makes first (a third of the gather's memory traffic).
/// Checks the values for NaN and infinity as it copies them (the admission's check), so the copy is never read back.
/// </summary>
internal static unsafe class StreamingCopy
{
    /// <summary>Copies <paramref name="from"/> to the start of <paramref name="to"/>; returns whether
    /// <paramref name="check"/> and a copied value is NaN or infinite.</summary>
    public static bool Copy(ReadOnlySpan<float> from, Span<float> to, bool check)
    {
        if (to.Length < from.Length)
        {
            throw new ArgumentException("The staging holds " + to.Length + " floats; " + from.Length + " were to be copied.", nameof(to));
        }

        int n = from.Length;
        fixed (float* source = from)
        fixed (float* target = to)
        {
            // The finite check of the optimizer steps (FiniteLanes), on the values as they pass through the registers.
            bool finite = true;
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                int head = Math.Min(n, (int)((Vector256<byte>.Count - ((nint)target & (Vector256<byte>.Count - 1))) & (Vector256<byte>.Count - 1)) / sizeof(float));
                for (; i < head; i++)
                {
                    target[i] = source[i];
                    finite &= float.IsFinite(source[i]);
                }

                Vector256<float> bad = Vector256<float>.Zero;
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    Vector256<float> v = Vector256.Load(source + i);
                    Vector256.StoreAlignedNonTemporal(v, target + i);
                    bad |= FiniteLanes.NonFinite(v);
                }

                finite &= FiniteLanes.AllFinite(bad);
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<float> bad = Vector128<float>.Zero;
                for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                {
                    Vector128<float> v = Vector128.Load(source + i);
                    Vector128.Store(v, target + i);
                    bad |= FiniteLanes.NonFinite(v);
                }

                finite &= FiniteLanes.AllFinite(bad);
            }

            for (; i < n; i++)
            {
                target[i] = source[i];
                finite &= float.IsFinite(source[i]);
            }

            if (Sse.IsSupported)
            {
                Sse.StoreFence(); // the streamed stores are ordered before whatever hands the memory to the device
            }

            return check && !finite;
        }
    }
}
