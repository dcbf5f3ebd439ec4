namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The device layout of a component: element <c>k</c> of entity <c>e</c> at <c>k * stride + e</c> (interleaved
/// across entities), where the host keeps it at <c>e * elements + k</c> (entity-major, the engine's and PyTorch's
/// order). The stride is the entity count padded to an odd number of alignment units (<see cref="Stride"/>), so
/// neighbouring work-items touch neighbouring, aligned addresses.
/// </summary>
internal static class InterleavedLayout
{
    /// <summary>The stride for <paramref name="count"/> entities: the smallest odd multiple of
    /// <paramref name="alignment"/> that is at least <paramref name="count"/>. Odd, so that a stride is never a
    /// power of two times the alignment: the elements of one entity lie a stride apart, and a stride such as 4 KiB
    /// would put them all in the same cache set (see <see cref="WorkGroupPlan.StrideAlignment"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative count or an alignment below 1.</exception>
    public static int Stride(int count, int alignment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(alignment, 1);
        long groups = Math.Max(1, (count + (long)alignment - 1) / alignment);
        long stride = (groups | 1) * alignment;
        return stride <= int.MaxValue
            ? (int)stride
            : throw new ArgumentOutOfRangeException(nameof(count), count, "The padded stride exceeds int.MaxValue.");
    }

    /// <summary>Writes the rows of <paramref name="entityMajor"/> ([rows, elements]) into
    /// <paramref name="interleaved"/> ([elements, stride]) as entities <paramref name="firstEntity"/> onwards.</summary>
    public static void Interleave<T>(ReadOnlySpan<T> entityMajor, int elements, int stride, int firstEntity, Span<T> interleaved)
        where T : unmanaged
    {
        int rows = Rows(entityMajor.Length, elements, stride, firstEntity, interleaved.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = entityMajor.Slice(r * elements, elements);
            int e = firstEntity + r;
            for (int k = 0; k < elements; k++)
            {
                interleaved[(k * stride) + e] = row[k];
            }
        }
    }

    /// <summary>Reads entities <paramref name="firstEntity"/> onwards of <paramref name="interleaved"/>
    /// ([elements, stride]) into the rows of <paramref name="entityMajor"/> ([rows, elements]).</summary>
    public static void Deinterleave<T>(ReadOnlySpan<T> interleaved, int elements, int stride, int firstEntity, Span<T> entityMajor)
        where T : unmanaged
    {
        int rows = Rows(entityMajor.Length, elements, stride, firstEntity, interleaved.Length);
        for (int r = 0; r < rows; r++)
        {
            Span<T> row = entityMajor.Slice(r * elements, elements);
            int e = firstEntity + r;
            for (int k = 0; k < elements; k++)
            {
                row[k] = interleaved[(k * stride) + e];
            }
        }
    }

    private static int Rows(int entityMajorLength, int elements, int stride, int firstEntity, int interleavedLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elements, 1);
        if (entityMajorLength % elements != 0)
        {
            throw new ArgumentException($"The entity-major span holds {entityMajorLength} values, not a whole number of rows of {elements}.");
        }

        int rows = entityMajorLength / elements;
        if (firstEntity < 0 || firstEntity + rows > stride || interleavedLength < (long)elements * stride)
        {
            throw new ArgumentException($"Entities {firstEntity}..{firstEntity + rows - 1} of {elements} elements do not fit an interleaved span of {interleavedLength} values with stride {stride}.");
        }

        return rows;
    }
}
