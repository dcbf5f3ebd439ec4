using System.Diagnostics;

namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// The steering scene: agents with continuous control (turn rate and thrust, each in [-1, 1]) chase goals that drift
/// slowly across a walled field while keeping off circular hazards. Every group has a field of its own with the same
/// hazards and, for agent i, the same sequence of goals (<see cref="SteeringField"/>). An agent decides every
/// <see cref="DecisionFrames"/> frames and holds its action in between. Per frame: heading turns by
/// turn x <see cref="MaxTurnRate"/>, speed changes by thrust x <see cref="Acceleration"/> within
/// [0, <see cref="MaxSpeed"/>], the agent moves; a wall stops it. Reward, summed over a decision's frames:
/// <see cref="ProgressScale"/> x the distance it closed on its goal, <see cref="GoalBonus"/> on reaching it (within
/// <see cref="GoalRadius"/>; a new goal appears), minus <see cref="HazardPenalty"/> per frame touching a hazard and
/// <see cref="WallPenalty"/> per frame against a wall. Observations (<see cref="ObservationWidth"/> numbers in the
/// agent's frame, each in [-1, 1]) are described at <see cref="Observe"/>. The simulation uses IEEE-exact operations
/// only, so it is deterministic for a seed.
/// </summary>
internal sealed partial class SteeringScene : IAgentScene, IDisposable
{
    /// <summary>Seconds per frame (60 frames per second).</summary>
    public const float FrameSeconds = 1f / 60f;

    /// <summary>Numbers an agent observes, and action components (turn rate, thrust).</summary>
    public const int ObservationWidth = 12, ActionWidth = 2;

    /// <summary>Top speed (field units per second), acceleration at full thrust (units per second squared), and turn
    /// rate at full turn (radians per second).</summary>
    public const float MaxSpeed = 0.3f, Acceleration = 0.6f, MaxTurnRate = 4f;

    /// <summary>A goal is reached within <see cref="GoalRadius"/>; goals drift at <see cref="GoalSpeed"/> (field units
    /// per second).</summary>
    public const float GoalRadius = 0.035f, GoalSpeed = 0.05f;

    /// <summary>Rewards: per field unit closed on the goal, per goal reached, per frame on a hazard, per frame on a wall.</summary>
    public const float ProgressScale = 10f, GoalBonus = 1f, HazardPenalty = 0.2f, WallPenalty = 0.05f;

    private readonly SteeringGroup[] _groups;
    private readonly Random[] _random;

    /// <summary>Creates the scene: <paramref name="agentsPerGroup"/> agents in each group of <paramref name="groups"/>,
    /// hazards, starts and goals from <paramref name="seed"/>; a decision every <paramref name="decisionFrames"/>
    /// frames (1..8); each PPO group's pipeline on <paramref name="threads"/> threads within <paramref name="budgetMs"/>
    /// per decision (null: none, every tick trains in full: deterministic for a seed on any thread count), trained on
    /// <paramref name="backend"/> (OpenCL where a device works, else the CPU; <paramref name="log"/> hears how it was
    /// chosen).</summary>
    public SteeringScene(IReadOnlyList<SteeringGroupSpec> groups, int agentsPerGroup, int seed, int decisionFrames, int threads = 1,
        double? budgetMs = null, ArenaBackend backend = ArenaBackend.Cpu, Action<string>? log = null)
    {
        AgentSceneArguments.Check(agentsPerGroup, decisionFrames);
        Seed = seed;
        DecisionFrames = decisionFrames;
        Threads = threads;
        BudgetMs = budgetMs;
        Backend = backend;
        _log = log;
        Field = new SteeringField(seed);
        _groups = [.. groups.Select((g, i) => new SteeringGroup(g, i, agentsPerGroup))];
        _random = [.. _groups.Select(g => new Random(unchecked((seed * 7919) + (int)g.Spec.Policy)))]; // not by position: adding a group changes no other
        _brains = new SteeringBrains?[_groups.Length];
        try
        {
            foreach (SteeringGroup group in _groups)
            {
                Populate(group);
                _brains[group.Index] = group.Spec.Learns ? Spawn(group) : null;
            }
        }
        catch
        {
            DisposeBrains();
            throw;
        }
    }

    public IReadOnlyList<SteeringGroup> Groups => _groups;

    public IReadOnlyList<AgentGroup> AgentGroups => _groups;

