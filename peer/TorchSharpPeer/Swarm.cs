using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer;

/// <summary>The swarm workload's shape and the settings shared by both idioms.</summary>
internal static class Swarm
{
    internal const int In = 8, H1 = 32, H2 = 32, Out = 2, Batch = 4, Ring = 4;
    internal const double LearningRate = 0.01;
}

/// <summary>
/// Initial weights (stacked, PyTorch layout [N, out, in] and biases [N, 1, out], drawn like nn.Linear:
/// uniform in ±1/sqrt(in)) and a ring of fixed input batches, shared by both idioms so that they train
/// the same networks on the same data.
/// </summary>
internal sealed class SwarmData
{
    internal readonly Tensor W1, B1, W2, B2, W3, B3;
    internal readonly Tensor[] X, T; // per ring slot: inputs [N, B, 8], targets [N, B, 2]

    internal SwarmData(int n, int seed)
    {
        torch.manual_seed(seed);
        (W1, B1) = Layer(n, Swarm.In, Swarm.H1);
        (W2, B2) = Layer(n, Swarm.H1, Swarm.H2);
        (W3, B3) = Layer(n, Swarm.H2, Swarm.Out);
        X = new Tensor[Swarm.Ring];
        T = new Tensor[Swarm.Ring];
        for (int r = 0; r < Swarm.Ring; r++)
        {
            X[r] = torch.rand(n, Swarm.Batch, Swarm.In) - 0.5f;                 // uniform in [-0.5, 0.5)
            T[r] = (X[r].narrow(2, 0, Swarm.Out) * 0.5f).contiguous();          // target = 0.5 * (x0, x1)
        }
    }

    private static (Tensor W, Tensor B) Layer(int n, int fanIn, int fanOut)
    {
        float k = 1f / MathF.Sqrt(fanIn);
        return ((torch.rand(n, fanOut, fanIn) * 2f - 1f) * k, (torch.rand(n, 1, fanOut) * 2f - 1f) * k);
    }
}

/// <summary>One idiom of the peer: a training tick over all entities and the current mean loss.</summary>
internal interface ISwarmPeer : IDisposable
{
    /// <summary>zero_grad, forward, loss, backward, step for every entity, on ring slot <paramref name="slot"/>.</summary>
    void Tick(int slot);

    /// <summary>The mean over entities of each entity's MSE on ring slot 0 (no gradient).</summary>
    double MeanLoss();
}

/// <summary>One nn.Sequential and one SGD optimizer per entity.</summary>
internal sealed class ModulesPeer : ISwarmPeer
{
    private readonly Sequential[] _models;
    private readonly optim.Optimizer[] _optimizers;
    private readonly Tensor[][] _x, _t; // [slot][entity]: views of the shared batches

    internal ModulesPeer(SwarmData data)
    {
        int n = (int)data.W1.shape[0];
        _models = new Sequential[n];
        _optimizers = new optim.Optimizer[n];
        for (int i = 0; i < n; i++)
        {
            var l1 = nn.Linear(Swarm.In, Swarm.H1);
            var l2 = nn.Linear(Swarm.H1, Swarm.H2);
            var l3 = nn.Linear(Swarm.H2, Swarm.Out);
            using (torch.no_grad())
            {
                l1.weight!.copy_(data.W1[i]); l1.bias!.copy_(data.B1[i][0]);
                l2.weight!.copy_(data.W2[i]); l2.bias!.copy_(data.B2[i][0]);
                l3.weight!.copy_(data.W3[i]); l3.bias!.copy_(data.B3[i][0]);
            }
            _models[i] = nn.Sequential(("l1", l1), ("t1", nn.Tanh()), ("l2", l2), ("t2", nn.Tanh()), ("l3", l3));
            _optimizers[i] = optim.SGD(_models[i].parameters(), Swarm.LearningRate);
        }
        _x = new Tensor[Swarm.Ring][];
        _t = new Tensor[Swarm.Ring][];
        for (int r = 0; r < Swarm.Ring; r++)
        {
            _x[r] = new Tensor[n];
            _t[r] = new Tensor[n];
            for (int i = 0; i < n; i++)
            {
                _x[r][i] = data.X[r][i];
                _t[r][i] = data.T[r][i];
            }
        }
    }

