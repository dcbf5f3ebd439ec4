using System.Buffers;
using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The messages the page draws from (UTF-8 JSON). A chart point: simulated time, whether learning is paused, the
/// budget, tick time and time per stage, learners trained per frame, the last tick's contained entities (left out, steps
/// skipped, quarantined), and per group its hit rate and mean loss (means
/// over the frames since the last point). A state message (type "state"): the latest point, frame, frame time,
/// backend, per group its name, colour, turrets and learning rate, and the arena's <see cref="DrawList"/> as a flat
/// array of six numbers per primitive: kind, A, B, C, D, colour (0xAARRGGBB).
/// </summary>
internal sealed class SnapshotWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly DrawList _drawing = new();

    /// <summary>The chart point of the frames <paramref name="stats"/> covers.</summary>
    public byte[] WritePoint(ArenaScene scene, LiveStats stats)
    {
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("time", Math.Round(scene.Time, 3));
            json.WriteBoolean("paused", scene.Learning.Paused);
            json.WriteNumber("trained", Math.Round(stats.Trained, 1));
            json.WriteNumber("leftOut", stats.LeftOut);
            json.WriteNumber("stepsSkipped", stats.StepsSkipped);
            json.WriteNumber("quarantined", stats.Quarantined);
            WriteTick(json, scene.Learning.BudgetMs, stats.TickMs, stats.StageNames, stats.StageMs);
            json.WriteStartArray("groups");
            for (int g = 0; g < stats.HitRate.Length; g++)
            {
                json.WriteStartObject();
                json.WriteNumber("hitRate", Math.Round(stats.HitRate[g], 4));
                json.WriteNumber("meanLoss", stats.MeanLoss[g]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return _buffer.WrittenSpan.ToArray();
    }

    /// <summary>The state message: the scene now, with <paramref name="point"/> from <see cref="WritePoint"/>.</summary>
    public byte[] WriteState(ArenaScene scene, LiveStats stats, byte[] point, string? notice)
    {
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            WriteStateHeader(json, ArenaOptions.Turrets, point, scene.Frames, stats.FrameMs, stats.Entities,
                (scene.Learning.ActiveBackend, scene.Learning.Description), notice);
            json.WriteStartArray("groups");
            foreach (TurretGroup group in scene.Groups)
            {
                json.WriteStartObject();
                json.WriteString("name", group.Title);
                json.WriteNumber("colour", group.Colour);
                json.WriteNumber("turrets", group.Turrets.Count);
                json.WriteNumber("learningRate", group.LearningRate);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteDrawing(json, scene);
            json.WriteEndObject();
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private void WriteDrawing(Utf8JsonWriter json, ArenaScene scene)
    {
        ArenaPainter.Paint(scene, _drawing);
        WriteDrawing(json, _drawing);
    }

    /// <summary>Writes a chart point's budget (<c>budgetMs</c>, null for none), tick time (<c>tickMs</c>) and time per
    /// stage (<c>stages</c>: name and ms).</summary>
    public static void WriteTick(Utf8JsonWriter json, double? budgetMs, double tickMs, IReadOnlyList<string> stageNames, double[] stageMs)
    {
        if (budgetMs is double budget)
        {
            json.WriteNumber("budgetMs", budget);
        }
        else
        {
            json.WriteNull("budgetMs");
        }

        json.WriteNumber("tickMs", Math.Round(tickMs, 3));
        json.WriteStartArray("stages");
        for (int i = 0; i < stageNames.Count; i++)
        {
            json.WriteStartObject();
            json.WriteString("name", stageNames[i]);
            json.WriteNumber("ms", Math.Round(stageMs[i], 4));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Writes the fields every scene's state message starts with: type "state", the scene's name, the chart
    /// point, frame, worst frame time since the last message, entities, backend (short name and description) and notice.</summary>
    public static void WriteStateHeader(Utf8JsonWriter json, string scene, byte[] point, long frame, double frameMs, int entities,
        (string Name, string Description) backend, string? notice)
    {
        json.WriteString("type", "state");
        json.WriteString("scene", scene);
        json.WritePropertyName("point");
        json.WriteRawValue(point, skipInputValidation: true);
        json.WriteNumber("frame", frame);
        json.WriteNumber("frameMs", Math.Round(frameMs, 3));
        json.WriteNumber("entities", entities);
        json.WriteString("backend", backend.Name);
        json.WriteString("backendDescription", backend.Description);
        json.WriteString("notice", notice);
    }

    /// <summary>Writes <paramref name="drawing"/> as the state message's <c>draw</c> array.</summary>
    public static void WriteDrawing(Utf8JsonWriter json, DrawList drawing)
    {
        json.WriteStartArray("draw");
        foreach (DrawCommand c in drawing.Commands)
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
}
