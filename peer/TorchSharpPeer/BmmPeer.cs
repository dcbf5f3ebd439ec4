using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer;

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
