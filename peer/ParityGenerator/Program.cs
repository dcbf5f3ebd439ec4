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
var sharedOpt = new Option<FileInfo?>("--shared-out") { Description = "Write the shared-model fixture (SharedCases.cs) to this file." };
var checkOpt = new Option<FileInfo[]>("--check") { Description = "Replay these existing fixture files and compare, number by number.", AllowMultipleArgumentsPerToken = true };
var root = new RootCommand("Generates the AdamW libtorch parity fixture with TorchSharp, or replays existing fixtures.") { outOpt, ppoOpt, sharedOpt, checkOpt };
root.SetAction(parse =>
{
    FileInfo? output = parse.GetValue(outOpt);
    FileInfo[] checks = parse.GetValue(checkOpt) ?? [];
    FileInfo? ppoOutput = parse.GetValue(ppoOpt);
    FileInfo? sharedOutput = parse.GetValue(sharedOpt);
    if (output is null && checks.Length == 0 && ppoOutput is null && sharedOutput is null)
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

    const string Order = "per layer in order: weight [out, in] row-major, then bias [out]; y = x W^T + b";
    if (output is not null)
    {
        FixtureWriter.Write(output, "cases", Cases.All, spec => CaseRunner.Run(spec, CaseData.Draw(spec)), FixtureWriter.TickSummary,
            ("parameter_order", Order),
            ("tick_semantics", "if zero_grad and backwards % accumulation_steps == 0: zero grads; forward; loss; backward (accumulates); if backwards % accumulation_steps == 0: optimizer step. With zero_grad false, gradients are never cleared."));
    }
    if (ppoOutput is not null)
    {
        FixtureWriter.Write(ppoOutput, "PPO cases", PpoCases.All, PpoCaseRunner.Run, c =>
            {
                var batches = c["minibatches"]!.AsArray();
                return $"{batches.Count} minibatches, total loss {(float)batches[0]!["total_loss"]!:G6} -> {(float)batches[^1]!["total_loss"]!:G6}";
            },
            ("parameter_order", Order + "; outputs [A action means or logits, 1 value]"),
            ("row_order", "rollout rows slot-major: row = slot * horizon + t; actions [rows, A] (continuous) or [rows, 1] indices (discrete)"),
            ("update_semantics", "GAE(lambda) per slot bootstrapped from last_values; per epoch the order is shuffled (SplitMix64 Fisher-Yates from shuffle_seed, each epoch shuffling the last; recorded in permutations) and cut into minibatches of up to `minibatch` rows; per minibatch: zero_grad, forward, loss = policy + value_coefficient * value - entropy_coefficient * entropy, backward, clip_grad_norm_ over all parameters and log_std when max_grad_norm > 0, step (one optimizer over the network's parameters then log_std)"));
    }
    if (sharedOutput is not null)
    {
        FixtureWriter.Write(sharedOutput, "shared-model cases", SharedCases.All, SharedCaseRunner.Run, FixtureWriter.TickSummary,
            ("parameter_order", Order),
            ("row_order", "inputs [capacity * rows_per_member, in] and targets [capacity * rows_per_member, out]: every member's rows, member-major, present or not; outputs: the present members' rows in member order"),
            ("tick_semantics", "zero_grad; forward on the present members' rows concatenated in member order; MSE loss; backward; optimizer step"));
    }
    return failing == 0 ? 0 : 1;
});
return root.Parse(args).Invoke();
