using System.Text.Json.Nodes;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// <c>torch.optim.Adam</c> (<paramref name="Decoupled"/> false: weight decay as L2 added to the gradient) or
/// <c>torch.optim.AdamW</c> (true: decoupled weight decay). AdamW, per step t (1-based) and parameter p with
/// gradient g: p *= 1 - lr * weight_decay; m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
/// p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps). amsgrad and maximize are false.
/// Every setting is passed explicitly: TorchSharp 0.107's <c>optim.AdamW</c> defaults weight_decay to 0, where
/// PyTorch's <c>torch.optim.AdamW</c> defaults it to 0.01.
/// </summary>
internal sealed record AdamSpec(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, bool Decoupled) : OptimizerSpec
{
    internal override JsonObject ToJson() => new()
    {
        ["kind"] = Decoupled ? "adamw" : "adam", ["lr"] = Lr, ["beta1"] = Beta1, ["beta2"] = Beta2, ["eps"] = Eps,
        ["weight_decay"] = WeightDecay, ["amsgrad"] = false,
    };

    internal override optim.Optimizer Create(IEnumerable<Parameter> parameters) => Decoupled
        ? optim.AdamW(parameters, lr: Lr, beta1: Beta1, beta2: Beta2, eps: Eps, weight_decay: WeightDecay, amsgrad: false, maximize: false)
        : optim.Adam(parameters, lr: Lr, beta1: Beta1, beta2: Beta2, eps: Eps, weight_decay: WeightDecay, amsgrad: false, maximize: false);
}
