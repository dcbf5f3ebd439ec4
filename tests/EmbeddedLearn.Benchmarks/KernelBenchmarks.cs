using BenchmarkDotNet.Attributes;
using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Benchmarks;

/// <summary>The "swarm" tick on one core: 1,024 entities of 8-32-32-2 tanh, batch 4, MSE mean, SGD lr 0.01,
/// zero-grad, forward, loss, backward and step per entity, over contiguous per-entity buffers.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class KernelBenchmarks
{
    private const int Entities = 1024;
    private const int Batch = 4;
    private readonly ModelLayout _layout = ModelLayout.Parse("8,32,32,2", Activation.Tanh);
    private readonly TrainingSettings _sgd = TrainingSettings.Sgd(0.01f);
    private float[] _p = [], _g = [], _x = [], _t = [], _act = [], _o = [], _dOut = [], _scratch = [];

    [GlobalSetup]
    public void Setup()
    {
        int pc = _layout.ParameterCount;
        _p = new float[Entities * pc];
        _g = new float[Entities * pc];
        var random = new Random(1);
        for (int e = 0; e < Entities; e++)
        {
            ParameterInit.Default(_layout, (ulong)e, _p.AsSpan(e * pc, pc));
        }

        _x = new float[Entities * Batch * 8];
        _t = new float[Entities * Batch * 2];
        for (int k = 0; k < _x.Length; k++)
        {
            _x[k] = (float)((random.NextDouble() * 2) - 1);
        }

        for (int k = 0; k < _t.Length; k++)
        {
            _t[k] = (float)((random.NextDouble() * 2) - 1);
        }

        _act = new float[Entities * Batch * _layout.HiddenUnitCount];
        _o = new float[Entities * Batch * 2];
        _dOut = new float[Entities * Batch * 2];
        _scratch = new float[DenseBackward.ScratchLength(_layout, Batch)];
    }

    [Benchmark(OperationsPerInvoke = Entities, Description = "Kernel tick per entity (zero-grad+fwd+mse+bwd+sgd)")]
    public float KernelTick() => Tick(1);

    /// <summary>The same work with every entity on entity 0's buffers (L1-resident): the compute-only time.</summary>
    [Benchmark(OperationsPerInvoke = Entities, Description = "Kernel tick per entity, one hot entity")]
    public float KernelTickHot() => Tick(0);

    private float Tick(int stride)
    {
        int pc = _layout.ParameterCount, hidden = Batch * _layout.HiddenUnitCount;
        float loss = 0;
        for (int entity = 0; entity < Entities; entity++)
        {
            int e = entity * stride;
            Span<float> p = _p.AsSpan(e * pc, pc), g = _g.AsSpan(e * pc, pc);
            ReadOnlySpan<float> x = _x.AsSpan(e * Batch * 8, Batch * 8), t = _t.AsSpan(e * Batch * 2, Batch * 2);
            Span<float> act = _act.AsSpan(e * hidden, hidden), o = _o.AsSpan(e * Batch * 2, Batch * 2);
            Span<float> dOut = _dOut.AsSpan(e * Batch * 2, Batch * 2);
            g.Clear();
            DenseForward.Run(_layout, Batch, p, x, act, o);
            loss += MseLoss.Run(o, t, LossReduction.Mean, dOut, []);
            DenseBackward.Run(_layout, Batch, p, x, act, dOut, g, _scratch);
            SgdStep.Run(_sgd, false, p, g, []);
        }

        return loss;
    }
    [Benchmark(OperationsPerInvoke = Entities, Description = "Kernel forward per entity")]
    public void KernelForward()
    {
        int pc = _layout.ParameterCount, hidden = Batch * _layout.HiddenUnitCount;
        for (int e = 0; e < Entities; e++)
        {
            DenseForward.Run(_layout, Batch, _p.AsSpan(e * pc, pc), _x.AsSpan(e * Batch * 8, Batch * 8),
                _act.AsSpan(e * hidden, hidden), _o.AsSpan(e * Batch * 2, Batch * 2));
        }
    }

    [Benchmark(OperationsPerInvoke = Entities, Description = "Kernel backward per entity")]
    public void KernelBackward()
    {
        int pc = _layout.ParameterCount, hidden = Batch * _layout.HiddenUnitCount;
        for (int e = 0; e < Entities; e++)
        {
            DenseBackward.Run(_layout, Batch, _p.AsSpan(e * pc, pc), _x.AsSpan(e * Batch * 8, Batch * 8),
                _act.AsSpan(e * hidden, hidden), _dOut.AsSpan(e * Batch * 2, Batch * 2), _g.AsSpan(e * pc, pc), _scratch);
        }
    }
}
