namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// One group's field (the unit square, its own food and hunters) and its agents, as arrays indexed by agent:
/// position, the move chosen at the last decision, the reward gathered since, whether it was caught, the observation
/// the decision was taken on, and the food it was heading for (for the approach reward).
/// </summary>
internal sealed class ForagerGroup : AgentGroup
{
    public ForagerGroup(ForagerGroupSpec spec, int index, int agents)
        : base(spec.Name, spec.Learns, spec.LearningRate, index, agents)
    {
        Spec = spec;
        Action = new int[agents];
        Done = new bool[agents];
        Observation = new float[agents * ForagersScene.ObservationWidth];
        Target = new int[agents];
        TargetGeneration = new int[agents];
        TargetDistance = new float[agents];
        int food = Math.Max(1, agents / ForagersScene.AgentsPerFood), hunters = Math.Max(1, agents / ForagersScene.AgentsPerHunter);
        FoodX = new float[food];
        FoodY = new float[food];
        FoodGeneration = new int[food];
        HunterX = new float[hunters];
        HunterY = new float[hunters];
        HunterRest = new int[hunters];
    }

    public ForagerGroupSpec Spec { get; }

    /// <summary>Move chosen at the last decision, 0..<see cref="ForagersScene.ActionCount"/>-1.</summary>
    public int[] Action { get; }

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
