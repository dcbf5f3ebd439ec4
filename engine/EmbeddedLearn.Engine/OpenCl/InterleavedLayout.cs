namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The device layout of a component of <c>K</c> elements per entity: interleaved across entities in tiles of
/// <c>tile</c> entities, element <c>k</c> of entity <c>e</c> at <c>(e / tile) * tile * K + k * tile + e % tile</c>
/// (<see cref="Index"/>), where the host keeps it at <c>e * K + k</c> (entity-major, the engine's and PyTorch's
/// order). With one tile for all entities this is <c>k * tile + e</c>, the GPU layout (the tile is then the stride,
/// <see cref="Stride"/>); a CPU device uses tiles of one work-item's vector of entities. Buffers hold
/// <see cref="PaddedCount"/> entities; padding is zero.
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

    /// <summary><paramref name="count"/> rounded up to whole tiles (at least one tile).</summary>
    public static int PaddedCount(int count, int tile) => Math.Max(1, (count + tile - 1) / tile) * tile;

    /// <summary>Where element <paramref name="element"/> of entity <paramref name="entity"/> lives in a buffer of
    /// <paramref name="elements"/> elements per entity.</summary>
    public static long Index(int entity, int element, int elements, int tile) =>
        ((long)(entity / tile) * tile * elements) + ((long)element * tile) + (entity % tile);

    /// <summary>Writes the rows of <paramref name="entityMajor"/> ([rows, elements]) into
    /// <paramref name="device"/> as entities <paramref name="firstEntity"/> onwards.</summary>
    public static void Interleave<T>(ReadOnlySpan<T> entityMajor, int elements, int tile, int firstEntity, Span<T> device)
        where T : unmanaged
    {
        int rows = Rows(entityMajor.Length, elements, tile, firstEntity, device.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> row = entityMajor.Slice(r * elements, elements);
            long at = Index(firstEntity + r, 0, elements, tile);
            for (int k = 0; k < elements; k++, at += tile)
            {
                device[(int)at] = row[k];
            }
        }
    }

    /// <summary>Reads entities <paramref name="firstEntity"/> onwards of <paramref name="device"/> into the rows of
    /// <paramref name="entityMajor"/> ([rows, elements]).</summary>
    public static void Deinterleave<T>(ReadOnlySpan<T> device, int elements, int tile, int firstEntity, Span<T> entityMajor)
        where T : unmanaged
    {
        int rows = Rows(entityMajor.Length, elements, tile, firstEntity, device.Length);
        for (int r = 0; r < rows; r++)
        {
            Span<T> row = entityMajor.Slice(r * elements, elements);
            long at = Index(firstEntity + r, 0, elements, tile);
            for (int k = 0; k < elements; k++, at += tile)
            {
                row[k] = device[(int)at];
            }
        }
    }

    private static int Rows(int entityMajorLength, int elements, int tile, int firstEntity, int deviceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elements, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tile, 1);
        if (entityMajorLength % elements != 0)
        {
            throw new ArgumentException($"The entity-major span holds {entityMajorLength} values, not a whole number of rows of {elements}.");
        }

        int rows = entityMajorLength / elements;
        if (firstEntity < 0 || deviceLength < (long)PaddedCount(firstEntity + rows, tile) * elements)
        {
            throw new ArgumentException($"Entities {firstEntity}..{firstEntity + rows - 1} of {elements} elements do not fit a device span of {deviceLength} values in tiles of {tile}.");
        }

        return rows;
    }
}
