using System.CommandLine;
using System.Globalization;
using EmbeddedLearn.Demos.Arena;

// A real-time scene: turrets learn to lead moving targets while the game runs, within a training budget per frame.
var turrets = new Option<int>("--turrets") { DefaultValueFactory = _ => 2000, Description = "Turrets (each a learner and an aimer entity)." };
var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 10, Description = "Simulated seconds at 60 frames per second." };
var budget = new Option<double>("--budget-ms") { DefaultValueFactory = _ => 4, Description = "Training budget per frame, ms." };
var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount, Description = "CPU threads." };
var realTime = new Option<bool>("--real-time") { Description = "Pace frames at 60 per second instead of running flat out." };
var root = new RootCommand("EmbeddedLearn arena: turrets that learn to lead their targets while you play.") { turrets, seconds, budget, threads, realTime };
root.SetAction(parse =>
{
    if (parse.GetValue(turrets) < 1 || parse.GetValue(threads) < 1 || parse.GetValue(budget) <= 0 || parse.GetValue(seconds) <= 0)
    {
        Console.Error.WriteLine("error: --turrets and --threads must be at least 1, --budget-ms and --seconds above 0.");
        return 2;
    }

    using var scene = new ArenaScene(parse.GetValue(turrets), parse.GetValue(threads), parse.GetValue(budget));
    int frames = (int)(parse.GetValue(seconds) * 60);
    var pace = System.Diagnostics.Stopwatch.StartNew();
    double worstFrame = 0, sumFrame = 0, hitSum = 0;
    long trained = 0;
    Console.WriteLine($"{parse.GetValue(turrets)} turrets, training budget {parse.GetValue(budget).ToString(CultureInfo.InvariantCulture)} ms per frame, {parse.GetValue(threads)} thread(s)");
    Console.WriteLine("  time   hit rate                                   frame ms (mean / worst)   learners trained per frame");
    for (int f = 1; f <= frames; f++)
    {
        (double hitRate, EmbeddedLearn.Training.TickReport report, double frameMs) = scene.Frame();
        hitSum += hitRate;
        sumFrame += frameMs;
        worstFrame = Math.Max(worstFrame, frameMs);
        trained += report.EntitiesTrained;
        if (f % 60 == 0)
        {
            double rate = hitSum / 60;
            string bar = new string('#', (int)Math.Round(rate * 30)).PadRight(30, '.');
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,5:F1}s   {1,5:P0} [{2}]   {3,6:F2} / {4,6:F2}             {5,8:F0}",
                scene.Time, rate, bar, sumFrame / 60, worstFrame, trained / 60.0));
            hitSum = sumFrame = worstFrame = 0;
            trained = 0;
        }

        if (parse.GetValue(realTime))
        {
            TimeSpan due = TimeSpan.FromSeconds(f / 60.0) - pace.Elapsed;
            if (due > TimeSpan.Zero)
            {
                Thread.Sleep(due);
            }
        }
    }

    return 0;
});
return root.Parse(args).Invoke();
