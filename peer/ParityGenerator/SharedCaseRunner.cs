using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// Trains one shared-model case with TorchSharp (float32, CPU) and records, tick by tick, which members were present,
/// every member's rows, and what the module computed on the present members' concatenated batch: outputs, loss,
/// gradients after backward and parameters after the step.
/// </summary>
internal static class SharedCaseRunner
{
    internal static JsonObject Run(SharedCaseSpec spec)
    {
        CaseSpec whole = spec.Whole;
        CaseData data = CaseData.Draw(whole);
        using Sequential model = CaseRunnerModel.Build(spec.Layers, spec.Activation, data.InitialParameters);
        Parameter[] parameters = [.. model.parameters()];
        using var optimizer = spec.Optimizer.Create(parameters);
        nn.Reduction reduction = spec.Reduction == "sum" ? nn.Reduction.Sum : nn.Reduction.Mean;
        int nIn = whole.In, nOut = whole.Out, b = spec.RowsPerMember;
        var ticks = new JsonArray();
        for (int t = 0; t < spec.Present.Length; t++)
        {
            using var scope = NewDisposeScope();
            string at = $"case {spec.Name} tick {t}";
            int[] present = spec.Present[t];
            float[] x = [.. present.SelectMany(m => data.Inputs[t].Skip(m * b * nIn).Take(b * nIn))];
            float[] y = [.. present.SelectMany(m => data.Targets[t].Skip(m * b * nOut).Take(b * nOut))];
            optimizer.zero_grad();
            var output = model.forward(tensor(x, [present.Length * b, nIn]));
            var loss = nn.functional.mse_loss(output, tensor(y, [present.Length * b, nOut]), reduction);
            loss.backward();
            float[] gradients = CaseRunner.Flatten(parameters.Select(p => p.grad ?? zeros_like(p)));
            optimizer.step();
            ticks.Add(new JsonObject
            {
                ["present"] = Json.Ints(present),
                ["inputs"] = Json.Floats(data.Inputs[t], $"{at} inputs"),
                ["targets"] = Json.Floats(data.Targets[t], $"{at} targets"),
                ["outputs"] = Json.Floats(output.detach().data<float>().ToArray(), $"{at} outputs"),
                ["loss"] = Json.Finite(loss.item<float>(), $"{at} loss"),
                ["gradients_after_backward"] = Json.Floats(gradients, $"{at} gradients"),
                ["parameters_after_tick"] = Json.Floats(CaseRunner.Flatten(parameters), $"{at} parameters"),
            });
        }

        return new JsonObject
        {
            ["name"] = spec.Name,
            ["layers"] = Json.Ints(spec.Layers),
            ["hidden_activation"] = spec.Activation,
            ["capacity"] = spec.Capacity,
            ["rows_per_member"] = b,
            ["loss"] = new JsonObject { ["kind"] = "mse", ["reduction"] = spec.Reduction },
            ["optimizer"] = spec.Optimizer.ToJson(),
            ["accumulation_steps"] = 1,
            ["initial_parameters"] = Json.Floats(data.InitialParameters, $"case {spec.Name} initial parameters"),
            ["ticks"] = ticks,
        };
    }
}
