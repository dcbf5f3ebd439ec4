using System.Buffers;
using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The state message the page draws from (UTF-8 JSON, type "state"): frame, simulated time, whether learning is
/// paused, the backend, the budget, frame and tick times, time per stage, entities trained per frame, per group its
/// hit rate and mean loss (averaged since the last message), and the arena's <see cref="DrawList"/> as a flat array of
/// six numbers per primitive: kind, A, B, C, D, colour (0xAARRGGBB).
/// </summary>
internal sealed class SnapshotWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly DrawList _drawing = new();

    /// <summary>Serialises the scene now, with <paramref name="stats"/> averaged over the frames since the last call.</summary>
    public byte[] Write(ArenaScene scene, LiveStats stats, string? notice)
    {
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "state");
            json.WriteNumber("frame", scene.Frames);
            json.WriteNumber("time", Math.Round(scene.Time, 3));
            json.WriteBoolean("paused", scene.Learning.Paused);
            json.WriteString("backend", scene.Learning.ActiveBackend);
            json.WriteString("backendDescription", scene.Learning.Description);
            WriteNullable(json, "budgetMs", scene.Learning.BudgetMs);
            json.WriteNumber("frameMs", Math.Round(stats.FrameMs, 3));
            json.WriteNumber("tickMs", Math.Round(stats.TickMs, 3));
            json.WriteNumber("trained", Math.Round(stats.Trained, 1));
            json.WriteNumber("entities", stats.Entities);
            json.WriteString("notice", notice);
            json.WriteStartArray("stages");
            for (int i = 0; i < stats.StageNames.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("name", stats.StageNames[i]);
                json.WriteNumber("ms", Math.Round(stats.StageMs[i], 4));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteGroups(json, scene, stats);
            WriteDrawing(json, scene);
            json.WriteEndObject();
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private static void WriteGroups(Utf8JsonWriter json, ArenaScene scene, LiveStats stats)
    {
        json.WriteStartArray("groups");
        foreach (TurretGroup group in scene.Groups)
        {
            json.WriteStartObject();
            json.WriteString("name", group.Spec.Name);
            json.WriteNumber("colour", group.Spec.Colour);
            json.WriteNumber("turrets", group.Turrets.Count);
            json.WriteNumber("learningRate", group.LearningRate);
            json.WriteNumber("hitRate", Math.Round(stats.HitRate[group.Index], 4));
            json.WriteNumber("meanLoss", stats.MeanLoss[group.Index]);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private void WriteDrawing(Utf8JsonWriter json, ArenaScene scene)
    {
        ArenaPainter.Paint(scene, _drawing);
        json.WriteStartArray("draw");
        foreach (DrawCommand c in _drawing.Commands)
        {
            json.WriteNumberValue((int)c.Kind);
            json.WriteNumberValue(MathF.Round(c.A, 1));
            json.WriteNumberValue(MathF.Round(c.B, 1));
            json.WriteNumberValue(MathF.Round(c.C, 2));
            json.WriteNumberValue(MathF.Round(c.D, 1));
            json.WriteNumberValue(c.Colour);
        }

        json.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
