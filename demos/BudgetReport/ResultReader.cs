using System.Globalization;
using System.Text.Json;

namespace EmbeddedLearn.Demos.BudgetReport;

/// <summary>
/// Reads the JSON of demos/FrameBudget (<c>--json</c>: one object with a <c>backend</c>) and of
/// peer/TorchSharpPeer (<c>--json</c>: an array of objects, one per <c>idiom</c>) into <see cref="Measurement"/>s.
/// </summary>
internal static class ResultReader
{
    /// <summary>The workload the chart's title names; FrameBudget files of another layout or batch are skipped.</summary>
    public const string SwarmLayout = "[8,32,32,2] tanh";
    public const int SwarmBatch = 4;

    /// <summary>Every file named, and every *.json under every folder named (recursively), in a stable order.</summary>
    public static List<string> ExpandInputs(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(Directory.EnumerateFiles(input, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                throw new FileNotFoundException($"{input}: no such file or folder", input);
            }
        }

        return [.. files.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The file's measurements; null, with a warning, when it is in neither format.</summary>
    public static List<Measurement>? Read(string file, Action<string> warn)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(file));
        }
        catch (JsonException ex)
        {
            throw new MalformedResultException(file, "(document)", "not valid JSON: " + ex.Message);
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("backend", out _))
            {
                return ReadFrameBudget(file, root, warn);
            }

            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0
                && root[0].ValueKind == JsonValueKind.Object && root[0].TryGetProperty("idiom", out _))
            {
                var list = new List<Measurement>();
                int i = 0;
                foreach (JsonElement item in root.EnumerateArray())
                {
                    list.Add(ReadPeer(file, item, i++));
                }

                return list;
            }

            warn($"{file}: not a FrameBudget result (object with \"backend\") nor a TorchSharp peer result (array of objects with \"idiom\"); skipped");
            return null;
        }
    }

    private static List<Measurement>? ReadFrameBudget(string file, JsonElement root, Action<string> warn)
    {
        if (root.TryGetProperty("layout", out JsonElement layout) && layout.ValueKind == JsonValueKind.String
            && layout.GetString() != SwarmLayout)
        {
            warn($"{file}: layout {layout.GetString()}, not the swarm's {SwarmLayout}; skipped");
            return null;
        }

        if (root.TryGetProperty("batch", out JsonElement batch) && batch.ValueKind == JsonValueKind.Number
            && (!batch.TryGetInt32(out int b) || b != SwarmBatch))
        {
            warn($"{file}: batch {batch.GetRawText()}, not the swarm's {SwarmBatch}; skipped");
            return null;
        }

        string backend = String(file, root, "backend", "");
        string implementation = backend == "cpu" ? Implementations.EmbeddedLearnCpu
            : backend.StartsWith("opencl", StringComparison.Ordinal) ? Implementations.EmbeddedLearnOpenCl
            : throw new MalformedResultException(file, "backend", $"\"{backend}\" is neither \"cpu\" nor \"opencl ...\"");
        return [new Measurement(implementation, PositiveInt(file, root, "entities", ""), PositiveInt(file, root, "threads", ""),
            PositiveNumber(file, root, "p50_ms", ""), PositiveNumber(file, root, "p99_ms", ""), file)];
    }

    private static Measurement ReadPeer(string file, JsonElement item, int index)
    {
        string at = $"[{index}].";
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedResultException(file, $"[{index}]", $"expected an object, found {item.ValueKind}");
        }

        string idiom = String(file, item, "idiom", at);
        string implementation = idiom switch
        {
            "bmm" => Implementations.TorchSharpBmm,
            "modules" => Implementations.TorchSharpModules,
            _ => throw new MalformedResultException(file, at + "idiom", $"\"{idiom}\" is neither \"bmm\" nor \"modules\""),
        };
        return new Measurement(implementation, PositiveInt(file, item, "entities", at), PositiveInt(file, item, "threads", at),
            PositiveNumber(file, item, "p50_ms", at), PositiveNumber(file, item, "p99_ms", at), file);
    }

    private static JsonElement Field(string file, JsonElement obj, string name, string at) =>
        obj.TryGetProperty(name, out JsonElement value) ? value : throw new MalformedResultException(file, at + name, "missing");

    private static string String(string file, JsonElement obj, string name, string at)
    {
        JsonElement value = Field(file, obj, name, at);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new MalformedResultException(file, at + name, $"expected a string, found {value.ValueKind}");
    }

    private static int PositiveInt(string file, JsonElement obj, string name, string at)
    {
        JsonElement value = Field(file, obj, name, at);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= 1
            ? n
            : throw new MalformedResultException(file, at + name, $"expected an integer of at least 1, found {value.GetRawText()}");
    }

    private static double PositiveNumber(string file, JsonElement obj, string name, string at)
    {
        JsonElement value = Field(file, obj, name, at);
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double x) && double.IsFinite(x) && x > 0
            ? x
            : throw new MalformedResultException(file, at + name, $"expected a positive number, found {value.GetRawText()}");
    }

    /// <summary>
    /// One measurement per (implementation, N, threads): where several files give the same point, the one with the
    /// lowest p50 (the least disturbed run) is kept, with a warning naming the files.
    /// </summary>
    public static List<Measurement> Deduplicate(IEnumerable<Measurement> all, Action<string> warn)
    {
        var kept = new List<Measurement>();
        foreach (var group in all.GroupBy(m => (m.Implementation, m.Entities, m.Threads)))
        {
            Measurement best = group.MinBy(m => m.P50Ms)!;
            if (group.Count() > 1)
            {
                warn(string.Format(CultureInfo.InvariantCulture, "{0}, N={1}, threads={2} measured in {3} files ({4}); kept the lowest p50, from {5}",
                    group.Key.Implementation, group.Key.Entities, group.Key.Threads, group.Count(),
                    string.Join(", ", group.Select(m => m.Source)), best.Source));
            }

            kept.Add(best);
        }

        return [.. kept.OrderBy(m => Implementations.Rank(m.Implementation)).ThenBy(m => m.Entities).ThenBy(m => m.Threads)];
    }
}
