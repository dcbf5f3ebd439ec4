using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer;

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
