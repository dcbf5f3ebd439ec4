using BenchmarkDotNet.Attributes;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.Benchmarks;

/// <summary>
/// One deep Q-learning decision (<see cref="QAgentSpec.Stages"/>: act, sample, forward, TD targets with Double-DQN,
/// loss, backward, guard, Adam step, target sync) for 1,000 agents of 8-32-5 tanh, batch 16, each with 500 recorded
/// transitions; and acting alone (a decision without training). Run:
/// <c>dotnet run -c Release --project tests/EmbeddedLearn.Benchmarks -- --filter '*QLearningBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class QLearningBenchmarks
{
    private World _world = null!;
    private TrainingPipeline _decision = null!;
    private TrainingPipeline _act = null!;

    [Params(1000)]
    public int Agents { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        QAgentSpec spec = QAgentSpec.Get(ModelSpec.Get(ModelLayout.Parse("8,32,5", Activation.Tanh), 16), 2000);
        QLearningSettings q = QLearningSettings.Dqn(doubleDqn: true, minReplay: 1);
        _world = new World();
        var random = new Random(1);
        Span<float> s = stackalloc float[8], next = stackalloc float[8];
        for (int i = 0; i < Agents; i++)
        {
            Entity agent = spec.Spawn(_world, TrainingSettings.Adam(learningRate: 0.001f), q, (ulong)i);
            for (int t = 0; t < 500; t++)
            {
                for (int k = 0; k < 8; k++)
                {
                    s[k] = random.NextSingle() - 0.5f;
                    next[k] = random.NextSingle() - 0.5f;
                }

                spec.Record(_world, agent, s, random.Next(5), random.NextSingle(), next, random.Next(20) == 0);
            }

            s.CopyTo(_world.GetSpan<float>(agent, spec.Observation));
        }

        var options = new PipelineOptions { Threads = Threads, MeasureStages = false };
        _decision = new TrainingPipeline(QAgentSpec.Stages(), options);
        _act = new TrainingPipeline([new ActStage()], options);
        _decision.Run(_world);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _decision.Dispose();
        _act.Dispose();
        _world.Dispose();
    }

    [Benchmark(Baseline = true)]
    public TickReport Decision() => _decision.Run(_world);

    [Benchmark]
    public TickReport ActOnly() => _act.Run(_world);
}