    /// <summary>The hazards, starts and goals every group shares.</summary>
    public SteeringField Field { get; }

    public int Seed { get; }

    /// <summary>Frames between two decisions (an agent holds its action in between).</summary>
    public int DecisionFrames { get; }

    /// <summary>What the agents have learned: SHA-256 of the learning groups' <see cref="SteeringBrains.Fingerprint"/>s
    /// in group order (64 hex digits; that of nothing without a learning group).</summary>
    public string Fingerprint => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.ASCII.GetBytes(string.Concat(_brains.Select(b => b?.Fingerprint ?? string.Empty)))));

    /// <summary>Frames run so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Decisions completed so far.</summary>
    public long Decisions { get; private set; }

    /// <summary>Simulated seconds so far.</summary>
    public float Time { get; private set; }

    /// <summary>Agents in all groups.</summary>
    public int AgentCount => _groups.Sum(g => g.Count);

    /// <summary>Agents in learning groups.</summary>
    public int LearningAgents => _groups.Where(g => g.Spec.Learns).Sum(g => g.Count);

    /// <summary>Wall-clock time of the first learning group's tick in the last frame, in milliseconds, or null when it
    /// ran none.</summary>
    public double? LastTickMs { get; private set; }

    /// <summary>Whether the last frame opened a decision.</summary>
    public bool Decided { get; private set; }

    /// <summary>Whether the last frame closed a decision (the groups' <see cref="SteeringGroup.MeanReward"/> are new).</summary>
    public bool DecisionClosed { get; private set; }

    /// <summary>Wall-clock time of the last frame, in milliseconds.</summary>
    public double LastFrameMs { get; private set; }

    /// <summary>Runs one frame: on a decision frame each PPO group's agents observe and its tick runs
    /// (<see cref="SteeringBrains.Decide"/>), and every agent takes its action (its brain's, the heuristic's or a random
    /// one); then every agent and goal moves and the rewards are counted; on the last frame of a decision each agent's
    /// reward goes to its brain and its next observation is written. A steady-state frame allocates nothing.</summary>
    public void Frame()
    {
        long start = Stopwatch.GetTimestamp();
        Frames++;
        Time += FrameSeconds;
        (Decided, DecisionClosed) = ((Frames - 1) % DecisionFrames == 0, Frames % DecisionFrames == 0);
        Decisions += DecisionClosed ? 1 : 0;
        if (Decided)
        {
            Learn();
        }
        else
        {
            LastTickMs = null;
        }

        foreach (SteeringGroup group in _groups)
        {
            if (Decided)
            {
                Decide(group);
            }

            Step(group);
            if (DecisionClosed)
            {
                Close(group);
            }
        }

        LastFrameMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    public void Dispose() => DisposeBrains();

    /// <summary>Every agent of <paramref name="group"/> chooses its action for the decision starting now.</summary>
    private void Decide(SteeringGroup group)
    {
        Random random = _random[group.Index];
        for (int i = 0; i < group.Count; i++)
        {
            (group.Turn[i], group.Thrust[i]) = group.Spec.Policy switch
            {
                SteeringPolicy.Heuristic => SteeringHeuristic.Act(group, i, Field),
                SteeringPolicy.Random => ((2 * random.NextSingle()) - 1, (2 * random.NextSingle()) - 1),
                _ => (group.Turn[i], group.Thrust[i]), // the brain's, read by Learn
            };
            group.Reward[i] = 0;
        }
    }

    /// <summary>Ends the decision for every agent of <paramref name="group"/>: its reward to its brain, its next
    /// observation and a trail point.</summary>
    private void Close(SteeringGroup group)
    {
        _brains[group.Index]?.Reward(group);
        double sum = 0;
        for (int i = 0; i < group.Count; i++)
        {
            Observe(group, i, group.Observation.AsSpan(i * ObservationWidth, ObservationWidth));
            sum += group.Reward[i];
        }

        int slot = (int)(group.TrailWritten++ % SteeringGroup.TrailLength);
        for (int a = 0; a < group.Trail.Length / (2 * SteeringGroup.TrailLength); a++)
        {
            group.Trail[((a * SteeringGroup.TrailLength) + slot) * 2] = group.X[a];
            group.Trail[(((a * SteeringGroup.TrailLength) + slot) * 2) + 1] = group.Y[a];
        }

        group.MeanReward = sum / group.Count;
    }
}
