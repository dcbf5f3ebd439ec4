using System.Text.Json.Nodes;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// Replays every case of an existing fixture file (the torch-parity format) from its own initial parameters,
/// inputs and targets, and compares what TorchSharp computes now with what the file holds, number by number.
/// Cases with gradient clipping (a non-null <c>max_grad_norm</c>) are skipped: the generator does not clip.
/// A case fails when a number differs by more than the fixtures' tolerance (relative 1e-4, absolute floor
/// 1e-6); differences in the last bits are reported but pass (MKL's matrix kernels may sum in another order).
/// </summary>
internal static class FixtureCheck
{
    /// <summary>Prints one line per case; returns the number of cases with a number outside the tolerance.</summary>
    internal static int Run(FileInfo file)
    {
        var root = JsonNode.Parse(File.ReadAllText(file.FullName)) ?? throw new InvalidDataException($"{file.FullName}: empty");
        int failing = 0;
        foreach (var node in root["cases"]!.AsArray())
        {
            var expected = node!.AsObject();
            string name = (string)expected["name"]!;
            if (expected["max_grad_norm"] is JsonValue)
            {
                Console.WriteLine($"  {name}: skipped (gradient clipping)");
                continue;
            }
            var (spec, data) = Read(expected);
            var actual = CaseRunner.Run(spec, data);
            var (count, diff, maxAbs, worst, where) = Compare(expected["ticks"]!.AsArray(), actual["ticks"]!.AsArray());
            if (worst > 1) failing++;
            Console.WriteLine(diff == 0
                ? $"  {name}: identical ({count} numbers, every one bit-equal)"
                : $"  {name}: {diff} of {count} numbers differ, max |diff| {maxAbs:G4} (in {string.Join(", ", where)}), "
                  + (worst > 1 ? $"OUTSIDE the tolerance ({worst:G4} x)" : $"within the tolerance ({worst:G3} x)"));
        }
        return failing;
    }

    private static (CaseSpec, CaseData) Read(JsonObject c)
    {
        var ticks = c["ticks"]!.AsArray();
        var spec = new CaseSpec(
            (string)c["name"]!, [.. c["layers"]!.AsArray().Select(v => (int)v!)], (string)c["hidden_activation"]!,
            (int)c["batch"]!, (string)c["loss"]!["reduction"]!, OptimizerSpec.FromJson(c["optimizer"]!.AsObject()),
            (int)c["accumulation_steps"]!, (bool)c["zero_grad"]!, ticks.Count, Seed: 0);
        var data = new CaseData(
            Json.ReadFloats(c, "initial_parameters"),
            [.. ticks.Select(t => Json.ReadFloats(t!, "inputs"))],
            [.. ticks.Select(t => Json.ReadFloats(t!, "targets"))]);
        return (spec, data);
    }

    /// <summary>Numbers compared, how many differ, the largest |difference|, the largest difference over its
    /// tolerance max(1e-4 |expected|, 1e-6), and which fields differ.</summary>
    private static (int Count, int Differ, double MaxAbs, double Worst, SortedSet<string> Where) Compare(JsonArray expected, JsonArray actual)
    {
        int count = 0, differ = 0;
        var where = new SortedSet<string>(StringComparer.Ordinal);
        double maxAbs = 0, worst = 0;
        string[] keys = ["outputs", "loss", "gradients_after_backward", "parameters_after_tick"];
        for (int t = 0; t < expected.Count; t++)
        {
            foreach (string key in keys)
            {
                float[] e = expected[t]![key] is JsonArray ? Json.ReadFloats(expected[t]!, key) : [(float)expected[t]![key]!];
                float[] a = actual[t]![key] is JsonArray ? Json.ReadFloats(actual[t]!, key) : [(float)actual[t]![key]!];
                if (e.Length != a.Length) throw new InvalidDataException($"tick {t} {key}: {e.Length} numbers in the file, {a.Length} computed");
                for (int i = 0; i < e.Length; i++)
                {
                    count++;
                    if (BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(a[i])) continue;
                    differ++;
                    where.Add(key);
                    double abs = Math.Abs((double)e[i] - a[i]);
                    maxAbs = Math.Max(maxAbs, abs);
                    worst = Math.Max(worst, abs / Math.Max(1e-4 * Math.Abs(e[i]), 1e-6));
                }
            }
            if ((bool)expected[t]!["stepped"]! != (bool)actual[t]!["stepped"]!) throw new InvalidDataException($"tick {t}: stepped differs");
        }
        return (count, differ, maxAbs, worst, where);
    }
}
