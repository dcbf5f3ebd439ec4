using TorchSharp;

namespace EmbeddedLearn.Peer.Parity;

/// <summary>The fixture's <c>source</c> line: which libtorch and TorchSharp computed it.</summary>
internal static class Source
{
    /// <summary>libtorch of the libtorch-cpu-linux-x64 package that TorchSharp-cpu 0.107.0 depends on.</summary>
    internal const string LibTorch = "2.10.0";

    internal static string Text
    {
        get
        {
            var v = typeof(torch).Assembly.GetName().Version!;
            return $"libtorch {LibTorch} through TorchSharp {v.Major}.{v.Minor}.{v.Build}, float32, CPU";
        }
    }
}
