namespace EmbeddedLearn.Ecs;

/// <summary>Splits an archetype's chunks into row ranges for parallel work.</summary>
internal static class ChunkRanges
{
    /// <summary>Appends ranges of at most <paramref name="rowsPerPiece"/> rows covering every live row of
    /// <paramref name="archetype"/> to <paramref name="ranges"/> from <paramref name="count"/>, growing it when
    /// needed; returns the new count.</summary>
    public static int Append(Archetype archetype, int rowsPerPiece, ref ChunkRange[] ranges, int count)
    {
        for (int c = 0; c < archetype.ChunkCount; c++)
        {
            Chunk chunk = archetype.GetChunk(c);
            for (int start = 0; start < chunk.Count; start += rowsPerPiece)
            {
                if (count == ranges.Length)
                {
                    Array.Resize(ref ranges, ranges.Length * 2);
                }

                ranges[count++] = new ChunkRange(chunk, start, Math.Min(rowsPerPiece, chunk.Count - start));
            }
        }

        return count;
    }
}
