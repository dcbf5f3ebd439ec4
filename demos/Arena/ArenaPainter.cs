namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The arena's geometry and colours, computed once in C# for both renderers: the page's canvas script and the
/// headless SkiaSharp snapshot draw the same <see cref="DrawList"/>. Each group fills a block, side by side; each
/// turret sits in a cell of its group's grid, its target circling it; turrets are coloured by their loss
/// (<see cref="LossColour"/>), shells in flight are yellow dots, a landing flashes green (hit) or red (miss).
/// </summary>
internal static class ArenaPainter
{
    /// <summary>Canvas width and height in pixels.</summary>
    public const int Width = 960, Height = 400;

    private const float Margin = 10, Bar = 6, CellUnits = 2.6f;
    private const int FlashFrames = 15;
    private const uint Background = 0xFF111418, Block = 0xFF1B1F24, TargetColour = 0xFFE8EAED, ShellColour = 0xFFFFD54F;
    private const uint HitColour = 0xFF00E676, MissColour = 0xFFFF5252;

    /// <summary>Fills <paramref name="list"/> with the scene as it is now.</summary>
    public static void Paint(ArenaScene scene, DrawList list)
    {
        list.Clear();
        list.Add(DrawKind.FillRect, 0, 0, Width, Height, Background);
        int n = scene.Groups.Count;
        float blockWidth = (Width - (Margin * (n + 1))) / n, blockHeight = Height - (2 * Margin) - Bar;
        foreach (TurretGroup group in scene.Groups)
        {
            float left = Margin + (group.Index * (blockWidth + Margin)), top = Margin + Bar;
            list.Add(DrawKind.FillRect, left, Margin, blockWidth, Bar, group.Colour);
            list.Add(DrawKind.FillRect, left, top, blockWidth, blockHeight, Block);
            PaintGroup(scene, group, list, left, top, blockWidth, blockHeight);
        }
    }

    private static void PaintGroup(ArenaScene scene, TurretGroup group, DrawList list, float left, float top, float width, float height)
    {
        int count = group.Turrets.Count;
        if (count == 0)
        {
            return;
        }

        int columns = (int)Math.Ceiling(Math.Sqrt(count * width / height));
        int rows = (count + columns - 1) / columns;
        float cell = Math.Min(width / columns, height / rows), scale = cell / CellUnits;
        float x0 = left + ((width - (columns * cell)) / 2), y0 = top + ((height - (rows * cell)) / 2);
        for (int i = 0; i < count; i++)
        {
            Turret turret = group.Turrets[i];
            float cx = x0 + (((i % columns) + 0.5f) * cell), cy = y0 + (((i / columns) + 0.5f) * cell);
            (float tx, float ty) = turret.Target.At(scene.Time);
            list.Add(DrawKind.Ring, cx + (tx * scale), cy - (ty * scale), ArenaScene.HitRadius * scale, 1, TargetColour);
            if (turret.ShellFired >= 0)
            {
                float p = (float)(scene.Frames - turret.ShellFired) / ArenaScene.ShellFrames;
                float sx = cx + (p * turret.ShellX * scale), sy = cy - (p * turret.ShellY * scale);
                list.Add(DrawKind.FillCircle, sx, sy, Math.Max(1f, 0.05f * cell), 0, ShellColour);
            }

            if (turret.LastLanded >= 0 && scene.Frames - turret.LastLanded < FlashFrames)
            {
                list.Add(DrawKind.Ring, cx + (turret.ShellX * scale), cy - (turret.ShellY * scale), 1.6f * ArenaScene.HitRadius * scale, 2,
                    turret.LastHit ? HitColour : MissColour);
            }

            list.Add(DrawKind.FillCircle, cx, cy, Math.Max(1.5f, 0.12f * cell), 0, LossColour.For(turret.Loss));
        }
    }
}
