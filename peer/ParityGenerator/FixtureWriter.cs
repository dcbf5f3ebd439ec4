using System.Text.Json.Nodes;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>Writes a fixture file: the source line, the fields that describe its format, and its cases, each case
/// reported on the console as it is made.</summary>
internal static class FixtureWriter
{
    /// <summary>Runs <paramref name="run"/> on every spec, prints each case's <paramref name="summary"/>, and writes
    /// <c>{ source, fields..., cases }</c> to <paramref name="output"/>.</summary>
    internal static void Write<TSpec>(FileInfo output, string what, IEnumerable<TSpec> specs, Func<TSpec, JsonObject> run,
        Func<JsonObject, string> summary, params (string Name, string Value)[] fields)
    {
        var cases = new JsonArray();
        foreach (TSpec spec in specs)
        {
            JsonObject c = run(spec);
            Console.WriteLine($"  {c["name"]}: {summary(c)}");
            cases.Add(c);
        }

        var fixture = new JsonObject { ["source"] = Source.Text };
        foreach ((string name, string value) in fields)
        {
            fixture[name] = value;
        }

        fixture["cases"] = cases;
        output.Directory?.Create();
        File.WriteAllText(output.FullName, fixture.ToJsonString());
        Console.WriteLine($"wrote {cases.Count} {what} to {output.FullName}");
    }

    /// <summary>"N ticks, loss first -> last" of a case with ticks.</summary>
    internal static string TickSummary(JsonObject c)
    {
        JsonArray ticks = c["ticks"]!.AsArray();
        return $"{ticks.Count} ticks, loss {(float)ticks[0]!["loss"]!:G6} -> {(float)ticks[^1]!["loss"]!:G6}";
    }
}
