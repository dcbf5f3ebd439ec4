using BenchmarkDotNet.Attributes;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Optimizers;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Benchmarks;

/// <summary>
/// The swarm workload (8-32-32-2 tanh, batch 4, MSE mean, SGD lr 0.01): each stage alone and the whole tick,
/// for N entities on one thread and on every core. Run:
/// <c>dotnet run -c Release --project tests/EmbeddedLearn.Benchmarks -- --filter '*TrainingBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private World _world = null!;
    private TrainingPipeline _tick = null!;
    private TrainingPipeline _zeroGrad = null!;
    private TrainingPipeline _forward = null!;
    private TrainingPipeline _loss = null!;
    private TrainingPipeline _backward = null!;
    private TrainingPipeline _sgd = null!;

    [Params(1, 64, 1024, 16384)]
    public int Entities { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ModelSpec spec = ModelSpec.Get(new ModelLayout([8, 32, 32, 2], Activation.Tanh), 4);
        _world = new World();
        _world.Reserve(spec.PlainSignature, Entities);
        var random = new Random(1);
        for (int i = 0; i < Entities; i++)
        {
            Entity entity = spec.Spawn(_world, TrainingSettings.Sgd(0.01f), (ulong)i);
            Span<float> inputs = _world.GetSpan<float>(entity, spec.Inputs);
            for (int k = 0; k < inputs.Length; k++)
            {
                inputs[k] = random.NextSingle() - 0.5f;
            }

            _world.GetSpan<float>(entity, spec.Targets)[0] = 0.5f * inputs[0];
        }

        var options = new PipelineOptions { Threads = Threads, MeasureStages = false };
        _tick = TrainingPipeline.CreateDefault(options);
        _zeroGrad = new TrainingPipeline([new ZeroGradStage()], options);
        _forward = new TrainingPipeline([new ForwardStage()], options);
        _loss = new TrainingPipeline([new MseLossStage()], options);
        _backward = new TrainingPipeline([new BackwardStage()], options);
        _sgd = new TrainingPipeline([new MarkStepDueStage(), new OptimizerStepStage(new SgdOptimizer())], options);
        _tick.Run(_world);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (TrainingPipeline p in new[] { _tick, _zeroGrad, _forward, _loss, _backward, _sgd })
        {
            p.Dispose();
        }

        _world.Dispose();
    }

    [Benchmark(Baseline = true)]
    public TickReport WholeTick() => _tick.Run(_world);

    [Benchmark]
    public TickReport ZeroGrad() => _zeroGrad.Run(_world);

    [Benchmark]
    public TickReport Forward() => _forward.Run(_world);

    [Benchmark]
    public TickReport MseLoss() => _loss.Run(_world);

    [Benchmark]
    public TickReport Backward() => _backward.Run(_world);

    /// <summary>The SGD step on every entity (a trivial stage first marks each entity due to step).</summary>
    [Benchmark]
    public TickReport SgdStep() => _sgd.Run(_world);
}
