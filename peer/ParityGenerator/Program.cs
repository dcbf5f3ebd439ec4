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
var ppoOpt = new Option<FileInfo?>("--ppo-out") { Description = "Write the PPO fixture (PpoCases.cs) to this file." };
var checkOpt = new Option<FileInfo[]>("--check") { Description = "Replay these existing fixture files and compare, number by number.", AllowMultipleArgumentsPerToken = true };
var root = new RootCommand("Generates the AdamW libtorch parity fixture with TorchSharp, or replays existing fixtures.") { outOpt, ppoOpt, checkOpt };
root.SetAction(parse =>
{
    FileInfo? output = parse.GetValue(outOpt);
    FileInfo[] checks = parse.GetValue(checkOpt) ?? [];
    FileInfo? ppoOutput = parse.GetValue(ppoOpt);
    if (output is null && checks.Length == 0 && ppoOutput is null)
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
    if (ppoOutput is not null)
    {
        var cases = new JsonArray();
        foreach (var spec in PpoCases.All)
        {
            var c = PpoCaseRunner.Run(spec);
            var batches = c["minibatches"]!.AsArray();
            Console.WriteLine($"  {spec.Name}: {batches.Count} minibatches, total loss {(float)batches[0]!["total_loss"]!:G6} -> {(float)batches[^1]!["total_loss"]!:G6}");
            cases.Add(c);
        }
        var fixture = new JsonObject
        {
            ["source"] = Source.Text,
            ["parameter_order"] = "per layer in order: weight [out, in] row-major, then bias [out]; y = x W^T + b; outputs [A action means or logits, 1 value]",
            ["row_order"] = "rollout rows slot-major: row = slot * horizon + t; actions [rows, A] (continuous) or [rows, 1] indices (discrete)",
            ["update_semantics"] = "GAE(lambda) per slot bootstrapped from last_values; per epoch the order is shuffled (SplitMix64 Fisher-Yates from shuffle_seed, each epoch shuffling the last; recorded in permutations) and cut into minibatches of up to `minibatch` rows; per minibatch: zero_grad, forward, loss = policy + value_coefficient * value - entropy_coefficient * entropy, backward, clip_grad_norm_ over all parameters and log_std when max_grad_norm > 0, step (one optimizer over the network's parameters then log_std)",
            ["cases"] = cases,
        };
        ppoOutput.Directory?.Create();
        File.WriteAllText(ppoOutput.FullName, fixture.ToJsonString());
        Console.WriteLine($"wrote {cases.Count} PPO cases to {ppoOutput.FullName}");
    }
    return failing == 0 ? 0 : 1;
});
return root.Parse(args).Invoke();
