using System.CommandLine;
using System.Globalization;
using EmbeddedLearn.Demos.Soak;

// A soak run: entities spawning and despawning every tick, bad data and spikes, checkpoints, and other threads autosaving,
// reading and poking at the world during ticks; memory must stay flat, nothing may throw, no output or quarantined model
// may be non-finite, and the checkpointed models must equal those of a run without checkpoints.
var ticks = new Option<int>("--ticks") { DefaultValueFactory = _ => 100_000, Description = "Ticks to run." };
var entities = new Option<int>("--entities") { DefaultValueFactory = _ => 256, Description = "Learning entities alive at any time." };
var churn = new Option<int>("--churn") { DefaultValueFactory = _ => 2, Description = "Entities despawned and spawned every tick." };
var bad = new Option<double>("--bad-fraction") { DefaultValueFactory = _ => 0.02, Description = "Share of entities fed NaN or infinity each tick." };
var every = new Option<int>("--checkpoint-every") { DefaultValueFactory = _ => 1000, Description = "Ticks between checkpoints." };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed of every random choice." };
var autosave = new Option<int>("--autosave-every") { DefaultValueFactory = _ => 100, Description = "Ticks between background autosaves." };
var root = new RootCommand("EmbeddedLearn soak: churn, bad data and checkpoints for many ticks; memory flat, no exception, models equal.")
{
    ticks, entities, churn, bad, every, seed, autosave,
};
root.SetAction(parse =>
{
    if (parse.GetValue(ticks) < 1 || parse.GetValue(entities) < 1 || parse.GetValue(churn) < 0 || parse.GetValue(churn) > parse.GetValue(entities)
        || parse.GetValue(every) < 1 || parse.GetValue(autosave) < 1 || !(parse.GetValue(bad) is >= 0 and <= 1))
    {
        Console.Error.WriteLine("error: --ticks, --entities, --checkpoint-every and --autosave-every must be at least 1, --churn from 0 to --entities, "
            + "--bad-fraction in [0, 1].");
        return 2;
    }

    string folder = Directory.CreateTempSubdirectory("embeddedlearn-soak-").FullName;
    try
    {
        var options = new SoakOptions(parse.GetValue(ticks), parse.GetValue(entities), parse.GetValue(churn), parse.GetValue(bad),
            parse.GetValue(every), Math.Max(1, parse.GetValue(ticks) / 10), folder, parse.GetValue(seed), parse.GetValue(autosave));
        Console.WriteLine("    tick   managed MiB   working set MiB   entities   quarantined");
        SoakResult result = SoakRun.Run(options, m => Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "{0,8}   {1,11:F2}   {2,15:F1}   {3,8}   {4,11}", m.Tick, m.ManagedMiB, m.WorkingSetMiB, m.Entities, m.Quarantined)));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "{0} ticks in {1:F1} s: {2} checkpoints, {3} entities left out for bad data, {4} steps skipped, {5} exceptions; "
            + "other threads: {6} autosaves, {7} changes refused during a tick, {8} failures; {9} unsafe models seen; "
            + "managed heap {10:+0.00;-0.00;0.00} MiB and working set {11:+0.0;-0.0;0.0} MiB from the second sample to the last; "
            + "{12} of {13} models equal to the run without checkpoints: {14}",
            options.Ticks, result.Seconds, result.Checkpoints, result.LeftOut, result.StepsSkipped, result.Exceptions,
            result.Autosaves, result.Refused, result.ThreadFailures, result.UnsafeModels,
            Math.Round(result.ManagedGrowthMiB, 2) + 0.0, Math.Round(result.WorkingSetGrowthMiB, 1) + 0.0, result.ModelsCompared - result.ModelsDiffering, result.ModelsCompared,
            result.Passed ? "PASS" : "FAIL"));
        return result.Passed ? 0 : 1;
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
});
return root.Parse(args).Invoke();
