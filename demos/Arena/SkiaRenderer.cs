using SkiaSharp;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>Draws a <see cref="DrawList"/> with SkiaSharp into a PNG, primitive for primitive as the page's canvas
/// script does.</summary>
internal static class SkiaRenderer
{
    /// <summary>Writes <paramref name="list"/> as a <see cref="ArenaPainter.Width"/> x <see cref="ArenaPainter.Height"/>
    /// PNG to <paramref name="path"/>.</summary>
    public static void WritePng(DrawList list, string path)
    {
        using var surface = SKSurface.Create(new SKImageInfo(ArenaPainter.Width, ArenaPainter.Height));
        SKCanvas canvas = surface.Canvas;
        using var paint = new SKPaint { IsAntialias = true };
        foreach (DrawCommand c in list.Commands)
        {
            paint.Color = new SKColor(c.Colour);
            paint.Style = c.Kind == DrawKind.Ring ? SKPaintStyle.Stroke : SKPaintStyle.Fill;
            paint.StrokeWidth = c.D;
            switch (c.Kind)
            {
                case DrawKind.FillRect:
                    canvas.DrawRect(c.A, c.B, c.C, c.D, paint);
                    break;
                case DrawKind.FillCircle:
                case DrawKind.Ring:
                    canvas.DrawCircle(c.A, c.B, c.C, paint);
                    break;
                default:
                    throw new InvalidOperationException("Unknown draw command " + c.Kind + ".");
            }
        }

        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        using FileStream file = File.Create(path);
        png.SaveTo(file);
    }
}
