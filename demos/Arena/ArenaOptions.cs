using EmbeddedLearn.Demos.Arena.Foragers;
using EmbeddedLearn.Demos.Arena.Steering;


namespace EmbeddedLearn.Demos.Arena;

/// <summary>What the command line asked for.</summary>
/// <param name="TurretsPerGroup">Turrets in each group at the start.</param>
/// <param name="Threads">CPU threads of the training pipeline.</param>
/// <param name="BudgetMs">Training budget per frame in ms, or null for none (every learner trains every frame).</param>
/// <param name="Backend">Backend the pipeline starts on.</param>
/// <param name="Seed">Seed of the targets and the models' initial weights.</param>
/// <param name="BadSensors">Share of each group's turrets, in [0, 1], whose sensors feed NaN every frame.</param>
/// <param name="Checkpoint">Checkpoint file loaded at the start when it exists and saved while running and on exit,
/// or null for none.</param>
/// <param name="CheckpointEverySeconds">Simulated seconds between two saves of <paramref name="Checkpoint"/>.</param>
/// <param name="Scene">The scene <c>--scene</c> chose: <see cref="Turrets"/>, <see cref="Foragers"/> or
/// <see cref="Steering"/>.</param>
/// <param name="ForagersPerGroup">Agents in each forager group (two learning groups and the random baseline).</param>
/// <param name="DecisionFrames">Frames between two decisions of a forager or a steering agent.</param>
/// <param name="ForagerBudgetMs">Budget of the foragers' learning tick in ms, or null for none (every agent acts and
/// trains every decision).</param>
/// <param name="SteeringAgentsPerGroup">Agents in each steering group.</param>
/// <param name="SteeringBudgetMs">Budget of each steering PPO group's learning tick in ms, or null for none (the default,
/// live too: with a budget the engine's scheduler leaves a shared PPO brain untrained).</param>
internal sealed record ArenaOptions(int TurretsPerGroup, int Threads, double? BudgetMs, ArenaBackend Backend, int Seed,
    double BadSensors = 0, string? Checkpoint = null, double CheckpointEverySeconds = 5, string Scene = ArenaOptions.Turrets,
    int ForagersPerGroup = 500, int DecisionFrames = 1, double? ForagerBudgetMs = null, int SteeringAgentsPerGroup = 128,
    double? SteeringBudgetMs = null)
{
    /// <summary>The scenes' names, as <c>--scene</c> and the page's <c>?scene=</c> spell them.</summary>
    public const string Turrets = "turrets", Foragers = "foragers", Steering = "steering";

    /// <summary>Largest number of agents in a forager group, and in a steering group.</summary>
    public const int MaxForagersPerGroup = 4096, MaxSteeringAgentsPerGroup = 4096;

    /// <summary>Frames between two decisions when <c>--decision-frames</c> is not given: foragers, steering agents.</summary>
    public const int ForagerDecisionFrames = 1, SteeringDecisionFrames = 4;


    /// <summary>Largest number of turrets over all groups (the page's "add turrets" stops there).</summary>
    public const int MaxTurrets = 4096;

    /// <summary>Creates the scene these options describe, on <see cref="GroupSpec.Defaults"/>, restored from
    /// <see cref="Checkpoint"/> when that file exists.</summary>
    /// <exception cref="EmbeddedLearn.Checkpoints.CheckpointException">The checkpoint (or its clock file) cannot be
    /// read, is corrupt, or does not fit this arena; the message names the file; nothing is left running.</exception>
    public ArenaScene CreateScene(Action<string>? log)
    {
        var learning = new ArenaLearning(Backend, Threads, BudgetMs, log);
        try
        {
            return new ArenaScene(GroupSpec.Defaults, TurretsPerGroup, Seed, learning, BadSensors, Checkpoint);
        }
        catch
        {
            learning.Dispose();
            throw;
        }
    }

    /// <summary>Creates the forager scene these options describe, on <see cref="ForagerGroupSpec.Defaults"/>, training on
    /// <see cref="Backend"/> (<paramref name="log"/> hears how it was chosen).</summary>
    public ForagersScene CreateForagers(Action<string>? log = null)
    {
        var learning = new ForagerLearning(Threads, ForagerBudgetMs, Backend, log);
        try
        {
            return new ForagersScene(ForagerGroupSpec.Defaults, ForagersPerGroup, Seed, DecisionFrames, learning);
        }
        catch
        {
            learning.Dispose();
            throw;
        }
    }

    /// <summary>Creates the steering scene these options describe, on <see cref="SteeringGroupSpec.Defaults"/>, each PPO
    /// group training on <see cref="Threads"/> threads within <see cref="SteeringBudgetMs"/> on <see cref="Backend"/>
    /// (<paramref name="log"/> hears how it was chosen).</summary>
    public SteeringScene CreateSteering(Action<string>? log = null) =>
        new(SteeringGroupSpec.Defaults, SteeringAgentsPerGroup, Seed, DecisionFrames, Threads, SteeringBudgetMs, Backend, log);

    /// <summary>The live view of scene <paramref name="name"/> (<see cref="Turrets"/>, <see cref="Foragers"/> or
    /// <see cref="Steering"/>); the turret scene saves <see cref="Checkpoint"/> only when it is the
    /// <paramref name="primary"/> scene. A scene opened from the page that is not the <c>--scene</c> one makes its
    /// decisions at its own default period.</summary>
    /// <exception cref="EmbeddedLearn.Checkpoints.CheckpointException">As <see cref="CreateScene"/>.</exception>
    public ILiveScene CreateLive(string name, bool primary, Action<string>? log) => name switch
    {
        Foragers => new ForagerLive((primary ? this : this with { DecisionFrames = ForagerDecisionFrames }).CreateForagers(log)),
        Steering => new SteeringLive((primary ? this : this with { DecisionFrames = SteeringDecisionFrames }).CreateSteering(log)),
        _ => new TurretLive(CreateScene(log), primary ? CreateCheckpoint() : null),
    };

    /// <summary>Whether <paramref name="name"/> is a scene's name.</summary>
    public static bool IsScene(string? name) => name is Turrets or Foragers or Steering;

    /// <summary>The periodic saver of <see cref="Checkpoint"/>, or null when there is none.</summary>
    public ArenaCheckpoint? CreateCheckpoint() => Checkpoint is null ? null : new ArenaCheckpoint(Checkpoint, CheckpointEverySeconds);
}
