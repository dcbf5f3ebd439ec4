using System.Text.Json;
using EmbeddedLearn.Demos.Arena;
using SkiaSharp;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The page and the headless snapshot draw the same list: the state message carries it whole, and SkiaSharp
/// renders its primitives where and in the colour they say.</summary>
public sealed class DrawingTests
{
    [Fact]
    public void The_state_message_carries_the_painters_draw_list_and_every_groups_figures()
    {
        using ArenaScene scene = Scene();
        var drawing = new DrawList();
        ArenaPainter.Paint(scene, drawing);
        var stats = new LiveStats();
        stats.Add(scene);

        var writer = new SnapshotWriter();
        JsonElement state = JsonDocument.Parse(writer.WriteState(scene, stats, writer.WritePoint(scene, stats), notice: null)).RootElement;

        double[] draw = [.. state.GetProperty("draw").EnumerateArray().Select(e => e.GetDouble())];
        Assert.Equal(6 * drawing.Count, draw.Length);
        DrawCommand last = drawing.Commands[^1];
        Assert.Equal([(double)last.Kind, Math.Round(last.A, 1), Math.Round(last.B, 1), Math.Round(last.C, 2), Math.Round(last.D, 1), last.Colour],
            draw[^6..].Select(v => Math.Round(v, 2)));
        Assert.Equal(scene.Groups.Select(g => g.Turrets.Count), state.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("turrets").GetInt32()));
        JsonElement point = state.GetProperty("point");
        Assert.Equal(scene.TurretCount, point.GetProperty("trained").GetDouble());
        Assert.False(point.GetProperty("paused").GetBoolean());
        Assert.Equal(scene.Groups.Select(g => Math.Round(g.HitRate, 4)), point.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("hitRate").GetDouble()));
        Assert.Equal("CPU", state.GetProperty("backend").GetString());
    }

    [Fact]
    public void SkiaSharp_draws_each_turret_in_its_loss_colour_at_its_place()
    {
        using ArenaScene scene = Scene();
        var drawing = new DrawList();
        ArenaPainter.Paint(scene, drawing);
        string path = Path.Combine(Path.GetTempPath(), "arena-drawing-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            SkiaRenderer.WritePng(drawing, path);
            using SKBitmap bitmap = SKBitmap.Decode(path);

            DrawCommand turret = drawing.Commands[^1]; // the last turret, drawn last: nothing covers it
            Assert.Equal(DrawKind.FillCircle, turret.Kind);
            Assert.Equal(LossColour.For(scene.Groups[^1].Turrets[^1].Loss), turret.Colour);
            Assert.Equal(new SKColor(turret.Colour), bitmap.GetPixel((int)turret.A, (int)turret.B));
            Assert.Equal(new SKColor(drawing.Commands[0].Colour), bitmap.GetPixel(1, 1));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ArenaScene Scene()
    {
        ArenaScene scene = new ArenaOptions(TurretsPerGroup: 9, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 4).CreateScene(log: null);
        for (int i = 0; i < 40; i++)
        {
            scene.Frame();
        }

        return scene;
    }
}
