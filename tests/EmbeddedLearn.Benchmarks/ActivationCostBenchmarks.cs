using BenchmarkDotNet.Attributes;
using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Benchmarks;

/// <summary>What the hidden activation costs: one entity's forward and backward pass of 8-32-32-2, batch 4, with its
/// data in the first-level cache (the same buffers every call), per activation. The difference between tanh and identity
/// is the exact tanh's share of the pass.</summary>
public class ActivationCostBenchmarks
{
    private const int Batch = 4;
    private const int Calls = 64;
    private ModelLayout _layout = ModelLayout.Parse("8,32,32,2", Components.Activation.Tanh);
    private float[] _p = [], _x = [], _act = [], _o = [], _dOut = [], _g = [], _scratch = [];

    /// <summary>The hidden activation.</summary>
    [Params("identity", "relu", "tanh", "sigmoid")]
    public string Activation { get; set; } = "tanh";

    [GlobalSetup]
    public void Setup()
    {
        _layout = ModelLayout.Parse("8,32,32,2", ActivationNames.Parse(Activation));
        _p = new float[_layout.ParameterCount];
        _g = new float[_layout.ParameterCount];
        ParameterInit.Default(_layout, 1, _p);
        var random = new Random(1);
        _x = [.. Enumerable.Range(0, Batch * 8).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        _dOut = [.. Enumerable.Range(0, Batch * 2).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        _act = new float[Batch * _layout.HiddenUnitCount];
        _o = new float[Batch * 2];
        _scratch = new float[DenseBackward.ScratchLength(_layout, Batch)];
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "Forward, one entity in L1")]
    public void Forward()
    {
        for (int i = 0; i < Calls; i++)
        {
            DenseForward.Run(_layout, Batch, _p, _x, _act, _o);
        }
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "Backward, one entity in L1")]
    public void Backward()
    {
        for (int i = 0; i < Calls; i++)
        {
            DenseBackward.Run(_layout, Batch, _p, _x, _act, _dOut, _g, _scratch, SimdSupport.Best, accumulate: false);
        }
    }
}
