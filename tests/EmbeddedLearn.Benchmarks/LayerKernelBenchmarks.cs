using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Benchmarks;

/// <summary>One dense layer's kernels of the swarm model (8-32-32-2 tanh, batch 4) on this machine's fastest path, their
/// data in the first-level cache: the forward pass (tanh on the hidden layers, identity on the 32-to-2 head), the
/// weight gradient (stored, as the fused zero-grad has it) and the input gradient (through tanh), each called 100 times
/// per operation. The buffers lie at different offsets within a page, so that no load waits on a store to a buffer that
/// only aliases it. The SGD step is in <see cref="StepKernelBenchmarks"/>.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public unsafe class LayerKernelBenchmarks
{
    private const int Batch = 4;
    private const int Calls = 100;
    private float* _arena;
    private float* _w, _x, _dy, _g, _y;
    private int _in, _out;

    /// <summary>The layer: inputs by outputs.</summary>
    [Params("8x32", "32x32", "32x2")]
    public string Shape { get; set; } = "32x32";

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Shape.Split('x');
        _in = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _out = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        const int floats = 64 * 1024;
        _arena = (float*)NativeMemory.AlignedAlloc(floats * sizeof(float), 64);
        var random = new Random(1);
        for (int i = 0; i < floats; i++)
        {
            _arena[i] = (float)((random.NextDouble() * 0.6) - 0.3);
        }

        _w = _arena;
        _x = _arena + 8192 + 272;
        _dy = _arena + 16384 + 544;
        _g = _arena + 24576 + 816;
        _y = _arena + 40000;
    }

    [GlobalCleanup]
    public void Cleanup() => NativeMemory.AlignedFree(_arena);

    [Benchmark(OperationsPerInvoke = Calls, Description = "Layer forward")]
    public void Forward()
    {
        Activation activation = _out == 2 ? Activation.Identity : Activation.Tanh;
        for (int k = 0; k < Calls; k++)
        {
            LayerForward.Run(SimdSupport.Best, Batch, _in, _out, _w, _w + (_in * _out), _x, _y, activation);
        }
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "Layer weight gradient (stored)")]
    public void WeightGradient()
    {
        for (int k = 0; k < Calls; k++)
        {
            LayerWeightGradient.Run(SimdSupport.Best, Batch, _in, _out, _x, _dy, _g, _g + (_in * _out), accumulate: false);
        }
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "Layer input gradient (tanh)")]
    public void InputGradient()
    {
        for (int k = 0; k < Calls; k++)
        {
            LayerInputGradient.Run(SimdSupport.Best, Batch, _in, _out, _w, _dy, _y, _x, Activation.Tanh);
        }
    }
}
