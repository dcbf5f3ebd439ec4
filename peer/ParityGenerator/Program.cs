// Writes a libtorch parity fixture in the format of shared/fixtures/torch-parity.json (see its README): the
// cases of Cases.cs, trained with TorchSharp (float32, CPU, one thread), tick by tick. With --check it
// instead replays an existing fixture file from its own initial parameters and data and reports, per case,
// whether this TorchSharp/libtorch reproduces it (bit for bit, or within the fixtures' tolerance; exit
// status 1 otherwise). Run it through peer/run-parity-generator.sh.
using System.CommandLine;
using System.Text.Json.Nodes;
using EmbeddedLearn.Peer.Parity;
using TorchSharp;

var outOpt = new Option<FileInfo?>("--out") { Description = "Write the generated fixture (torch-parity format) to this file." };
var checkOpt = new Option<FileInfo[]>("--check") { Description = "Replay these existing fixture files and compare, number by number.", AllowMultipleArgumentsPerToken = true };
var root = new RootCommand("Generates the AdamW libtorch parity fixture with TorchSharp, or replays existing fixtures.") { outOpt, checkOpt };
root.SetAction(parse =>
{
    FileInfo? output = parse.GetValue(outOpt);
    FileInfo[] checks = parse.GetValue(checkOpt) ?? [];
    if (output is null && checks.Length == 0)
    {
        Console.Error.WriteLine("pass --out FILE (generate) and/or --check FILE... (replay)");
        return 2;
    }
    torch.set_num_threads(1);
    Console.WriteLine($"{Source.Text}; torch threads {torch.get_num_threads()}");

    int failing = 0;
    foreach (var file in checks)
    {
        Console.WriteLine($"replaying {file.FullName}");
        failing += FixtureCheck.Run(file);
    }

    if (output is not null)
    {
        var cases = new JsonArray();
        foreach (var spec in Cases.All)
        {
            var c = CaseRunner.Run(spec, CaseData.Draw(spec));
            var ticks = c["ticks"]!.AsArray();
            Console.WriteLine($"  {spec.Name}: {ticks.Count} ticks, loss {(float)ticks[0]!["loss"]!:G6} -> {(float)ticks[^1]!["loss"]!:G6}");
            cases.Add(c);
        }
        var fixture = new JsonObject
        {
            ["source"] = Source.Text,
            ["parameter_order"] = "per layer in order: weight [out, in] row-major, then bias [out]; y = x W^T + b",
            ["tick_semantics"] = "if zero_grad and backwards % accumulation_steps == 0: zero grads; forward; loss; backward (accumulates); if backwards % accumulation_steps == 0: optimizer step. With zero_grad false, gradients are never cleared.",
            ["cases"] = cases,
        };
        output.Directory?.Create();
        File.WriteAllText(output.FullName, fixture.ToJsonString());
        Console.WriteLine($"wrote {cases.Count} cases to {output.FullName}");
    }
    return failing == 0 ? 0 : 1;
});
return root.Parse(args).Invoke();
