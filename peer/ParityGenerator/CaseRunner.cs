using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// Trains one case with TorchSharp (float32, CPU) and records what libtorch computed, tick by tick, as a
/// case object of the torch-parity format. Tick semantics (backwards counts backward passes so far):
/// if zero_grad and backwards % K == 0: zero grads; forward; MSE loss; backward (adds into .grad);
/// backwards += 1; if backwards % K == 0: optimizer step.
/// </summary>
internal static class CaseRunner
{
    internal static JsonObject Run(CaseSpec spec, CaseData data)
    {
        if (data.InitialParameters.Length != spec.ParameterCount)
            throw new InvalidDataException($"case {spec.Name}: {data.InitialParameters.Length} initial parameters, layers {string.Join(',', spec.Layers)} need {spec.ParameterCount}");
        using var model = Build(spec, data.InitialParameters);
        Parameter[] parameters = [.. model.parameters()];
        using var optimizer = spec.Optimizer.Create(parameters);
        var reduction = spec.Reduction switch
        {
            "mean" => nn.Reduction.Mean,
            "sum" => nn.Reduction.Sum,
            _ => throw new InvalidDataException($"case {spec.Name}: loss reduction \"{spec.Reduction}\" is not mean or sum"),
        };

        var ticks = new JsonArray();
        int backwards = 0;
        for (int t = 0; t < spec.Ticks; t++)
        {
            using var scope = NewDisposeScope();
            string at = $"case {spec.Name} tick {t}";
            if (spec.ZeroGrad && backwards % spec.AccumulationSteps == 0) optimizer.zero_grad();
            var x = tensor(data.Inputs[t], [spec.Batch, spec.In]);
            var target = tensor(data.Targets[t], [spec.Batch, spec.Out]);
            var y = model.forward(x);
            var loss = nn.functional.mse_loss(y, target, reduction);
            loss.backward();
            backwards++;
            var gradients = Flatten(parameters.Select(p => p.grad ?? zeros_like(p)));
            bool stepped = backwards % spec.AccumulationSteps == 0;
            if (stepped) optimizer.step();
            ticks.Add(new JsonObject
            {
                ["inputs"] = Json.Floats(data.Inputs[t], $"{at} inputs"),
                ["targets"] = Json.Floats(data.Targets[t], $"{at} targets"),
                ["outputs"] = Json.Floats(y.detach().data<float>().ToArray(), $"{at} outputs"),
                ["loss"] = Json.Finite(loss.item<float>(), $"{at} loss"),
                ["gradients_after_backward"] = Json.Floats(gradients, $"{at} gradients"),
                ["stepped"] = stepped,
                ["parameters_after_tick"] = Json.Floats(Flatten(parameters), $"{at} parameters"),
            });
        }

        return new JsonObject
        {
            ["name"] = spec.Name,
            ["layers"] = Json.Ints(spec.Layers),
            ["hidden_activation"] = spec.Activation,
            ["batch"] = spec.Batch,
            ["loss"] = new JsonObject { ["kind"] = "mse", ["reduction"] = spec.Reduction },
            ["optimizer"] = spec.Optimizer.ToJson(),
            ["accumulation_steps"] = spec.AccumulationSteps,
            ["zero_grad"] = spec.ZeroGrad,
            ["initial_parameters"] = Json.Floats(data.InitialParameters, $"case {spec.Name} initial parameters"),
            ["ticks"] = ticks,
        };
    }

    /// <summary>nn.Sequential(Linear, act, ..., Linear) holding <paramref name="initial"/> (PyTorch order).</summary>
    private static Sequential Build(CaseSpec spec, float[] initial) => CaseRunnerModel.Build(spec.Layers, spec.Activation, initial);

    /// <summary>The tensors' values concatenated, flat (weights row-major).</summary>
    internal static float[] Flatten(IEnumerable<Tensor> tensors)
    {
        var all = new List<float>();
        foreach (var t in tensors) all.AddRange(t.detach().contiguous().data<float>().ToArray());
        return [.. all];
    }
}
