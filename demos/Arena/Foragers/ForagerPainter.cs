namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// The foragers scene as a <see cref="DrawList"/> (drawn alike by the page's canvas and the headless SkiaSharp
/// snapshot), each group's field a block of <see cref="FieldBlocks"/>: food is a small yellow dot, an agent a dot of
/// its group's colour, a hunter a red dot inside a ring of its catch radius (dim while it rests after a catch).
/// </summary>
internal static class ForagerPainter
{
    private const uint FoodColour = 0xFFFFD54F, HunterColour = 0xFFFF5252, RestingColour = 0xFF7A3434;

    /// <summary>Fills <paramref name="list"/> with the scene as it is now.</summary>
    public static void Paint(ForagersScene scene, DrawList list)
    {
        FieldBlocks.Begin(list);
        foreach (ForagerGroup group in scene.Groups)
        {
            (float left, float top, float side) = FieldBlocks.Paint(list, scene.Groups.Count, group.Index, group.Colour);
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
