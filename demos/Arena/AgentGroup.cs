using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// What the agent scenes' groups (foragers, steering agents) share: a name, a position in the scene (which gives the
/// colour), agents as arrays indexed by agent (position, the reward gathered since the last decision, the learning
/// agents' entities), the learning rate in force, how often the models were reset, and the mean reward of the last
/// decision.
/// </summary>
internal abstract class AgentGroup
{
    private readonly float _initialLearningRate;

    /// <summary>A group named <paramref name="name"/> at position <paramref name="index"/> of <paramref name="agents"/>
    /// agents; when it <paramref name="learns"/>, each agent owns an entity, trained at <paramref name="learningRate"/>.</summary>
    protected AgentGroup(string name, bool learns, float learningRate, int index, int agents)
    {
        Name = name;
        Learns = learns;
        Index = index;
        LearningRate = _initialLearningRate = learningRate;
        Count = agents;
        X = new float[agents];
        Y = new float[agents];
        Reward = new float[agents];
        Agents = learns ? new Entity[agents] : [];
    }

    /// <summary>The group's name as its spec gives it (the headless chart's legend and <c>summary.json</c>).</summary>
    public string Name { get; }

    /// <summary>Whether the group's agents learn (own a model).</summary>
    public bool Learns { get; }

    /// <summary>Position of the group in the scene (0-based).</summary>
    public int Index { get; }

    /// <summary>The group's colour (its position's, as in every scene).</summary>
    public uint Colour => GroupColours.Of(Index);

    /// <summary>The title the page shows: the name with the learning rate in force.</summary>
    public string Title => GroupTitle.Of(Name, _initialLearningRate, LearningRate);

    /// <summary>Agents in the group.</summary>
    public int Count { get; }

    /// <summary>Learning rate now (changed from the page).</summary>
    public float LearningRate { get; set; }

    /// <summary>How many times the group's models were reset (seeds new weights).</summary>
    public int Resets { get; set; }

    /// <summary>Each agent's entity (learning groups only).</summary>
    public Entity[] Agents { get; }

    public float[] X { get; }

    public float[] Y { get; }

    /// <summary>Reward gathered since the last decision.</summary>
    public float[] Reward { get; }

    /// <summary>Mean reward per agent of the last decision.</summary>
    public double MeanReward { get; set; }
}
