using System.Diagnostics;
using EmbeddedLearn.Backends;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// Every use of the engine's PPO API in the steering scene, for one learning group: the group's own world (so each
/// group's learning tick is timed alone), its brains (one shared by every agent, or one of capacity one per agent), an
/// entity per agent joined to its brain, and the PPO pipeline (<see cref="PpoSpec.Stages"/>, with as many minibatches
/// per tick as finish an update within the horizon; the act stage alone while paused). Per decision: every agent
/// observes, one tick runs, the actions are read (clamped to [-1, 1] by the scene); when the decision closes every
/// agent's reward is added. No episode ends (goals follow one another), so no transition is terminal.
/// </summary>
internal sealed class SteeringBrains : IDisposable
{
    private readonly World _world = new();
    private readonly PpoSpec _spec;
    private readonly SteeringPpo _ppo;
    private readonly Entity[] _brains;
    private readonly Entity[] _members;
    private readonly TrainingPipeline _acting;
    private FallbackPipeline _training;
    private readonly int _threads;
    private double? _budgetMs;
    private ArenaBackend _backend;
    private readonly Action<string>? _log;

    /// <summary>Brains and members for <paramref name="group"/> (PPO, shared or per entity), seeded from
    /// <paramref name="seed"/>; the pipeline on <paramref name="threads"/> threads within <paramref name="budgetMs"/>, on
    /// <paramref name="backend"/> (<paramref name="log"/> hears how it was chosen).</summary>
    public SteeringBrains(SteeringGroup group, ulong seed, int threads, double? budgetMs, ArenaBackend backend = ArenaBackend.Cpu,
        Action<string>? log = null)
    {
        _ppo = group.Spec.Ppo!;
        _threads = threads;
        _budgetMs = budgetMs;
        _backend = backend;
        _log = log;
        bool shared = group.Spec.Policy == SteeringPolicy.SharedPpo;
        int capacity = shared ? group.Count : 1;
        _spec = PpoSpec.Get(ModelSpec.Get(_ppo.Layout(), _ppo.MinibatchRows(capacity)), PpoActionKind.Continuous, capacity, _ppo.Horizon);
        MinibatchesPerTick = Math.Max(1, (int)Math.Ceiling(_spec.TicksPerUpdate(_ppo.Settings(false), 1) / (double)_ppo.Horizon));
        TrainingSettings training = TrainingSettings.Adam(learningRate: group.LearningRate) with { MaxGradNorm = _ppo.MaxGradNorm };
        _brains = new Entity[shared ? 1 : group.Count];
        _members = new Entity[group.Count];
        for (int b = 0; b < _brains.Length; b++)
        {
            _brains[b] = _spec.Spawn(_world, training, _ppo.Settings(false), unchecked(seed + ((ulong)b * 0x9E3779B97F4A7C15UL)));
        }

        for (int i = 0; i < group.Count; i++)
        {
            _members[i] = _world.Create();
            _spec.Join(_world, _brains[shared ? 0 : i], _members[i]);
        }

        _acting = new TrainingPipeline([new PpoActStage()], new PipelineOptions { Threads = threads });
        _training = Create();
    }

    /// <summary>Minibatches each tick trains: enough to finish an update (every epoch over the last rollout) within
    /// the horizon.</summary>
    public int MinibatchesPerTick { get; }

    /// <summary>Where training runs: "OpenCL" or "CPU" (the CPU also when OpenCL was asked for and could not run).</summary>
    public string ActiveBackend => _training.ActiveBackend == BackendKind.OpenCl ? "OpenCL" : "CPU";

    /// <summary>What the brains have learned, as <see cref="ModelFingerprint.Of"/> (64 hex digits).</summary>
    public string Fingerprint => ModelFingerprint.Of(_world);

    /// <summary>The last tick's report, or null before the first.</summary>
    public TickReport? LastReport { get; private set; }

    /// <summary>Wall-clock time of the last tick (the pipeline run alone), in milliseconds.</summary>
    public double LastTickMs { get; private set; }

