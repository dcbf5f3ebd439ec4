using BenchmarkDotNet.Attributes;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.Benchmarks;

/// <summary>
/// The PPO tick of 1,000 members sharing one brain (12-64-64-3 tanh: two continuous actions and the value; minibatch
/// 256, horizon 64, 4 epochs, Adam, gradient clipping): every member observes, the tick runs (the decision for all
/// members, then <see cref="MinibatchesPerTick"/> minibatches of the update in progress), every member reads its action
/// and is rewarded. With 16 minibatches per tick an update (4 epochs of 250 minibatches) ends within the 64 decisions
/// of the next rollout, so the steady state always trains. Run:
/// <c>dotnet run -c Release --project tests/EmbeddedLearn.Benchmarks -- --filter '*PpoBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class PpoBenchmarks
{
    private const int Observations = 12;
    private World _world = null!;
    private PpoSpec _spec = null!;
    private Entity[] _members = [];
    private float[] _state = [];
    private TrainingPipeline _tick = null!;
    private TrainingPipeline _act = null!;
    private int _step;

    [Params(1000)]
    public int Members { get; set; }

    [Params(16)]
    public int MinibatchesPerTick { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _spec = PpoSpec.Get(ModelSpec.Get(ModelLayout.Parse("12,64,64,3", Activation.Tanh), 256), PpoActionKind.Continuous, Members, 64);
        _world = new World();
        Entity brain = _spec.Spawn(_world, TrainingSettings.Adam(3e-4f) with { MaxGradNorm = 0.5f },
            PpoSettings.Ppo(epochs: 4, entropyCoefficient: 0.005f), seed: 1);
        _members = new Entity[Members];
        _state = new float[Members * Observations];
        var random = new Random(1);
        for (int i = 0; i < Members; i++)
        {
            _members[i] = _world.Create();
            _spec.Join(_world, brain, _members[i]);
        }

        for (int k = 0; k < _state.Length; k++)
        {
            _state[k] = random.NextSingle() - 0.5f;
        }

        var options = new PipelineOptions { Threads = Threads, MeasureStages = false };
        _tick = new TrainingPipeline(PpoSpec.Stages(MinibatchesPerTick), options);
        _act = new TrainingPipeline([new PpoActStage()], options);
        for (int t = 0; t < 130; t++)
        {
            Tick(); // two rollouts: an update is in progress from here on
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tick.Dispose();
        _act.Dispose();
        _world.Dispose();
    }

    /// <summary>The full tick, the game's Observe, Action and Reward calls included.</summary>
    [Benchmark(Baseline = true)]
    public int Tick()
    {
        Observe();
        _tick.Run(_world);
        return Apply();
    }

    /// <summary>Deciding alone (no training stage), the game's calls included.</summary>
    [Benchmark]
    public int ActOnly()
    {
        Observe();
        _act.Run(_world);
        return Apply();
    }

    private void Observe()
    {
        for (int i = 0; i < _members.Length; i++)
        {
            _spec.Observe(_world, _members[i], _state.AsSpan(i * Observations, Observations));
        }
    }

    private int Apply()
    {
        int done = 0;
        _step++;
        for (int i = 0; i < _members.Length; i++)
        {
            ReadOnlySpan<float> action = _spec.Action(_world, _members[i]);
            Span<float> s = _state.AsSpan(i * Observations, Observations);
            s[0] = Math.Clamp(s[0] + (0.05f * Math.Clamp(action[0], -1f, 1f)), -1f, 1f);
            s[1] = Math.Clamp(s[1] + (0.05f * Math.Clamp(action[1], -1f, 1f)), -1f, 1f);
            bool end = (_step + i) % 50 == 0;
            done += end ? 1 : 0;
            _spec.Reward(_world, _members[i], -Math.Abs(s[0] - s[2]) - Math.Abs(s[1] - s[3]), end);
        }

        return done;
    }
}
