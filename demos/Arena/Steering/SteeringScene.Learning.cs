namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>The learning side of the scene as the page controls it: pause, evaluation (act on the mean), reset, learning
/// rate and budget.</summary>
internal sealed partial class SteeringScene
{
    /// <summary>Whether learning is paused (learning agents still act, nothing trains).</summary>
    public bool Paused { get; set; }

    /// <summary>Whether learning agents act on their policy's mean (evaluation) instead of sampling.</summary>
    public bool Greedy { get; set; }

    /// <summary>Training budget per decision in milliseconds, or null for none.</summary>
    public double? BudgetMs { get; private set; }

    /// <summary>Agents the last decision trained.</summary>
    public int LastTrained { get; private set; }

    /// <summary>The last learning tick's stages and their times in milliseconds.</summary>
    public IReadOnlyList<string> StageNames { get; private set; } = [];

    public double[] StageMs { get; private set; } = [];

    /// <summary>What trains, in words, for the page's backend line.</summary>
    public string LearningDescription => LearningAgents == 0 ? "CPU: no learning group" : "CPU";

    /// <summary>Replaces the brains of a learning group with fresh ones (nothing for the others).</summary>
    public void Reset(SteeringGroup group)
    {
        if (Own(group).Spec.Learns)
        {
            group.Resets++;
        }
    }

    /// <summary>Sets the learning rate of a learning group.</summary>
    public void SetLearningRate(SteeringGroup group, float learningRate) => Own(group).LearningRate = learningRate;

    /// <summary>Sets the training budget per decision (null: none).</summary>
    public void SetBudget(double? budgetMs) => BudgetMs = budgetMs;

    /// <summary><paramref name="group"/>, checked to be one of this scene's.</summary>
    private SteeringGroup Own(SteeringGroup group) =>
        group.Index < _groups.Length && _groups[group.Index] == group ? group : throw new ArgumentException("Not a group of this scene.", nameof(group));
}
