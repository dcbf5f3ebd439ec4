using BenchmarkDotNet.Attributes;
using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Benchmarks;

/// <summary>The plain SGD step with the guard's norm taken in the same pass (<see cref="SgdStep.RunWithNorm"/>) over the
/// swarm model's 1,410 parameters in the first-level cache, called 100 times per operation: each parameter read, kept
/// for a rollback, stepped and checked, and each gradient squared into the double-precision norm.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class StepKernelBenchmarks
{
    private const int Calls = 100;
    private readonly TrainingSettings _sgd = TrainingSettings.Sgd(0.01f);
    private float[] _p = [], _grad = [], _backup = [];

    [GlobalSetup]
    public void Setup()
    {
        var layout = ModelLayout.Parse("8,32,32,2", Activation.Tanh);
        _p = new float[layout.ParameterCount];
        ParameterInit.Default(layout, 1, _p);
        var random = new Random(1);
        _grad = new float[layout.ParameterCount];
        for (int i = 0; i < _grad.Length; i++)
        {
            _grad[i] = (float)((random.NextDouble() - 0.5) * 1e-3);
        }

        _backup = new float[layout.ParameterCount];
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "SGD step with the norm, 1,410 parameters")]
    public double SgdStepWithNorm()
    {
        double sum = 0;
        for (int k = 0; k < Calls; k++)
        {
            SgdStep.RunWithNorm(_sgd, _p, _grad, _backup, out double squares);
            sum += squares;
        }

        return sum;
    }
}