    public void Tick(int slot)
    {
        using var scope = torch.NewDisposeScope();
        Tensor[] x = _x[slot], t = _t[slot];
        for (int i = 0; i < _models.Length; i++)
        {
            _optimizers[i].zero_grad();
            var y = _models[i].forward(x[i]);
            var loss = nn.functional.mse_loss(y, t[i]);
            loss.backward();
            _optimizers[i].step();
        }
    }

    public double MeanLoss()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        double sum = 0;
        for (int i = 0; i < _models.Length; i++)
            sum += nn.functional.mse_loss(_models[i].forward(_x[0][i]), _t[0][i]).item<float>();
        return sum / _models.Length;
    }

    public void Dispose()
    {
        foreach (var views in _x) foreach (var v in views) v.Dispose();
        foreach (var views in _t) foreach (var v in views) v.Dispose();
        foreach (var o in _optimizers) o.Dispose();
        foreach (var m in _models) m.Dispose();
    }
}

/// <summary>
/// All entities batched (the ensembling idiom): weights [N, out, in] and biases [N, 1, out] with
/// requires_grad, forward with baddbmm over [N, B, in], loss = sum over entities of each entity's MSE mean
/// (so each entity's gradient is its own MSE-mean gradient), one SGD optimizer over all.
/// </summary>
internal sealed class BmmPeer : ISwarmPeer
{
    private readonly Parameter _w1, _b1, _w2, _b2, _w3, _b3;
    private readonly optim.Optimizer _optimizer;
    private readonly Tensor[] _x, _t;

    internal BmmPeer(SwarmData data)
    {
        ProbeBaddbmm();
        Console.WriteLine($"bmm idiom: baddbmm via {BaddbmmPath}");
        _w1 = new Parameter(data.W1.clone()); _b1 = new Parameter(data.B1.clone());
        _w2 = new Parameter(data.W2.clone()); _b2 = new Parameter(data.B2.clone());
        _w3 = new Parameter(data.W3.clone()); _b3 = new Parameter(data.B3.clone());
        _optimizer = optim.SGD(new[] { _w1, _b1, _w2, _b2, _w3, _b3 }, Swarm.LearningRate);
        _x = data.X;
        _t = data.T;
    }

    /// <summary>How this TorchSharp's baddbmm is reached (see <see cref="ProbeBaddbmm"/>).</summary>
    internal static string BaddbmmPath { get; private set; } = "";

    private static Func<Tensor, Tensor, Tensor, Tensor>? s_baddbmm;

    /// <summary>input + batch1 @ batch2, per batch.</summary>
    private static Tensor Baddbmm(Tensor input, Tensor batch1, Tensor batch2) => s_baddbmm!(input, batch1, batch2);

    /// <summary>
    /// TorchSharp 0.107's torch.baddbmm(input, batch1, batch2) does not compute input + batch1 @ batch2: it calls
    /// input.baddbmm(batch1, batch2), and Tensor.baddbmm(batch2, mat) treats `this` as batch1 and its last argument
    /// as the added matrix (THSTensor_baddbmm: mat->baddbmm(*batch1, *batch2)), so it computes
    /// batch2 + input @ batch1 (with our shapes: "The expanded size of the tensor (8) must match the existing
    /// size (32) at non-singleton dimension 2"). Probe on small tensors which spelling is right here and use it,
    /// so the peer stays correct if a later TorchSharp fixes the order; bmm + add is the fallback.
    /// </summary>
    private static void ProbeBaddbmm()
    {
        if (s_baddbmm is not null) return;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var bias = torch.rand(2, 1, 3);
        var a = torch.rand(2, 4, 5);
        var b = torch.rand(2, 5, 3);
        var expected = torch.bmm(a, b) + bias;
        var candidates = new (string Name, Func<Tensor, Tensor, Tensor, Tensor> F)[]
        {
            ("torch.baddbmm(input, batch1, batch2)", (i, x, y) => torch.baddbmm(i, x, y)),
            ("batch1.baddbmm(batch2, input) (TorchSharp's argument order)", (i, x, y) => x.baddbmm(y, i)),
        };
        foreach (var (name, f) in candidates)
        {
            try
            {
                if (f(bias, a, b).allclose(expected, 1e-5, 1e-6)) { s_baddbmm = f; BaddbmmPath = name; return; }
            }
            catch (ExternalException) { }
        }
        s_baddbmm = (i, x, y) => torch.bmm(x, y) + i;
        BaddbmmPath = "torch.bmm(batch1, batch2) + input (no baddbmm spelling matched)";
    }