    /// <summary>The PPO spec, in words (layout, minibatch, capacity, horizon).</summary>
    public string Description => _spec + ", " + _brains.Length + (_brains.Length == 1 ? " brain" : " brains") + ", "
        + MinibatchesPerTick + " minibatch(es) per tick";

    /// <summary>The first brain's log standard deviation of each action (turn, thrust).</summary>
    public ReadOnlySpan<float> LogStd => _spec.ReadLogStd(_world, _brains[0]);

    /// <summary>Whether the brains act on their policy's mean (the first brain's setting; all share it).</summary>
    public bool Deterministic => _world.Get<PpoSettings>(_brains[0]).Deterministic;

    /// <summary>The brains' learning rate (the first brain's; all share it).</summary>
    public float LearningRate => _world.Get<TrainingSettings>(_brains[0]).LearningRate;

    /// <summary>Brains in the group: 1 shared, or one per agent.</summary>
    public int Count => _brains.Length;

    /// <summary>The first brain's statistics of its last minibatch and rollout.</summary>
    public PpoStats Stats => _world.Get<PpoStats>(_brains[0]);

    /// <summary>One decision: every agent observes its row of <paramref name="group"/>'s observations, the tick runs
    /// (training too unless <paramref name="paused"/>), and each agent's action is written into the group's turn and
    /// thrust.</summary>
    public void Decide(SteeringGroup group, bool paused)
    {
        for (int i = 0; i < _members.Length; i++)
        {
            _spec.Observe(_world, _members[i], group.Observation.AsSpan(i * SteeringScene.ObservationWidth, SteeringScene.ObservationWidth));
        }

        long start = Stopwatch.GetTimestamp();
        LastReport = paused ? _acting.Run(_world) : _training.Run(_world);
        LastTickMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        for (int i = 0; i < _members.Length; i++)
        {
            ReadOnlySpan<float> action = _spec.Action(_world, _members[i]);
            (group.Turn[i], group.Thrust[i]) = (action[0], action[1]);
        }
    }

    /// <summary>Adds each agent's reward of the decision that closed.</summary>
    public void Reward(SteeringGroup group)
    {
        for (int i = 0; i < _members.Length; i++)
        {
            _spec.Reward(_world, _members[i], group.Reward[i], done: false);
        }
    }

    /// <summary>Sets every brain's learning rate (its optimizer state is kept).</summary>
    public void SetLearningRate(float learningRate)
    {
        foreach (Entity brain in _brains)
        {
            _spec.Model.ChangeSettings(_world, brain, _world.Get<TrainingSettings>(brain) with { LearningRate = learningRate });
        }
    }

    /// <summary>Makes every brain act on its policy's mean (evaluation) or sample again.</summary>
    public void SetDeterministic(bool deterministic)
    {
        foreach (Entity brain in _brains)
        {
            _world.Set(brain, _world.Get<PpoSettings>(brain) with { Deterministic = deterministic });
        }
    }

    /// <summary>Rebuilds the training pipeline with a new budget.</summary>
    public void SetBudget(double? budgetMs)
    {
        _budgetMs = budgetMs;
        _training.Dispose();
        _training = Create();
    }

    /// <summary>Moves training to <paramref name="backend"/>; what the brains learned on the previous one (a device's
    /// state included) is brought to the host first.</summary>
    public void SwitchBackend(ArenaBackend backend)
    {
        _training.SynchronizeToHost(_world);
        _training.Dispose();
        _backend = backend;
        _training = Create();
    }

    public void Dispose()
    {
        _training.Dispose();
        _acting.Dispose();
        _world.Dispose();
    }

    private FallbackPipeline Create()
    {
        var options = new PipelineOptions
        {
            Threads = _threads,
            MeasureStages = true, // the page charts the time per stage
            TrainingBudget = _budgetMs is double ms ? TimeSpan.FromMilliseconds(ms) : null,
        };
        return TrainingBackends.CreatePipeline(ArenaBackendKind.Of(_backend), PpoSpec.Stages(MinibatchesPerTick), options, out _, log: _log);
    }
}
