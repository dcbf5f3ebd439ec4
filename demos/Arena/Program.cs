using System.CommandLine;
using System.Net;
using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Demos.Arena.Foragers;
using EmbeddedLearn.Demos.Arena.Steering;
using EmbeddedLearn.Onnx;

// The real-time scenes: turrets learn to lead moving targets (--scene turrets, the default), foragers learn from
// rewards to reach food and avoid hunters (--scene foragers), or agents steer with continuous turn rate and thrust to
// moving goals around hazards (--scene steering), while the game runs. By default a live view in the
// browser; --headless runs flat out and writes a snapshot, a chart and summary.json. Exit codes: 0 done, 1 the live view
// cannot listen, 2 bad options, 3 the checkpoint cannot be loaded (the message names the file; the file is unchanged),
// 4 a model file of --export-onnx cannot be written at the end of the run (the message names it).
var turrets = new Option<int>("--turrets") { DefaultValueFactory = _ => 64, Description = "Turrets per group at the start (each a learner and an aimer entity)." };
var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount, Description = "CPU threads of the training pipeline." };
var budget = new Option<double?>("--budget-ms") { Description = "Training budget per frame, ms (default: 4 live, 8 for the foragers live, none headless and for the steering scene)." };
var backend = new Option<string>("--backend") { DefaultValueFactory = _ => "cpu", Description = "cpu, opencl or auto." };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 7, Description = "Seed of targets and initial weights." };
var port = new Option<int>("--port") { DefaultValueFactory = _ => 5080, Description = "Port of the live view." };
var bind = new Option<string>("--bind") { DefaultValueFactory = _ => "127.0.0.1", Description = "Address the live view listens on." };
var headless = new Option<bool>("--headless") { Description = "No server: run --ticks frames flat out, write PNGs and summary.json to --out." };
var ticks = new Option<int>("--ticks") { DefaultValueFactory = _ => 1200, Description = "Frames of a headless run." };
var outDir = new Option<string>("--out") { DefaultValueFactory = _ => "arena-out", Description = "Folder of a headless run's files." };
var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file: loaded at the start when it exists, saved every few seconds and on exit." };
var checkpointEvery = new Option<double>("--checkpoint-every") { DefaultValueFactory = _ => 5.0, Description = "Simulated seconds between two saves of --checkpoint." };
var badSensors = new Option<double>("--bad-sensors") { DefaultValueFactory = _ => 0.0, Description = "Share of each group's turrets (0..1) whose sensors feed NaN every frame." };
var scene = new Option<string>("--scene") { DefaultValueFactory = _ => ArenaOptions.Turrets, Description = "turrets, foragers or steering." };
var foragers = new Option<int>("--foragers") { DefaultValueFactory = _ => 500, Description = "Foragers per group (two learning groups and a random baseline)." };
var exportOnnx = new Option<string?>("--export-onnx") { Description = "Folder: at the end of a headless run, write each group's best model there as <group-name>.onnx." };
var decisionFrames = new Option<int?>("--decision-frames") { Description = "Frames between two decisions of a forager (default 1) or a steering agent (default 4), 1..8." };
var agents = new Option<int>("--agents") { DefaultValueFactory = _ => 128, Description = "Steering agents per group." };
var root = new RootCommand("EmbeddedLearn arena: turrets that learn to lead their targets, or foragers that learn to act, while you watch.")
{
    turrets, threads, budget, backend, seed, port, bind, headless, ticks, outDir, checkpoint, checkpointEvery, badSensors, scene, foragers,
    decisionFrames, exportOnnx, agents,
};
root.SetAction(parse =>
{
    bool isHeadless = parse.GetValue(headless);
    double? budgetMs = parse.GetValue(budget) ?? (isHeadless ? null : 4.0);
    string? error = parse.GetValue(turrets) is < 1 or > ArenaOptions.MaxTurrets / 4 ? "--turrets must be in 1.." + (ArenaOptions.MaxTurrets / 4)
        : parse.GetValue(threads) is < 1 or > EmbeddedLearn.Training.PipelineOptions.MaxThreads ? "--threads must be in 1.." + EmbeddedLearn.Training.PipelineOptions.MaxThreads
        : budgetMs is <= 0 ? "--budget-ms must be above 0"
        : parse.GetValue(ticks) < 1 ? "--ticks must be at least 1"
        : parse.GetValue(port) is < 0 or > 65535 ? "--port must be in 0..65535"
        : !IPAddress.TryParse(parse.GetValue(bind), out _) ? "--bind must be an IP address, e.g. 127.0.0.1 or 0.0.0.0"
        : ParseBackend(parse.GetValue(backend)) is null ? "--backend must be cpu, opencl or auto"
        : !(parse.GetValue(badSensors) is >= 0 and <= 1) ? "--bad-sensors must be in 0..1"
        : !(parse.GetValue(checkpointEvery) is > 0 and <= 86400) ? "--checkpoint-every must be above 0 and at most 86400 seconds"
        : parse.GetValue(checkpoint) is "" ? "--checkpoint needs a file name"
        : !ArenaOptions.IsScene(parse.GetValue(scene)) ? "--scene must be turrets, foragers or steering"
        : parse.GetValue(foragers) is < 1 or > ArenaOptions.MaxForagersPerGroup ? "--foragers must be in 1.." + ArenaOptions.MaxForagersPerGroup
        : parse.GetValue(decisionFrames) is < 1 or > 8 ? "--decision-frames must be in 1..8"
        : parse.GetValue(agents) is < 1 or > ArenaOptions.MaxSteeringAgentsPerGroup ? "--agents must be in 1.." + ArenaOptions.MaxSteeringAgentsPerGroup
        : parse.GetValue(scene) != ArenaOptions.Turrets && parse.GetValue(checkpoint) is not null ? "--checkpoint is for the turret scene only"
        : null;
    error ??= isHeadless ? ArenaPaths.CannotWriteFolder(parse.GetValue(outDir)!, "--out") : null;
    error ??= parse.GetValue(checkpoint) is string file ? ArenaPaths.CannotSaveFile(file, "--checkpoint") : null;
    string? onnxFolder = parse.GetValue(exportOnnx);
    error ??= onnxFolder is null ? null : !isHeadless ? "--export-onnx needs --headless"
        : onnxFolder.Length == 0 ? "--export-onnx needs a folder" : ArenaPaths.CannotWriteFolder(onnxFolder, "--export-onnx");
    if (error is not null)
    {
        Console.Error.WriteLine("error: " + error + ".");
        return 2;
    }

    var options = new ArenaOptions(parse.GetValue(turrets), parse.GetValue(threads), budgetMs,
        ParseBackend(parse.GetValue(backend))!.Value, parse.GetValue(seed), parse.GetValue(badSensors), parse.GetValue(checkpoint),
        parse.GetValue(checkpointEvery), parse.GetValue(scene)!, parse.GetValue(foragers),
        parse.GetValue(decisionFrames) ?? (parse.GetValue(scene) == ArenaOptions.Steering ? ArenaOptions.SteeringDecisionFrames : ArenaOptions.ForagerDecisionFrames),
        parse.GetValue(budget) ?? (isHeadless ? null : 8.0), parse.GetValue(agents), parse.GetValue(budget));
    error = isHeadless && options.Scene == ArenaOptions.Steering && onnxFolder is not null ? "--export-onnx is not available for the steering scene" : null;
    if (error is not null)
    {
        Console.Error.WriteLine("error: " + error + ".");
        return 2;
    }

    if (isHeadless && options.Scene == ArenaOptions.Steering)
    {
        using SteeringScene steering = options.CreateSteering();
        SteeringHeadless.Run(steering, parse.GetValue(ticks), parse.GetValue(outDir)!, Console.Out);
        return 0;
    }

    if (isHeadless && options.Scene == ArenaOptions.Foragers)
    {
        using ForagersScene field = options.CreateForagers(log: null);
        try
        {
            ForagerHeadless.Run(field, parse.GetValue(ticks), parse.GetValue(outDir)!, Console.Out, onnxFolder);
        }
        catch (OnnxException ex)
        {
            Console.Error.WriteLine("error: " + ex.Message + ".");
            return 4;
        }

        return 0;
    }

    if (isHeadless)
    {
        ArenaScene scene;
        try
        {
            scene = options.CreateScene(log: null);
        }
        catch (CheckpointException ex)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return 3;
        }

        using (scene)
        {
            try
            {
                HeadlessRun.Run(scene, parse.GetValue(ticks), parse.GetValue(outDir)!, Console.Out, options.CreateCheckpoint(), Console.Error, onnxFolder);
            }
            catch (OnnxException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message + ".");
                return 4;
            }
        }

        return 0;
    }

    using var server = new LiveServer(options, IPAddress.Parse(parse.GetValue(bind)!), parse.GetValue(port), Console.WriteLine);
    try
    {
        server.Start();
    }
    catch (CheckpointException ex)
    {
        Console.Error.WriteLine("error: " + ex.Message);
        return 3;
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
// A command line that does not parse is refused with its errors alone and exit code 2, like every other bad option.
ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (System.CommandLine.Parsing.ParseError parseError in parsed.Errors)
    {
        Console.Error.WriteLine("error: " + parseError.Message);
    }

    Console.Error.WriteLine("Run with --help to see the options.");
    return 2;
}

return parsed.Invoke();

static ArenaBackend? ParseBackend(string? name) => name?.ToUpperInvariant() switch
{
    "CPU" => ArenaBackend.Cpu,
    "OPENCL" => ArenaBackend.OpenCl,
    "AUTO" => ArenaBackend.Auto,
    _ => null,
};
