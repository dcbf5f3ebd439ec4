using TorchSharp;
using static TorchSharp.torch;

namespace EmbeddedLearn.Peer;

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
