using System.Text.Json.Nodes;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>JSON helpers for the fixture: float32 arrays that must hold finite numbers only.</summary>
internal static class Json
{
    /// <summary>A JSON array of the floats (written shortest-round-trip); throws on NaN or infinity.</summary>
    internal static JsonArray Floats(IReadOnlyList<float> values, string what)
    {
        var a = new JsonArray();
        for (int i = 0; i < values.Count; i++) a.Add(Finite(values[i], $"{what}[{i}]"));
        return a;
    }

    /// <summary>The float as a JSON value; throws naming <paramref name="what"/> if it is NaN or infinite.</summary>
    internal static JsonValue Finite(float value, string what) =>
        float.IsFinite(value) ? JsonValue.Create(value) : throw new InvalidOperationException($"{what} is {value}, not finite");

    /// <summary>A JSON array of the integers.</summary>
    internal static JsonArray Ints(IEnumerable<int> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    /// <summary>The array of floats at <paramref name="key"/> of an existing fixture object.</summary>
    internal static float[] ReadFloats(JsonNode node, string key) =>
        (node[key] as JsonArray ?? throw new InvalidDataException($"no array \"{key}\"")).Select(v => (float)v!).ToArray();
}
