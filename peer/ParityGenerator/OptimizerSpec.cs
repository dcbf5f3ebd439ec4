using System.Text.Json.Nodes;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// An optimizer as a fixture case names it: its JSON object (the <c>optimizer</c> field of the
/// torch-parity format, keys in the order the format uses) and the TorchSharp optimizer it stands for.
/// </summary>
internal abstract record OptimizerSpec
{
    /// <summary>The <c>optimizer</c> object of a fixture case.</summary>
    internal abstract JsonObject ToJson();

    /// <summary>The TorchSharp optimizer over <paramref name="parameters"/>, every setting passed explicitly.</summary>
    internal abstract optim.Optimizer Create(IEnumerable<Parameter> parameters);

    /// <summary>Reads the <c>optimizer</c> object of an existing fixture case.</summary>
    internal static OptimizerSpec FromJson(JsonObject o)
    {
        string kind = (string?)o["kind"] ?? throw new InvalidDataException("optimizer without \"kind\"");
        return kind switch
        {
            "sgd" => new SgdSpec(D(o, "lr"), D(o, "momentum"), D(o, "dampening"), (bool)o["nesterov"]!, D(o, "weight_decay")),
            "adam" or "adamw" => new AdamSpec(D(o, "lr"), D(o, "beta1"), D(o, "beta2"), D(o, "eps"), D(o, "weight_decay"), Decoupled: kind == "adamw"),
            _ => throw new InvalidDataException($"optimizer kind \"{kind}\" is not sgd, adam or adamw"),
        };
    }

    private static double D(JsonObject o, string key) =>
        (double?)o[key] ?? throw new InvalidDataException($"optimizer \"{o["kind"]}\" without \"{key}\"");
}
