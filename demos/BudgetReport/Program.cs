using System.CommandLine;
using EmbeddedLearn.Demos.BudgetReport;

// Collects the frame-budget runner's and the TorchSharp peer's --json results into a markdown table and a log-log chart.
var inputs = new Option<string[]>("--inputs")
{
    AllowMultipleArgumentsPerToken = true,
    Required = true,
    Description = "JSON files, or folders whose *.json (recursively) are read: demos/FrameBudget --json and peer/TorchSharpPeer --json output.",
};
var png = new Option<string?>("--png") { Description = "Write the chart (log-log, p50 ms per tick against N) to this PNG." };
var markdown = new Option<string?>("--markdown") { Description = "Write the table to this markdown file (default: print it)." };
var root = new RootCommand("EmbeddedLearn budget report: table and chart of frame-budget and TorchSharp peer results") { inputs, png, markdown };
root.SetAction(parse =>
{
    static void Warn(string message) => Console.Error.WriteLine("warning: " + message);
    List<Measurement> measurements;
    try
    {
        var all = new List<Measurement>();
        foreach (string file in ResultReader.ExpandInputs(parse.GetValue(inputs)!))
        {
            all.AddRange(ResultReader.Read(file, Warn) ?? []);
        }

        measurements = ResultReader.Deduplicate(all, Warn);
    }
    catch (Exception ex) when (ex is MalformedResultException or IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine("error: " + ex.Message);
        return 1;
    }

    if (measurements.Count == 0)
    {
        Console.Error.WriteLine("error: no results found in the inputs.");
        return 1;
    }

    string table = MarkdownTable.Build(measurements);
    if (parse.GetValue(markdown) is string markdownPath)
    {
        File.WriteAllText(markdownPath, table);
        Console.WriteLine($"wrote {markdownPath} ({measurements.Count} measurements)");
    }
    else
    {
        Console.Write(table);
    }

    if (parse.GetValue(png) is string pngPath)
    {
        BudgetChart.Save(measurements, pngPath);
        Console.WriteLine($"wrote {pngPath}");
    }

    return 0;
});
return root.Parse(args).Invoke();
