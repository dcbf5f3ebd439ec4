namespace EmbeddedLearn.Demos.Arena;

/// <summary>The agent scenes' layout in the <see cref="ArenaPainter.Width"/> x <see cref="ArenaPainter.Height"/> canvas:
/// each group's field a square block, side by side, under a bar of the group's colour.</summary>
internal static class FieldBlocks
{
    private const float Margin = 10, Bar = 6;
    private const uint Background = 0xFF111418, Block = 0xFF1B1F24;

    /// <summary>Clears <paramref name="list"/> and paints the background.</summary>
    public static void Begin(DrawList list)
    {
        list.Clear();
        list.Add(DrawKind.FillRect, 0, 0, ArenaPainter.Width, ArenaPainter.Height, Background);
    }

    /// <summary>Paints the bar and the empty block of group <paramref name="index"/> of <paramref name="groups"/>;
    /// returns the block's top-left corner and side in pixels.</summary>
    public static (float Left, float Top, float Side) Paint(DrawList list, int groups, int index, uint colour)
    {
        float blockWidth = (ArenaPainter.Width - (Margin * (groups + 1))) / groups, side = Math.Min(blockWidth, ArenaPainter.Height - (3 * Margin) - Bar);
        float left = Margin + (index * (blockWidth + Margin)) + ((blockWidth - side) / 2);
        float top = (2 * Margin) + Bar + ((ArenaPainter.Height - (3 * Margin) - Bar - side) / 2);
        list.Add(DrawKind.FillRect, left, top - Margin - Bar, side, Bar, colour);
        list.Add(DrawKind.FillRect, left, top, side, side, Block);
        return (left, top, side);
    }
}
