using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// Runs one PPO case with TorchSharp (float32, CPU, one thread) and records what libtorch computed: GAE advantages
/// and returns (float32, the engine's order of operations), then for every minibatch of every epoch the losses, and the
/// parameters and log-std after the optimizer step; for the first minibatch also the gradients (after clipping, as the
/// step uses them). One optimizer over the network's parameters and the log-std; <c>clip_grad_norm_</c> over all of them.
/// </summary>
internal static class PpoCaseRunner
{
    private const float HalfLogTwoPi = 0.918938533204672741780329736406f;

    internal static JsonObject Run(PpoCaseSpec spec)
    {
        manual_seed(spec.Seed);
        int n = spec.ObservationWidth, a = spec.ActionCount, rows = spec.Rows;
        float[] initial = DrawParameters(spec);
        float[] logStdInit = Uniform(a, -0.7, -0.3);
        float[] obs = Uniform(rows * n, -1, 1);
        float[] rewards = Uniform(rows, -1, 1);
        float[] doneDraw = Uniform(rows, 0, 1);
        float[] dones = [.. doneDraw.Select(u => u < spec.DoneProbability ? 1f : 0f)];
        float[] lastValues = Uniform(spec.Slots, -1, 1);
        float[] logpNoise = Uniform(rows, -0.3, 0.3);
        float[] valueNoise = Uniform(rows, -0.2, 0.2);

        using var model = CaseRunnerModel.Build(spec.Layers, spec.Activation, initial);
        var logStd = new Parameter(tensor(logStdInit, [a]));
        Parameter[] parameters = [.. model.parameters(), logStd];

        // The behaviour policy's actions, log-probs and values: the initial network, plus noise on log-probs and values
        // so that ratios start away from 1 and some are clipped from the first minibatch.
        float[] actions, oldLogp, oldValues;
        using (no_grad())
        {
            var output = model.forward(tensor(obs, [rows, n]));
            var heads = output[.., ..a];
            var values = output[.., a];
            if (spec.Continuous)
            {
                var noise = randn(rows, a);
                var act = heads + (logStd.exp() * noise);
                actions = act.contiguous().data<float>().ToArray();
                oldLogp = (LogProb(spec, heads, act, logStd) + tensor(logpNoise)).data<float>().ToArray();
            }
            else
            {
                var draws = multinomial(nn.functional.softmax(heads, 1), 1).squeeze(1);
                actions = draws.to_type(ScalarType.Float32).data<float>().ToArray();
                oldLogp = (LogProb(spec, heads, draws.to_type(ScalarType.Float32).unsqueeze(1), logStd) + tensor(logpNoise)).data<float>().ToArray();
            }

            oldValues = (values + tensor(valueNoise)).contiguous().data<float>().ToArray();
        }

        (float[] advantages, float[] returns) = Gae(spec, rewards, dones, oldValues, lastValues);

        using var optimizer = spec.Optimizer.Create(parameters);
        var order = Enumerable.Range(0, rows).ToArray();
        var shuffle = new PpoShuffle(spec.ShuffleSeed);
        var minibatches = new JsonArray();
        var permutations = new JsonArray();
        int aw = spec.ActionWidth;
        for (int epoch = 0; epoch < spec.Epochs; epoch++)
        {
            shuffle.Shuffle(order);
            permutations.Add(Json.Ints(order));
            for (int start = 0; start < rows; start += spec.Minibatch)
            {
                using var scope = NewDisposeScope();
                int m = Math.Min(spec.Minibatch, rows - start);
                int[] index = order[start..(start + m)];
                string at = $"case {spec.Name} epoch {epoch} minibatch {start / spec.Minibatch}";
                var x = tensor(index.SelectMany(r => obs[(r * n)..((r + 1) * n)]).ToArray(), [m, n]);
                var act = tensor(index.SelectMany(r => actions[(r * aw)..((r + 1) * aw)]).ToArray(), [m, aw]);
                var oldLp = tensor(index.Select(r => oldLogp[r]).ToArray());
                var oldV = tensor(index.Select(r => oldValues[r]).ToArray());
                var adv = tensor(index.Select(r => advantages[r]).ToArray());
                var ret = tensor(index.Select(r => returns[r]).ToArray());

                optimizer.zero_grad();
                var output = model.forward(x);
                var heads = output[.., ..a];
                var v = output[.., a];
                var logp = LogProb(spec, heads, act, logStd);
                Tensor entropy = spec.Continuous
                    ? (logStd + (0.5f + HalfLogTwoPi)).sum()
                    : Entropy(heads).mean();
                if (spec.NormalizeAdvantages && m > 1) adv = (adv - adv.mean()) / (adv.std() + 1e-8f);
                var logRatio = logp - oldLp;
                var ratio = logRatio.exp();
                var s1 = ratio * adv;
                var s2 = ratio.clamp(1f - spec.ClipEpsilon, 1f + spec.ClipEpsilon) * adv;
                var policyLoss = -minimum(s1, s2).mean();
                Tensor valueLoss;
                if (spec.ValueClip > 0f)
                {
                    var vClipped = oldV + (v - oldV).clamp(-spec.ValueClip, spec.ValueClip);
                    valueLoss = 0.5f * maximum((v - ret).square(), (vClipped - ret).square()).mean();
                }
                else
                {
                    valueLoss = 0.5f * (v - ret).square().mean();
                }

                var loss = policyLoss + (spec.ValueCoefficient * valueLoss) - (spec.EntropyCoefficient * entropy);
                loss.backward();
                if (spec.MaxGradNorm > 0f) nn.utils.clip_grad_norm_(parameters, spec.MaxGradNorm);
                float[] gradients = Flatten(model.parameters().Select(p => p.grad ?? zeros_like(p)));
                float[] logStdGradient = (logStd.grad ?? zeros_like(logStd)).data<float>().ToArray();
                optimizer.step();
                var record = new JsonObject
                {
                    ["epoch"] = epoch,
                    ["rows"] = Json.Ints(index),
                    ["policy_loss"] = Json.Finite(policyLoss.item<float>(), $"{at} policy loss"),
                    ["value_loss"] = Json.Finite(valueLoss.item<float>(), $"{at} value loss"),
                    ["entropy"] = Json.Finite(entropy.item<float>(), $"{at} entropy"),
                    ["total_loss"] = Json.Finite(loss.item<float>(), $"{at} total loss"),
                    ["approx_kl"] = Json.Finite(((ratio - 1f) - logRatio).mean().item<float>(), $"{at} approx kl"),
                    ["clip_fraction"] = Json.Finite((ratio - 1f).abs().gt(spec.ClipEpsilon).to_type(ScalarType.Float32).mean().item<float>(), $"{at} clip fraction"),
                    ["parameters_after_step"] = Json.Floats(Flatten(model.parameters()), $"{at} parameters"),
                    ["log_std_after_step"] = Json.Floats(spec.Continuous ? logStd.data<float>().ToArray() : [], $"{at} log std"),
                };
                if (minibatches.Count == 0)
                {
                    record["gradients"] = Json.Floats(gradients, $"{at} gradients");
                    record["log_std_gradient"] = Json.Floats(spec.Continuous ? logStdGradient : [], $"{at} log std gradient");
                }

                minibatches.Add(record);
            }
        }

        return new JsonObject
        {
            ["name"] = spec.Name,
            ["layers"] = Json.Ints(spec.Layers),
            ["hidden_activation"] = spec.Activation,
            ["action_kind"] = spec.Continuous ? "continuous" : "discrete",
            ["slots"] = spec.Slots,
            ["horizon"] = spec.Horizon,
            ["minibatch"] = spec.Minibatch,
            ["epochs"] = spec.Epochs,
            ["gamma"] = spec.Gamma,
            ["lambda"] = spec.Lambda,
            ["clip_epsilon"] = spec.ClipEpsilon,
            ["value_clip"] = spec.ValueClip,
            ["value_coefficient"] = spec.ValueCoefficient,
            ["entropy_coefficient"] = spec.EntropyCoefficient,
            ["normalize_advantages"] = spec.NormalizeAdvantages,
            ["max_grad_norm"] = spec.MaxGradNorm,
            ["optimizer"] = spec.Optimizer.ToJson(),
            ["shuffle_seed"] = spec.ShuffleSeed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["initial_parameters"] = Json.Floats(initial, $"case {spec.Name} initial parameters"),
            ["initial_log_std"] = Json.Floats(spec.Continuous ? logStdInit : [], $"case {spec.Name} initial log std"),
            ["observations"] = Json.Floats(obs, $"case {spec.Name} observations"),
            ["actions"] = Json.Floats(actions, $"case {spec.Name} actions"),
            ["rewards"] = Json.Floats(rewards, $"case {spec.Name} rewards"),
            ["dones"] = Json.Floats(dones, $"case {spec.Name} dones"),
            ["old_log_probs"] = Json.Floats(oldLogp, $"case {spec.Name} old log probs"),
            ["old_values"] = Json.Floats(oldValues, $"case {spec.Name} old values"),
            ["last_values"] = Json.Floats(lastValues, $"case {spec.Name} last values"),
            ["advantages"] = Json.Floats(advantages, $"case {spec.Name} advantages"),
            ["returns"] = Json.Floats(returns, $"case {spec.Name} returns"),
            ["permutations"] = permutations,
            ["minibatches"] = minibatches,
        };
    }

