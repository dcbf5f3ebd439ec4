using System.CommandLine;
using System.Net;
using EmbeddedLearn.Demos.Arena;

// The real-time scene: turrets learn to lead moving targets while the game runs. By default a live view in the
// browser; --headless runs flat out and writes a snapshot, a chart and summary.json.
var turrets = new Option<int>("--turrets") { DefaultValueFactory = _ => 64, Description = "Turrets per group at the start (each a learner and an aimer entity)." };
var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount, Description = "CPU threads of the training pipeline." };
var budget = new Option<double?>("--budget-ms") { Description = "Training budget per frame, ms (default: 4 live, none headless)." };
var backend = new Option<string>("--backend") { DefaultValueFactory = _ => "cpu", Description = "cpu, opencl or auto." };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 7, Description = "Seed of targets and initial weights." };
var port = new Option<int>("--port") { DefaultValueFactory = _ => 5080, Description = "Port of the live view." };
var bind = new Option<string>("--bind") { DefaultValueFactory = _ => "127.0.0.1", Description = "Address the live view listens on." };
var headless = new Option<bool>("--headless") { Description = "No server: run --ticks frames flat out, write PNGs and summary.json to --out." };
var ticks = new Option<int>("--ticks") { DefaultValueFactory = _ => 1200, Description = "Frames of a headless run." };
var outDir = new Option<string>("--out") { DefaultValueFactory = _ => "arena-out", Description = "Folder of a headless run's files." };
var root = new RootCommand("EmbeddedLearn arena: turrets that learn to lead their targets while you watch.")
{
    turrets, threads, budget, backend, seed, port, bind, headless, ticks, outDir,
};
root.SetAction(parse =>
{
    bool isHeadless = parse.GetValue(headless);
    double? budgetMs = parse.GetValue(budget) ?? (isHeadless ? null : 4.0);
    string? error = parse.GetValue(turrets) is < 1 or > ArenaOptions.MaxTurrets / 4 ? "--turrets must be in 1.." + (ArenaOptions.MaxTurrets / 4)
        : parse.GetValue(threads) < 1 ? "--threads must be at least 1"
        : budgetMs is <= 0 ? "--budget-ms must be above 0"
        : parse.GetValue(ticks) < 1 ? "--ticks must be at least 1"
        : parse.GetValue(port) is < 0 or > 65535 ? "--port must be in 0..65535"
        : !IPAddress.TryParse(parse.GetValue(bind), out _) ? "--bind must be an IP address, e.g. 127.0.0.1 or 0.0.0.0"
        : ParseBackend(parse.GetValue(backend)) is null ? "--backend must be cpu, opencl or auto"
        : null;
    if (error is not null)
    {
        Console.Error.WriteLine("error: " + error + ".");
        return 2;
    }

    var options = new ArenaOptions(parse.GetValue(turrets), parse.GetValue(threads), budgetMs,
        ParseBackend(parse.GetValue(backend))!.Value, parse.GetValue(seed));
    if (isHeadless)
    {
        using ArenaScene scene = options.CreateScene(log: null);
        HeadlessRun.Run(scene, parse.GetValue(ticks), parse.GetValue(outDir)!, Console.Out);
        return 0;
    }

    using var server = new LiveServer(options, IPAddress.Parse(parse.GetValue(bind)!), parse.GetValue(port), Console.WriteLine);
    try
    {
        server.Start();
    }
    catch (IOException ex)
    {
        Console.Error.WriteLine("error: cannot serve the live view on " + parse.GetValue(bind) + ":" + parse.GetValue(port) + ": " + ex.Message);
        return 1;
    }

    Console.WriteLine("Arena live at " + server.Address + "  (Ctrl+C stops)");
    server.WaitForShutdown();
    return 0;
});
return root.Parse(args).Invoke();

static ArenaBackend? ParseBackend(string? name) => name?.ToUpperInvariant() switch
{
    "CPU" => ArenaBackend.Cpu,
    "OPENCL" => ArenaBackend.OpenCl,
    "AUTO" => ArenaBackend.Auto,
    _ => null,
};
