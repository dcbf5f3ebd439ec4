
namespace EmbeddedLearn.Demos.Arena;

/// <summary>What the command line asked for.</summary>
/// <param name="TurretsPerGroup">Turrets in each group at the start.</param>
/// <param name="Threads">CPU threads of the training pipeline.</param>
/// <param name="BudgetMs">Training budget per frame in ms, or null for none (every learner trains every frame).</param>
/// <param name="Backend">Backend the pipeline starts on.</param>
/// <param name="Seed">Seed of the targets and the models' initial weights.</param>
internal sealed record ArenaOptions(int TurretsPerGroup, int Threads, double? BudgetMs, ArenaBackend Backend, int Seed)
{
    /// <summary>Largest number of turrets over all groups (the page's "add turrets" stops there).</summary>
    public const int MaxTurrets = 4096;

    /// <summary>Creates the scene these options describe, on <see cref="GroupSpec.Defaults"/>.</summary>
    public ArenaScene CreateScene(Action<string>? log) =>
        new(GroupSpec.Defaults, TurretsPerGroup, Seed, new ArenaLearning(Backend, Threads, BudgetMs, log));
}
