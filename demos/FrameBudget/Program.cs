using System.CommandLine;
using System.Text.Json;
using EmbeddedLearn.Components;
using EmbeddedLearn.Demos.FrameBudget;

// A frame-loop runner: a game system writes every entity's samples, the training pipeline runs, a gameplay
// system reads the outputs; reports tick-time percentiles, per-stage time, allocations, GCs and GFLOP/s.
var entities = new Option<int>("--entities") { DefaultValueFactory = _ => 1024, Description = "Learning entities." };
var layout = new Option<string>("--layout") { DefaultValueFactory = _ => "8,32,32,2", Description = "Widths, input first." };
var activation = new Option<string>("--activation") { DefaultValueFactory = _ => "tanh", Description = "Hidden activation." };
var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 4, Description = "Samples per entity per tick." };
var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1, Description = "CPU threads." };
var backend = new Option<string>("--backend") { DefaultValueFactory = _ => "cpu", Description = "cpu, opencl (any OpenCL device, PoCL's CPU device included) or auto (both timed on this world in the first ticks, the faster kept; the warm-up must cover its 22 ticks)." };
backend.AcceptOnlyFromAmong("cpu", "opencl", "auto");
var ticks = new Option<int>("--ticks") { DefaultValueFactory = _ => 1000, Description = "Measured ticks." };
var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 1000, Description = "Ticks before measuring (long enough for tiered JIT compilation to settle)." };
var budget = new Option<double?>("--budget-ms") { Description = "Time budget per tick, ms (PipelineOptions.TrainingBudget). CPU: covers inference and training together, serving a fair rotation of the due agents; OpenCL: inference runs for every entity, training for a rotating subset that fits." };
var decisionPeriod = new Option<int>("--decision-period") { DefaultValueFactory = _ => 1, Description = "Each agent decides every K ticks (DecisionPeriod component, phases in contiguous groups; CPU only)." };
var unfused = new Option<bool>("--unfused") { Description = "OpenCL: one launch per stage (device time per stage) instead of fused launches." };
var stages = new Option<bool>("--stages") { Description = "Also time each stage (two clock reads per stage per block, which the tick then includes)." };
var peakOnly = new Option<bool>("--fma-peak") { Description = "Only measure and print the FMA peak of one core (GFLOP/s), then exit." };
var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to this file." };
var optimizer = new Option<string>("--optimizer") { DefaultValueFactory = _ => "sgd", Description = "sgd (lr 0.01), adam or adamw (lr 0.001)." };
optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw");
var fingerprint = new Option<bool>("--fingerprint") { Description = "After the run, print a last line 'fingerprint <sha256 hex>' over every entity's parameters and optimizer state, in entity order (ModelFingerprint)." };
var root = new RootCommand("EmbeddedLearn frame-budget runner") { entities, layout, activation, batch, threads, backend, ticks, warmup, budget, decisionPeriod, unfused, stages, peakOnly, json, optimizer, fingerprint };
root.SetAction(parse =>
{
    if (parse.GetValue(peakOnly))
    {
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"FMA peak, one core: {FmaPeak.MeasureGflops(TimeSpan.FromSeconds(3)):F1} GFLOP/s (best of Vector256 and Vector512, twelve chains)"));
        return 0;
    }

    ModelLayout modelLayout;
    try
    {
        modelLayout = ModelLayout.Parse(parse.GetValue(layout)!, ActivationNames.Parse(parse.GetValue(activation)!));
    }
    catch (Exception ex) when (ex is FormatException or ArgumentException)
    {
        Console.Error.WriteLine("error: " + ex.Message);
        return 2;
    }

    if (parse.GetValue(entities) < 1 || parse.GetValue(batch) < 1 || parse.GetValue(threads) < 1 || parse.GetValue(ticks) < 1
        || parse.GetValue(decisionPeriod) < 1)
    {
        Console.Error.WriteLine("error: --entities, --batch, --threads, --ticks and --decision-period must be at least 1.");
        return 2;
    }

    if (parse.GetValue(threads) > EmbeddedLearn.Training.PipelineOptions.MaxThreads)
    {
        Console.Error.WriteLine("error: --threads must be at most " + EmbeddedLearn.Training.PipelineOptions.MaxThreads + ".");
        return 2;
    }

    FrameBudgetResult result = FrameBudgetRunner.Run(parse.GetValue(entities), modelLayout, parse.GetValue(batch),
        parse.GetValue(threads), parse.GetValue(backend)!, parse.GetValue(ticks), parse.GetValue(warmup), parse.GetValue(budget),
        parse.GetValue(unfused), parse.GetValue(stages), parse.GetValue(decisionPeriod), parse.GetValue(optimizer)!, parse.GetValue(fingerprint));
    Console.WriteLine(FrameBudgetRunner.Table(result));
    if (parse.GetValue(json) is FileInfo file)
    {
        File.WriteAllText(file.FullName, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
    }

    if (result.Fingerprint is string digest)
    {
        Console.WriteLine("fingerprint " + digest);
    }

    return 0;
});
return root.Parse(args).Invoke();
