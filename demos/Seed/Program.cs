using System.CommandLine;
using EmbeddedLearn.Demos.Seed;

// The classic loss.backward() example (Linear(1,1) fitting y = 2x), run through the ECS pipeline:
// one entity, its parameters and gradients as components, each PyTorch call as a pipeline stage.
var weightOption = new Option<float?>("--weight") { Description = "Initial weight (with --bias); default: PyTorch's init from --seed." };
var biasOption = new Option<float?>("--bias") { Description = "Initial bias (with --weight)." };
var seedOption = new Option<ulong>("--seed") { Description = "Seed of the default initialisation.", DefaultValueFactory = _ => 0UL };
var twiceOption = new Option<bool>("--backward-twice") { Description = "Call backward twice without zeroing, then again with the zero-grad stage." };
var root = new RootCommand("EmbeddedLearn seed example: Linear(1,1), MSE, SGD lr 0.1, one step.")
{
    weightOption, biasOption, seedOption, twiceOption,
};
root.SetAction(parse =>
{
    float? weight = parse.GetValue(weightOption);
    float? bias = parse.GetValue(biasOption);
    if (weight.HasValue != bias.HasValue)
    {
        Console.Error.WriteLine("Give both --weight and --bias, or neither (then --seed initialises them as PyTorch does).");
        return 2;
    }

    SeedExample.Run(weight.HasValue ? [weight.Value, bias!.Value] : null, parse.GetValue(seedOption), parse.GetValue(twiceOption), Console.Out);
    return 0;
});
return root.Parse(args).Invoke();
