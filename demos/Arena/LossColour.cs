namespace EmbeddedLearn.Demos.Arena;

/// <summary>A turret's colour from its current loss: green at 3e-5 and below, through yellow, to red at 1e-2 and
/// above, on a log scale (losses are squared arena units).</summary>
internal static class LossColour
{
    private const double Best = -4.5, Worst = -2;

    /// <summary>0xAARRGGBB for <paramref name="loss"/>; grey before the first training step (loss 0).</summary>
    public static uint For(double loss)
    {
        if (!(loss > 0))
        {
            return 0xFF9AA0A6;
        }

        double s = Math.Clamp((Math.Log10(loss) - Best) / (Worst - Best), 0, 1);
        uint red = (uint)Math.Round(255 * Math.Min(1, 2 * s));
        uint green = (uint)Math.Round(255 * Math.Min(1, 2 * (1 - s)));
        return 0xFF000000 | (red << 16) | (green << 8) | 0x30;
    }
}
