using System.Text.Json.Nodes;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer.Parity;

/// <summary><c>torch.optim.SGD</c> (weight decay as L2 added to the gradient).</summary>
internal sealed record SgdSpec(double Lr, double Momentum, double Dampening, bool Nesterov, double WeightDecay) : OptimizerSpec
{
    internal override JsonObject ToJson() => new()
    {
        ["kind"] = "sgd", ["lr"] = Lr, ["momentum"] = Momentum, ["dampening"] = Dampening,
        ["nesterov"] = Nesterov, ["weight_decay"] = WeightDecay,
    };

    internal override optim.Optimizer Create(IEnumerable<Parameter> parameters) =>
        optim.SGD(parameters, Lr, momentum: Momentum, dampening: Dampening, weight_decay: WeightDecay,
                  nesterov: Nesterov, maximize: false);
}
