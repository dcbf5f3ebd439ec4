using EmbeddedLearn.Ecs;
using EmbeddedLearn.Backends;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// Every use of the engine's pipeline and backend API in the arena: the training pipeline on the chosen backend
/// (CPU or OpenCL, with the engine's fallback), an inference-only pipeline used while learning is paused (the
/// engine has no pause switch of its own), the training budget, and host synchronisation around the game's reads
/// and writes of model components.
/// </summary>
internal sealed class ArenaLearning : IDisposable
{
    private readonly int _threads;
    private readonly Action<string>? _log;
    private readonly TrainingPipeline _inference;
    private FallbackPipeline _training;

    public ArenaLearning(ArenaBackend backend, int threads, double? budgetMs, Action<string>? log)
    {
        _threads = threads;
        _log = log;
        BudgetMs = budgetMs;
        RequestedBackend = backend;
        _inference = TrainingPipeline.CreateInference(new PipelineOptions { Threads = threads });
        _training = Create();
    }

    /// <summary>Whether learning is paused: ticks then run Forward only (aimers still aim, nothing trains).</summary>
    public bool Paused { get; set; }

    /// <summary>Training budget per frame in milliseconds, or null to train every learner every frame.</summary>
    public double? BudgetMs { get; private set; }

    /// <summary>The backend asked for.</summary>
    public ArenaBackend RequestedBackend { get; private set; }

    /// <summary>"CPU" or "OpenCL": what runs the ticks now.</summary>
    public string ActiveBackend => _training.ActiveBackend == BackendKind.OpenCl ? "OpenCL" : "CPU";

    /// <summary>What was chosen and why, one line.</summary>
    public string Description => _training.Description;

    /// <summary>Learners the last tick trained. The engine's report counts every trainable entity as trained even
    /// for a Forward-only pipeline, so a paused tick is counted here as training none.</summary>
    public int LastTrained { get; private set; }

    /// <summary>Runs one tick: training (or Forward alone while paused).</summary>
    public TickReport Run(World world)
    {
        TickReport report = Paused ? _inference.Run(world) : _training.Run(world);
        LastTrained = Paused ? 0 : report.EntitiesTrained;
        return report;
    }

    /// <summary>Brings model state into the world's components before the game reads or copies it.</summary>
    public static void BeforeHostRead(World world) => HostResidency.BeforeHostRead(world);

    /// <summary>Tells the backend the game changed model components (aimer weights, reset parameters).</summary>
    public static void AfterHostWrite(World world) => HostResidency.AfterHostWrite(world);

    /// <summary>Rebuilds the training pipeline with a new budget (the pipeline's options are fixed at creation).</summary>
    public void SetBudget(World world, double? budgetMs)
    {
        BudgetMs = budgetMs;
        Replace(world);
    }

    /// <summary>Moves training to <paramref name="backend"/>; the device state is brought to the host first.</summary>
    public void SwitchBackend(World world, ArenaBackend backend)
    {
        RequestedBackend = backend;
        Replace(world);
    }

    public void Dispose()
    {
        _training.Dispose();
        _inference.Dispose();
    }

    private void Replace(World world)
    {
        _training.SynchronizeToHost(world);
        _training.Dispose();
        _training = Create();
    }

    private FallbackPipeline Create() => TrainingBackends.CreatePipeline(ArenaBackendKind.Of(RequestedBackend), zeroGrad: true, new PipelineOptions
    {
        Threads = _threads,
        MeasureStages = true, // the page charts the time per stage
        TrainingBudget = BudgetMs is double ms ? TimeSpan.FromMilliseconds(ms) : null,
    }, out _, log: _log);
}
