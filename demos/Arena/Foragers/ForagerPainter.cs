namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// The foragers scene as a <see cref="DrawList"/> (drawn alike by the page's canvas and the headless SkiaSharp
/// snapshot), in the arena's <see cref="ArenaPainter.Width"/> x <see cref="ArenaPainter.Height"/> canvas: each group's
/// field is a square block side by side, under a bar of the group's colour; food is a small yellow dot, an agent a dot of
/// its group's colour, a hunter a red dot inside a ring of its catch radius (dim while it rests after a catch).
/// </summary>
internal static class ForagerPainter
{
    private const float Margin = 10, Bar = 6;
    private const uint Background = 0xFF111418, Block = 0xFF1B1F24, FoodColour = 0xFFFFD54F, HunterColour = 0xFFFF5252, RestingColour = 0xFF7A3434;

    /// <summary>Fills <paramref name="list"/> with the scene as it is now.</summary>
    public static void Paint(ForagersScene scene, DrawList list)
    {
        list.Clear();
        list.Add(DrawKind.FillRect, 0, 0, ArenaPainter.Width, ArenaPainter.Height, Background);
        int n = scene.Groups.Count;
        float blockWidth = (ArenaPainter.Width - (Margin * (n + 1))) / n, side = Math.Min(blockWidth, ArenaPainter.Height - (3 * Margin) - Bar);
        foreach (ForagerGroup group in scene.Groups)
        {
            float left = Margin + (group.Index * (blockWidth + Margin)) + ((blockWidth - side) / 2);
            float top = (2 * Margin) + Bar + ((ArenaPainter.Height - (3 * Margin) - Bar - side) / 2);
            list.Add(DrawKind.FillRect, left, top - Margin - Bar, side, Bar, group.Colour);
            list.Add(DrawKind.FillRect, left, top, side, side, Block);
            PaintField(group, list, left, top, side);
        }
    }

    private static void PaintField(ForagerGroup group, DrawList list, float left, float top, float side)
    {
        float dot = Math.Max(1.2f, side * 0.005f);
        for (int f = 0; f < group.FoodX.Length; f++)
        {
            list.Add(DrawKind.FillCircle, left + (group.FoodX[f] * side), top + ((1 - group.FoodY[f]) * side), dot, 0, FoodColour);
        }

        for (int i = 0; i < group.Count; i++)
        {
            list.Add(DrawKind.FillCircle, left + (group.X[i] * side), top + ((1 - group.Y[i]) * side), dot * 1.3f, 0, group.Colour);
        }

        for (int h = 0; h < group.HunterX.Length; h++)
        {
            float x = left + (group.HunterX[h] * side), y = top + ((1 - group.HunterY[h]) * side);
            uint colour = group.HunterRest[h] > 0 ? RestingColour : HunterColour;
            list.Add(DrawKind.FillCircle, x, y, dot * 2.5f, 0, colour);
            list.Add(DrawKind.Ring, x, y, ForagersScene.CatchRadius * side, 1, colour);
        }
    }
}
