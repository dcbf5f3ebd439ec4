using System.Runtime.InteropServices;
using System.Security.Cryptography;
using EmbeddedLearn.Components;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>
/// PPO learns the same bits on every CPU: two brains of 16 members each decide and train for 40 ticks (Gaussian noise,
/// categorical draws, GAE, shuffles, losses, Adam, clipping), and the SHA-256 of their parameters, Adam moments and
/// log-std must be the one recorded on x86-64 with AVX-512. Run it with <c>DOTNET_EnableAVX512F=0</c>,
/// <c>DOTNET_EnableAVX2=0</c> or <c>DOTNET_EnableHWIntrinsic=0</c>, or on ARM64 (<c>../shared/arm64/run-arm64.sh</c>), and
/// it must pass unchanged.
/// </summary>
public sealed class PpoFingerprintTests
{
    [Theory]
    [InlineData(PpoActionKind.Continuous, 1, "1df373dbd61ce371c38bac4e0f79f5feaa0ea4096c243b6f19f7984be7487c27")]
    [InlineData(PpoActionKind.Continuous, 2, "1df373dbd61ce371c38bac4e0f79f5feaa0ea4096c243b6f19f7984be7487c27")]
    [InlineData(PpoActionKind.Discrete, 1, "347fb3e1fdcf6c1332a0bc77389bd1e47f9d84d050f48db034fe0fede7fc7a29")]
    public void Learning_gives_the_recorded_bits(PpoActionKind kind, int threads, string expected)
    {
        using var reach = new PpoReach(brains: 2, members: 16, kind, horizon: 8, minibatch: 32, seed: 21);
        using var pipeline = new TrainingPipeline(PpoSpec.Stages(minibatchesPerTick: 2), new PipelineOptions { Threads = threads });
        for (int t = 0; t < 40; t++)
        {
            reach.Step(pipeline);
        }

        Assert.True(reach.World.Get<PpoState>(reach.Brains[0]).Updates >= 3);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(reach.Snapshot().AsSpan()));
        foreach (var brain in reach.Brains)
        {
            hash.AppendData(MemoryMarshal.AsBytes(reach.World.GetSpan<float>(brain, reach.Spec.Model.AdamMoments)));
        }

        string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        Assert.True(expected == actual, "fingerprint " + actual);
    }
}