    private Tensor Forward(Tensor x)
    {
        var h1 = torch.tanh(Baddbmm(_b1, x, _w1.transpose(1, 2)));   // [N, B, 32]
        var h2 = torch.tanh(Baddbmm(_b2, h1, _w2.transpose(1, 2)));  // [N, B, 32]
        return Baddbmm(_b3, h2, _w3.transpose(1, 2));                // [N, B, 2]
    }

    private static Tensor PerEntityMse(Tensor y, Tensor t) => (y - t).square().mean(new long[] { 1, 2 }); // [N]

    public void Tick(int slot)
    {
        using var scope = torch.NewDisposeScope();
        _optimizer.zero_grad();
        var loss = PerEntityMse(Forward(_x[slot]), _t[slot]).sum();
        loss.backward();
        _optimizer.step();
    }

    public double MeanLoss()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return PerEntityMse(Forward(_x[0]), _t[0]).mean().item<float>();
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        foreach (var p in new[] { _w1, _b1, _w2, _b2, _w3, _b3 }) p.Dispose();
    }
}

/// <summary>One idiom's measurement.</summary>
internal sealed record PeerResult(
    [property: JsonPropertyName("idiom")] string Idiom,
    [property: JsonPropertyName("entities")] int Entities,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("ticks")] int Ticks,
    [property: JsonPropertyName("warmup")] int Warmup,
    [property: JsonPropertyName("mean_ms")] double MeanMs,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p95_ms")] double P95Ms,
    [property: JsonPropertyName("p99_ms")] double P99Ms,
    [property: JsonPropertyName("max_ms")] double MaxMs,
    [property: JsonPropertyName("loss_before")] double LossBefore,
    [property: JsonPropertyName("loss_after")] double LossAfter,
    [property: JsonPropertyName("rss_before_mb")] double RssBeforeMb,
    [property: JsonPropertyName("rss_after_mb")] double RssAfterMb);

internal static class Bench
{
    internal static PeerResult Run(ISwarmPeer peer, string idiom, int n, int threads, int ticks, int warmup)
    {
        double lossBefore = peer.MeanLoss();
        int tick = 0;
        for (int w = 0; w < warmup; w++) peer.Tick(tick++ % Swarm.Ring);
        double rssBefore = Environment.WorkingSet / 1048576.0;
        var ms = new double[ticks];
        for (int k = 0; k < ticks; k++)
        {
            long start = Stopwatch.GetTimestamp();
            peer.Tick(tick++ % Swarm.Ring);
            ms[k] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        double rssAfter = Environment.WorkingSet / 1048576.0;
        double lossAfter = peer.MeanLoss();
        var sorted = (double[])ms.Clone();
        Array.Sort(sorted);
        return new PeerResult(idiom, n, threads, ticks, warmup, ms.Average(),
            Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[^1],
            lossBefore, lossAfter, rssBefore, rssAfter);
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    private static double Percentile(double[] sorted, double p)
    {
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    internal static void PrintTable(IReadOnlyList<PeerResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("| idiom   | entities | threads | ticks | mean ms | p50 ms | p95 ms | p99 ms | max ms | loss before -> after | RSS MB before -> after |");
        Console.WriteLine("|---------|---------:|--------:|------:|--------:|-------:|-------:|-------:|-------:|----------------------|------------------------|");
        foreach (var r in results)
            Console.WriteLine(string.Format(c,
                "| {0,-7} | {1,8} | {2,7} | {3,5} | {4,7:F3} | {5,6:F3} | {6,6:F3} | {7,6:F3} | {8,6:F3} | {9:F6} -> {10:F6} | {11:F0} -> {12:F0} |",
                r.Idiom, r.Entities, r.Threads, r.Ticks, r.MeanMs, r.P50Ms, r.P95Ms, r.P99Ms, r.MaxMs,
                r.LossBefore, r.LossAfter, r.RssBeforeMb, r.RssAfterMb));
    }
}
