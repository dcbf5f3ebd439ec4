using EmbeddedLearn.Backends;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// Every use of the engine's reinforcement-learning API in the foragers scene: one <see cref="QAgentSpec"/> per learning
/// group (its layout, batch <see cref="Batch"/>, replay capacity <see cref="Capacity"/>), agents spawned with Adam and
/// the DQN settings below, the observation written before a decision, the action read after it, each transition
/// recorded, and the pipeline of <see cref="QAgentSpec.Stages"/> run once per decision (only the Act stage while
/// learning is paused: agents still act, nothing trains), on the backend asked for (the Q-learning stages run on an
/// OpenCL device too; while paused, acting runs on the CPU and the device takes the agents back when training resumes;
/// <see cref="SwitchBackend"/> moves them mid-run).
/// </summary>
internal sealed class ForagerLearning : IDisposable
{
    /// <summary>Transitions sampled per agent per decision.</summary>
    public const int Batch = 16;

    /// <summary>Transitions an agent's replay ring holds.</summary>
    public const int Capacity = 3000;

    private readonly int _threads;
    private readonly TrainingPipeline _acting;
    private ArenaBackend _backend;
    private readonly Action<string>? _log;
    private FallbackPipeline _training;

    public ForagerLearning(int threads, double? budgetMs, ArenaBackend backend = ArenaBackend.Cpu, Action<string>? log = null)
    {
        _threads = threads;
        BudgetMs = budgetMs;
        _backend = backend;
        _log = log;
        _acting = new TrainingPipeline([new ActStage()], new PipelineOptions { Threads = threads });
        _training = Create();
    }

    /// <summary>The Q-learning settings of a group's agents: gamma 0.9, a hard target copy every 150 steps, epsilon
    /// from 1 to 0.05 over 600 decisions, training from 64 transitions on, Double-DQN targets when the group says so.</summary>
    public static QLearningSettings Settings(ForagerGroupSpec spec, bool greedy) => QLearningSettings.Dqn(
        gamma: 0.9f, doubleDqn: spec.DoubleDqn, targetSyncPeriod: 150, epsilonStart: 1f, epsilonEnd: 0.05f,
        epsilonDecayDecisions: 600, minReplay: 64, greedy: greedy);

    /// <summary>Whether learning is paused: decisions then run the Act stage alone.</summary>
    public bool Paused { get; set; }

    /// <summary>Training budget per decision in milliseconds, or null to train every agent every decision.</summary>
    public double? BudgetMs { get; private set; }

    /// <summary>Agents the last decision trained (0 while paused).</summary>
    public int LastTrained { get; private set; }

    /// <summary>The backend training runs on: "OpenCL" or "CPU".</summary>
    public string ActiveBackend => _training.ActiveBackend == BackendKind.OpenCl ? "OpenCL" : "CPU";

    /// <summary>How the backend was chosen (the device, or why the CPU).</summary>
    public string BackendDescription => _training.Description;

    /// <summary>The spec of <paramref name="group"/>'s agents.</summary>
    public static QAgentSpec SpecOf(ForagerGroup group) =>
        QAgentSpec.Get(ModelSpec.Get(group.Spec.Layout!, Batch), Capacity);

    /// <summary>A fresh agent for <paramref name="group"/> (Adam at the group's learning rate).</summary>
    public static Entity Spawn(World world, ForagerGroup group, ulong seed, bool greedy) =>
        SpecOf(group).Spawn(world, TrainingSettings.Adam(learningRate: group.LearningRate), Settings(group.Spec, greedy), seed);

    /// <summary>Removes an agent (its model, target network and replay ring).</summary>
    public static void Destroy(World world, Entity agent) => world.Destroy(agent);

    /// <summary>Writes the observation the next decision acts on.</summary>
    public static void WriteObservation(World world, ForagerGroup group, Entity agent, ReadOnlySpan<float> observation) =>
        observation.CopyTo(world.GetSpan<float>(agent, SpecOf(group).Observation));

    /// <summary>The move the last decision chose.</summary>
    public static int ActionOf(World world, Entity agent) => world.Get<QAgentState>(agent).Action;

    /// <summary>Epsilon of the agent's last decision.</summary>
    public static float EpsilonOf(World world, Entity agent) => world.Get<QAgentState>(agent).Epsilon;

    /// <summary>The agent's last training loss (mean squared TD error of its batch), 0 before it trains.</summary>
    public static float LossOf(World world, Entity agent) => world.Get<Loss>(agent).Value;

    /// <summary>Records a transition in the agent's replay ring (false when a value is not finite: nothing stored).</summary>
    public static bool Record(World world, ForagerGroup group, Entity agent, ReadOnlySpan<float> observation, int action, float reward,
        ReadOnlySpan<float> next, bool done) => SpecOf(group).Record(world, agent, observation, action, reward, next, done);

    /// <summary>Sets an agent's learning rate (its optimizer state is kept).</summary>
    public static void SetLearningRate(World world, ForagerGroup group, Entity agent, float learningRate) =>
        SpecOf(group).Model.ChangeSettings(world, agent, world.Get<TrainingSettings>(agent) with { LearningRate = learningRate });

    /// <summary>Switches an agent to greedy evaluation or back to its epsilon schedule.</summary>
    public static void SetGreedy(World world, Entity agent, bool greedy) =>
        world.Set(agent, world.Get<QLearningSettings>(agent) with { Greedy = greedy });

    /// <summary>Runs one decision for every agent: act, and (unless paused) train one batch each.</summary>
    public TickReport Run(World world)
    {
        TickReport report = Paused ? _acting.Run(world) : _training.Run(world);
        LastTrained = Paused ? 0 : report.EntitiesTrained;
        return report;
    }

    /// <summary>Moves training to <paramref name="backend"/>; what the agents learned on the previous one (a device's
    /// state included) is brought to the host first.</summary>
    public void SwitchBackend(World world, ArenaBackend backend)
    {
        _training.SynchronizeToHost(world);
        _training.Dispose();
        _backend = backend;
        _training = Create();
    }

    /// <summary>Rebuilds the training pipeline with a new budget (the pipeline's options are fixed at creation).</summary>
    public void SetBudget(double? budgetMs)
    {
        BudgetMs = budgetMs;
        _training.Dispose();
        _training = Create();
    }

    /// <summary>Whether <see cref="Dispose"/> ran (both pipelines and their threads released).</summary>
    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        _training.Dispose();
        _acting.Dispose();
        IsDisposed = true;
    }

    private FallbackPipeline Create() => TrainingBackends.CreatePipeline(ArenaBackendKind.Of(_backend), QAgentSpec.Stages(), new PipelineOptions
    {
        Threads = _threads,
        MeasureStages = true, // the page charts the time per stage
        TrainingBudget = BudgetMs is double ms ? TimeSpan.FromMilliseconds(ms) : null,
    }, out _, log: _log);
}
