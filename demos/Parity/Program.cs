using System.CommandLine;
using EmbeddedLearn.Demos.Parity;

// Runs every case of a parity fixture file (the format of shared/fixtures/torch-parity.json) through the
// engine and prints, per case, the worst relative error and PASS or FAIL, then "N passed, M failed".
var fixtureOption = new Option<FileInfo>("--fixture") { Description = "Fixture JSON file (PyTorch dumps in the torch-parity format).", Required = true };
var backendOption = new Option<string>("--backend") { Description = "cpu, opencl or auto.", DefaultValueFactory = _ => "cpu" };
backendOption.AcceptOnlyFromAmong("cpu", "opencl", "auto");
var threadsOption = new Option<int>("--threads") { Description = "CPU threads.", DefaultValueFactory = _ => 1 };
var root = new RootCommand("Checks the engine against PyTorch dumps, case by case, tick by tick.")
{
    fixtureOption, backendOption, threadsOption,
};
root.SetAction(parse => ParityCommand.Run(
    parse.GetValue(fixtureOption)!, parse.GetValue(backendOption)!, parse.GetValue(threadsOption), Console.Out, Console.Error));
return root.Parse(args).Invoke();