    /// <summary>Per-row log-probability of <paramref name="actions"/> (<c>[m, A]</c> continuous, <c>[m, 1]</c> indices).</summary>
    private static Tensor LogProb(PpoCaseSpec spec, Tensor heads, Tensor actions, Tensor logStd)
    {
        if (spec.Continuous)
        {
            var u = (actions - heads) / logStd.exp();
            return ((-0.5f * u * u) - logStd - HalfLogTwoPi).sum(1);
        }

        var logSoftmax = nn.functional.log_softmax(heads, 1);
        return logSoftmax.gather(1, actions.to_type(ScalarType.Int64)).squeeze(1);
    }

    private static Tensor Entropy(Tensor logits)
    {
        var l = nn.functional.log_softmax(logits, 1);
        return -(l.exp() * l).sum(1);
    }

    /// <summary>GAE(lambda) per slot, backwards over t, in float32 in the engine's order of operations.</summary>
    private static (float[] Advantages, float[] Returns) Gae(PpoCaseSpec spec, float[] rewards, float[] dones, float[] values, float[] lastValues)
    {
        var advantages = new float[spec.Rows];
        var returns = new float[spec.Rows];
        float gammaLambda = spec.Gamma * spec.Lambda;
        for (int s = 0; s < spec.Slots; s++)
        {
            float nextValue = lastValues[s];
            float nextAdvantage = 0f;
            for (int t = spec.Horizon - 1; t >= 0; t--)
            {
                int r = (s * spec.Horizon) + t;
                float notDone = 1f - dones[r];
                float delta = rewards[r] + (spec.Gamma * notDone * nextValue) - values[r];
                float advantage = delta + (gammaLambda * notDone * nextAdvantage);
                advantages[r] = advantage;
                returns[r] = advantage + values[r];
                nextValue = values[r];
                nextAdvantage = advantage;
            }
        }

        return (advantages, returns);
    }

    private static float[] DrawParameters(PpoCaseSpec spec)
    {
        var initial = new List<float>(spec.ParameterCount);
        for (int l = 0; l + 1 < spec.Layers.Length; l++)
        {
            int fanIn = spec.Layers[l], fanOut = spec.Layers[l + 1];
            double bound = 1.0 / Math.Sqrt(fanIn);
            initial.AddRange(Uniform(fanOut * fanIn, -bound, bound));
            initial.AddRange(Uniform(fanOut, -bound, bound));
        }

        return [.. initial];
    }

    private static float[] Uniform(int count, double low, double high)
    {
        using var u = rand(count, dtype: ScalarType.Float32);
        using var scaled = (u * (high - low)) + low;
        return scaled.data<float>().ToArray();
    }

    private static float[] Flatten(IEnumerable<Tensor> tensors)
    {
        var all = new List<float>();
        foreach (var t in tensors) all.AddRange(t.detach().contiguous().data<float>().ToArray());
        return [.. all];
    }
}
