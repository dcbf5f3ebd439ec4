namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// The steering scene as a <see cref="DrawList"/> (drawn alike by the page's canvas and the headless SkiaSharp
/// snapshot), each group's field a block of <see cref="FieldBlocks"/>: hazards are dark red discs, each agent's goal a
/// small yellow ring, an agent a dot of its group's colour with a light dot ahead of it on its heading, and the first
/// agents' recent paths (a point per decision) dim dots of their group's colour.
/// </summary>
internal static class SteeringPainter
{
    private const uint HazardColour = 0xFF6B1E1E, HazardEdge = 0xFFFF5252,
        GoalColour = 0xFFFFD54F, HeadingColour = 0xFFE8EAED;

    /// <summary>Fills <paramref name="list"/> with the scene as it is now.</summary>
    public static void Paint(SteeringScene scene, DrawList list)
    {
        FieldBlocks.Begin(list);
        foreach (SteeringGroup group in scene.Groups)
        {
            (float left, float top, float side) = FieldBlocks.Paint(list, scene.Groups.Count, group.Index, group.Colour);
            PaintField(scene.Field, group, list, left, top, side);
        }
    }

    private static void PaintField(SteeringField field, SteeringGroup group, DrawList list, float left, float top, float side)
    {
        for (int h = 0; h < SteeringField.HazardCount; h++)
        {
            float x = left + (field.HazardX[h] * side), y = top + ((1 - field.HazardY[h]) * side);
            list.Add(DrawKind.FillCircle, x, y, field.HazardRadius[h] * side, 0, HazardColour);
            list.Add(DrawKind.Ring, x, y, field.HazardRadius[h] * side, 1, HazardEdge);
        }

        uint trail = (group.Colour & 0x00FFFFFF) | 0xA0000000;
        float dot = Math.Max(1.5f, side * 0.006f);
        for (int k = 0; k < group.Trail.Length; k += 2)
        {
            list.Add(DrawKind.FillCircle, left + (group.Trail[k] * side), top + ((1 - group.Trail[k + 1]) * side), dot * 0.6f, 0, trail);
        }

        for (int i = 0; i < group.Count; i++)
        {
            list.Add(DrawKind.Ring, left + (group.GoalX[i] * side), top + ((1 - group.GoalY[i]) * side), dot * 1.6f, 1, GoalColour);
        }

        for (int i = 0; i < group.Count; i++)
        {
            float x = left + (group.X[i] * side), y = top + ((1 - group.Y[i]) * side);
            list.Add(DrawKind.FillCircle, x, y, dot, 0, group.Colour);
            list.Add(DrawKind.FillCircle, x + (group.HeadingX[i] * dot * 2), y - (group.HeadingY[i] * dot * 2), dot * 0.5f, 0, HeadingColour);
        }
    }
}
