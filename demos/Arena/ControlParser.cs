using System.Globalization;
using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// Validates a control message from the page: at most <see cref="MaxBytes"/> bytes of UTF-8 JSON, an object with a
/// string <c>type</c> and exactly the fields that type takes, each in range. Messages:
/// <c>{"type":"pause"}</c>, <c>{"type":"resume"}</c>, <c>{"type":"reset","group":G}</c>,
/// <c>{"type":"learningRate","group":G,"value":LR}</c> (0 &lt; LR &lt;= 1),
/// <c>{"type":"addTurrets","group":G,"count":N}</c> (1..64, at most <see cref="ArenaOptions.MaxTurrets"/> in all),
/// <c>{"type":"budget","ms":M}</c> (0.1..16.6, or null for none), <c>{"type":"backend","kind":"cpu"|"opencl"}</c>.
/// The foragers and steering scenes take pause, resume, reset, learningRate, budget and backend, and
/// <c>{"type":"greedy","value":true|false}</c> (learning agents act greedily, or explore again); they refuse
/// addTurrets with the reason.
/// </summary>
internal static class ControlParser
{
    /// <summary>Largest control message accepted, in bytes.</summary>
    public const int MaxBytes = 512;

    /// <summary>Returns the command, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static ControlCommand? Parse(ReadOnlySpan<byte> utf8, int groups, int turrets, out string? error) =>
        Parse(utf8, groups, turrets, ArenaOptions.Turrets, out error);

    /// <summary>Returns the command for scene <paramref name="scene"/> (<see cref="ArenaOptions.Turrets"/>,
    /// <see cref="ArenaOptions.Foragers"/> or <see cref="ArenaOptions.Steering"/>), or null with
    /// <paramref name="error"/> saying what is wrong.</summary>
    public static ControlCommand? Parse(ReadOnlySpan<byte> utf8, int groups, int turrets, string scene, out string? error)
    {
        error = null;
        if (utf8.Length > MaxBytes)
        {
            error = "message too large: " + utf8.Length + " bytes, at most " + MaxBytes;
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            return Parse(document.RootElement, groups, turrets, scene);
        }
        catch (JsonException ex)
        {
            error = "not JSON: " + ex.Message;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
        }

        return null;
    }

    private static ControlCommand Parse(JsonElement root, int groups, int turrets, string scene)
    {
        bool agents = scene != ArenaOptions.Turrets;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String)
        {
            throw new FormatException("a control message is a JSON object with a string field \"type\"");
        }

        string kind = type.GetString()!;
        string[] fields = kind switch
        {
            "pause" or "resume" => [],
            "reset" => ["group"],
            "learningRate" => ["group", "value"],
            "addTurrets" => ["group", "count"],
            "budget" => ["ms"],
            "backend" => ["kind"],
            "greedy" when agents => ["value"],
            _ => throw new FormatException("unknown control type \"" + kind + "\""),
        };
        if (agents && kind == "addTurrets")
        {
            throw new FormatException("addTurrets: the " + scene + " scene has no turrets");
        }

        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (property.Name != "type" && Array.IndexOf(fields, property.Name) < 0)
            {
                throw new FormatException(kind + ": unknown field \"" + property.Name + "\"");
            }
        }

        return kind switch
        {
            "pause" => new ControlCommand(ControlKind.Pause),
            "resume" => new ControlCommand(ControlKind.Resume),
            "reset" => new ControlCommand(ControlKind.Reset, Group(root, kind, groups)),
            "learningRate" => new ControlCommand(ControlKind.LearningRate, Group(root, kind, groups), Value: Number(root, kind, "value", 1e-6, 1)),
            "addTurrets" => AddTurrets(root, kind, groups, turrets),
            "greedy" => new ControlCommand(ControlKind.Greedy, Value: Flag(root, kind, "value") ? 1 : 0),
            "budget" => new ControlCommand(ControlKind.Budget, Value: Field(root, kind, "ms").ValueKind == JsonValueKind.Null
                ? null
                : Number(root, kind, "ms", 0.1, 16.6)),
            _ => new ControlCommand(ControlKind.Backend, Backend: BackendField(root, kind)),
        };
    }

    private static ControlCommand AddTurrets(JsonElement root, string kind, int groups, int turrets)
    {
        int group = Group(root, kind, groups);
        int count = (int)Number(root, kind, "count", 1, 64, integer: true);
        if (turrets + count > ArenaOptions.MaxTurrets)
        {
            throw new FormatException(string.Format(CultureInfo.InvariantCulture,
                "addTurrets: {0} more would make {1} turrets; at most {2}", count, turrets + count, ArenaOptions.MaxTurrets));
        }

        return new ControlCommand(ControlKind.AddTurrets, group, Count: count);
    }

    private static ArenaBackend BackendField(JsonElement root, string kind)
    {
        JsonElement value = Field(root, kind, "kind");
        string? name = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return name == "cpu" ? ArenaBackend.Cpu
            : name == "opencl" ? ArenaBackend.OpenCl
            : throw new FormatException("backend: \"kind\" must be \"cpu\" or \"opencl\"; got " + value.GetRawText());
    }

    private static bool Flag(JsonElement root, string kind, string name)
    {
        JsonElement value = Field(root, kind, name);
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new FormatException(kind + ": \"" + name + "\" must be true or false; got " + value.GetRawText());
    }

    private static int Group(JsonElement root, string kind, int groups) => (int)Number(root, kind, "group", 0, groups - 1, integer: true);

    private static double Number(JsonElement root, string kind, string name, double min, double max, bool integer = false)
    {
        JsonElement value = Field(root, kind, name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !(number >= min && number <= max)
            || (integer && number != Math.Floor(number)))
        {
            throw new FormatException(string.Format(CultureInfo.InvariantCulture, "{0}: \"{1}\" must be {2} in [{3}, {4}]; got {5}",
                kind, name, integer ? "an integer" : "a number", min, max, value.GetRawText()));
        }

        return number;
    }

    private static JsonElement Field(JsonElement root, string kind, string name) =>
        root.TryGetProperty(name, out JsonElement value) ? value : throw new FormatException(kind + ": field \"" + name + "\" is missing");
}
