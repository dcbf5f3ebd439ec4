namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>The learning side of the scene: each PPO group's <see cref="SteeringBrains"/>, and what the page controls:
/// pause, evaluation (act on the mean), reset, learning rate, budget and backend.</summary>
internal sealed partial class SteeringScene
{
    private readonly SteeringBrains?[] _brains;
    private readonly Action<string>? _log;
    private bool _greedy;

    /// <summary>Threads of each learning group's pipeline.</summary>
    public int Threads { get; }

    /// <summary>Whether learning is paused (learning agents still act, nothing trains).</summary>
    public bool Paused { get; set; }

    /// <summary>Whether learning agents act on their policy's mean (evaluation) instead of sampling.</summary>
    public bool Greedy
    {
        get => _greedy;
        set
        {
            _greedy = value;
            foreach (SteeringBrains? brains in _brains)
            {
                brains?.SetDeterministic(value);
            }
        }
    }

    /// <summary>Training budget per decision of each learning group, in milliseconds, or null for none.</summary>
    public double? BudgetMs { get; private set; }

    /// <summary>The learning groups' brains, by group index (null for the others).</summary>
    public IReadOnlyList<SteeringBrains?> Brains => _brains;

    /// <summary>Agents the last decision trained (the members of brains that took a minibatch).</summary>
    public int LastTrained { get; private set; }

    /// <summary>The last learning tick's stages and their times in milliseconds (the lead group's).</summary>
    public IReadOnlyList<string> StageNames => LeadBrains?.LastReport?.StageNames ?? [];

    public double[] StageMs => LeadBrains?.LastReport?.StageMilliseconds.ToArray() ?? [];

    /// <summary>The backend asked for the learning groups' training (each falls back to the CPU where OpenCL cannot run).</summary>
    public ArenaBackend Backend { get; private set; }

    /// <summary>What trains, in words, for the page's backend line.</summary>
    public string LearningDescription => LeadBrains is { } lead ? lead.ActiveBackend + ": " + lead.Description : "CPU: no learning group";

    /// <summary>Moves every learning group's training to <paramref name="backend"/> (what the brains learned comes along).</summary>
    public void SwitchBackend(ArenaBackend backend)
    {
        Backend = backend;
        foreach (SteeringBrains? brains in _brains)
        {
            brains?.SwitchBackend(backend);
        }
    }

    /// <summary>The first learning group's brains (the shared brain in the default groups), or null.</summary>
    private SteeringBrains? LeadBrains => Array.Find(_brains, b => b is not null);

    /// <summary>Replaces the brains of a learning group with fresh ones (new weights, empty rollouts); nothing for the
    /// others. Its agents stay where they are.</summary>
    public void Reset(SteeringGroup group)
    {
        if (!Own(group).Spec.Learns)
        {
            return;
        }

        group.Resets++;
        _brains[group.Index]!.Dispose();
        _brains[group.Index] = null;
        group.LearningRate = group.Spec.LearningRate;
        _brains[group.Index] = Spawn(group);
    }

    /// <summary>Sets the learning rate of a learning group.</summary>
    public void SetLearningRate(SteeringGroup group, float learningRate)
    {
        Own(group).LearningRate = learningRate;
        _brains[group.Index]?.SetLearningRate(learningRate);
    }

    /// <summary>Sets the training budget per decision (null: none).</summary>
    public void SetBudget(double? budgetMs)
    {
        BudgetMs = budgetMs;
        foreach (SteeringBrains? brains in _brains)
        {
            brains?.SetBudget(budgetMs);
        }
    }

    /// <summary>The brains of a learning group, seeded from the scene's seed, the group's policy and its resets.</summary>
    private SteeringBrains Spawn(SteeringGroup group)
    {
        ulong seed = unchecked(((ulong)Seed * 0x9E3779B97F4A7C15UL) + ((ulong)group.Spec.Policy << 40) + ((ulong)group.Resets << 24));
        var brains = new SteeringBrains(group, seed, Threads, BudgetMs, Backend, _log);
        brains.SetDeterministic(_greedy);
        return brains;
    }

    /// <summary>Every learning group decides (observe, tick, act); <see cref="LastTickMs"/> is the first one's tick.</summary>
    private void Learn()
    {
        LastTickMs = null;
        LastTrained = 0;
        foreach (SteeringGroup group in _groups)
        {
            if (_brains[group.Index] is { } brains)
            {
                brains.Decide(group, Paused);
                LastTickMs ??= brains.LastTickMs;
                group.LastTickMs = brains.LastTickMs;
                LastTrained += Paused || brains.LastReport!.EntitiesTrained == 0 ? 0 : group.Count;
            }
        }
    }

    private void DisposeBrains()
    {
        foreach (SteeringBrains? brains in _brains)
        {
            brains?.Dispose();
        }
    }

    /// <summary><paramref name="group"/>, checked to be one of this scene's.</summary>
    private SteeringGroup Own(SteeringGroup group) =>
        group.Index < _groups.Length && _groups[group.Index] == group ? group : throw new ArgumentException("Not a group of this scene.", nameof(group));
}
