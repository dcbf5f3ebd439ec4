using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>The network of a case: <c>nn.Sequential(Linear, act, ..., Linear)</c> holding given parameters.</summary>
internal static class CaseRunnerModel
{
    /// <summary>The network of <paramref name="layers"/> with <paramref name="activation"/> between the linear layers,
    /// holding <paramref name="initial"/> (PyTorch order: per layer weight <c>[out, in]</c> row-major, then bias).</summary>
    internal static Sequential Build(int[] layers, string activation, float[] initial)
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        int offset = 0;
        for (int l = 0; l + 1 < layers.Length; l++)
        {
            int fanIn = layers[l], fanOut = layers[l + 1];
            var linear = nn.Linear(fanIn, fanOut);
            using (no_grad())
            {
                linear.weight!.copy_(tensor(initial.AsSpan(offset, fanOut * fanIn).ToArray(), [fanOut, fanIn]));
                offset += fanOut * fanIn;
                linear.bias!.copy_(tensor(initial.AsSpan(offset, fanOut).ToArray(), [fanOut]));
                offset += fanOut;
            }
            modules.Add(($"linear{l}", linear));
            if (l + 2 < layers.Length) modules.Add(($"act{l}", Activation(activation)));
        }
        return nn.Sequential(modules);
    }

    private static nn.Module<Tensor, Tensor> Activation(string activation) => activation switch
    {
        "identity" => nn.Identity(),
        "relu" => nn.ReLU(),
        "tanh" => nn.Tanh(),
        "sigmoid" => nn.Sigmoid(),
        "leaky_relu" => nn.LeakyReLU(0.01),
        _ => throw new InvalidDataException($"hidden_activation \"{activation}\" is not identity, relu, tanh, sigmoid or leaky_relu"),
    };
}
