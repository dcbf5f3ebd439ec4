using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// One group's field (the unit square, its own food and hunters) and its agents, as arrays indexed by agent:
/// position, the move chosen at the last decision, the reward gathered since, whether it was caught, the observation
/// the decision was taken on, and the food it was heading for (for the approach reward).
/// </summary>
internal sealed class ForagerGroup
{
    public ForagerGroup(ForagerGroupSpec spec, int index, int agents)
    {
        Spec = spec;
        Index = index;
        LearningRate = spec.LearningRate;
        Count = agents;
        X = new float[agents];
        Y = new float[agents];
        Action = new int[agents];
        Reward = new float[agents];
        Done = new bool[agents];
        Observation = new float[agents * ForagersScene.ObservationWidth];
        Target = new int[agents];
        TargetGeneration = new int[agents];
        TargetDistance = new float[agents];
        Agents = spec.Learns ? new Entity[agents] : [];
        int food = Math.Max(1, agents / ForagersScene.AgentsPerFood), hunters = Math.Max(1, agents / ForagersScene.AgentsPerHunter);
        FoodX = new float[food];
        FoodY = new float[food];
        FoodGeneration = new int[food];
        HunterX = new float[hunters];
        HunterY = new float[hunters];
        HunterRest = new int[hunters];
    }

    public ForagerGroupSpec Spec { get; }

    /// <summary>Position of the group in the scene (0-based).</summary>
    public int Index { get; }

    /// <summary>The group's colour (its position's, as in every scene).</summary>
    public uint Colour => GroupColours.Of(Index);

    /// <summary>The title the page shows: the spec's name with the learning rate in force.</summary>
    public string Title => GroupTitle.Of(Spec.Name, Spec.LearningRate, LearningRate);

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

    /// <summary>Move chosen at the last decision, 0..<see cref="ForagersScene.ActionCount"/>-1.</summary>
    public int[] Action { get; }

    /// <summary>Reward gathered since the last decision.</summary>
    public float[] Reward { get; }

    /// <summary>Caught since the last decision (the transition ends; the agent respawns).</summary>
    public bool[] Done { get; }

    /// <summary>The observation of the last decision, <see cref="ForagersScene.ObservationWidth"/> floats per agent.</summary>
    public float[] Observation { get; }

    /// <summary>The nearest food when the agent last observed, its generation then, and its distance then.</summary>
    public int[] Target { get; }

    public int[] TargetGeneration { get; }

    public float[] TargetDistance { get; }

    public float[] FoodX { get; }

    public float[] FoodY { get; }

    /// <summary>Bumped each time the food item is eaten and regrows elsewhere.</summary>
    public int[] FoodGeneration { get; }

    public float[] HunterX { get; }

    public float[] HunterY { get; }

    /// <summary>Frames a hunter still rests after a catch.</summary>
    public int[] HunterRest { get; }

    /// <summary>Mean reward per agent of the last decision.</summary>
    public double MeanReward { get; set; }

    /// <summary>Food eaten and agents caught since the start.</summary>
    public long Eaten { get; set; }

    public long Caught { get; set; }

    /// <summary>Index of the food nearest to (x, y) and the squared distance to it.</summary>
    public int NearestFood(float x, float y, out float distanceSquared) => Nearest(FoodX, FoodY, x, y, out distanceSquared);

    /// <summary>Index of the hunter nearest to (x, y) and the squared distance to it.</summary>
    public int NearestHunter(float x, float y, out float distanceSquared) => Nearest(HunterX, HunterY, x, y, out distanceSquared);

    private static int Nearest(float[] xs, float[] ys, float x, float y, out float distanceSquared)
    {
        int best = 0;
        float bestSquared = float.MaxValue;
        for (int i = 0; i < xs.Length; i++)
        {
            float dx = xs[i] - x, dy = ys[i] - y, d = (dx * dx) + (dy * dy);
            if (d < bestSquared)
            {
                (best, bestSquared) = (i, d);
            }
        }

        distanceSquared = bestSquared;
        return best;
    }
}
