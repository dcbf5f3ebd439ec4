// The TorchSharp peer of EmbeddedLearn's "swarm" workload (see shared/DESIGN.md, "Numbers to design against"):
// N entities, each an MLP 8-32-32-2 with tanh hidden layers, batch 4 per tick, MSE mean, SGD lr 0.01,
// zero_grad every tick. Two idioms a TorchSharp user would write:
//   modules: one nn.Sequential and one SGD optimizer per entity, a loop over entities each tick;
//   bmm:     all entities' weights stacked ([N, out, in] and [N, 1, out]), forward with baddbmm over
//            [N, B, in], loss = sum over entities of each entity's MSE mean, one SGD over all.
// Both idioms start from the same weights and see the same data, so their losses after training agree.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EmbeddedLearn.Peer;
using TorchSharp;

var entitiesOpt = new Option<int>("--entities") { Description = "Number of entities (networks).", DefaultValueFactory = _ => 1024 };
var idiomOpt = new Option<string>("--idiom") { Description = "modules | bmm | both.", DefaultValueFactory = _ => "both" };
idiomOpt.AcceptOnlyFromAmong("modules", "bmm", "both");
var ticksOpt = new Option<int>("--ticks") { Description = "Measured ticks.", DefaultValueFactory = _ => 50 };
var warmupOpt = new Option<int>("--warmup") { Description = "Unmeasured ticks first.", DefaultValueFactory = _ => 5 };
var threadsOpt = new Option<int>("--threads") { Description = "torch.set_num_threads.", DefaultValueFactory = _ => 1 };
var seedOpt = new Option<int>("--seed") { Description = "Seed for weights and data.", DefaultValueFactory = _ => 12345 };
var jsonOpt = new Option<FileInfo?>("--json") { Description = "Also write the results as a JSON array to this file." };

var root = new RootCommand("TorchSharp peer benchmark of the EmbeddedLearn swarm workload (MLP 8-32-32-2, batch 4, MSE, SGD 0.01).")
{
    entitiesOpt, idiomOpt, ticksOpt, warmupOpt, threadsOpt, seedOpt, jsonOpt,
};
root.SetAction(parse =>
{
    int n = parse.GetValue(entitiesOpt);
    string idiom = parse.GetValue(idiomOpt)!;
    int ticks = parse.GetValue(ticksOpt);
    int warmup = parse.GetValue(warmupOpt);
    int threads = parse.GetValue(threadsOpt);
    int seed = parse.GetValue(seedOpt);
    FileInfo? json = parse.GetValue(jsonOpt);
    if (n < 1 || ticks < 1 || warmup < 0 || threads < 1)
    {
        Console.Error.WriteLine("--entities, --ticks and --threads must be >= 1, --warmup >= 0");
        return 2;
    }

    torch.set_num_threads(threads);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"TorchSharp {typeof(torch).Assembly.GetName().Version}, torch threads {torch.get_num_threads()}, entities {n}, ticks {ticks} (+{warmup} warm-up), batch {Swarm.Batch}"));
    Console.WriteLine("data: inputs uniform in [-0.5, 0.5), targets = 0.5 * (x0, x1); a ring of 4 fixed batches, one per tick in turn");

    var data = new SwarmData(n, seed);
    var results = new List<PeerResult>();
    string[] idioms = idiom == "both" ? ["modules", "bmm"] : [idiom];
    foreach (string which in idioms)
    {
        using ISwarmPeer peer = which == "modules" ? new ModulesPeer(data) : new BmmPeer(data);
        results.Add(Bench.Run(peer, which, n, threads, ticks, warmup));
    }

    Bench.PrintTable(results);
    if (json is not null)
    {
        File.WriteAllText(json.FullName, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {json.FullName}");
    }
    return 0;
});
return root.Parse(args).Invoke();
