using System.Diagnostics;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// The foragers scene: agents in a 2D field (the unit square, one per group) learn from rewards alone to reach food
/// and keep away from hunters. Each agent observes 6 numbers (direction to the nearest food, scaled by 8, and to the
/// nearest hunter, scaled by 4, both clamped to [-1, 1]; its position mapped to [-1, 1] for the walls) and takes one of
/// 4 moves (up, down, left, right; <see cref="Speed"/> field units a frame) every <see cref="DecisionFrames"/>
/// frames. Reward per decision: +1 per food eaten, -1 when caught (the transition ends, done, and the agent respawns
/// elsewhere), -0.01 per frame, and <see cref="ApproachScale"/> times how much closer it came to the food it was
/// heading for. Learning groups train one DQN step per agent per decision (<see cref="ForagerLearning"/>); the
/// baseline group moves at random. Deterministic for a seed without a training budget.
/// </summary>
internal sealed partial class ForagersScene : IAgentScene, IDisposable
{
    /// <summary>Seconds per frame (60 frames per second).</summary>
    public const float FrameSeconds = 1f / 60f;

    /// <summary>Numbers an agent observes, and moves it chooses from.</summary>
    public const int ObservationWidth = 6, ActionCount = 4;

    /// <summary>Agents per food item and per hunter in a field.</summary>
    public const int AgentsPerFood = 3, AgentsPerHunter = 40;

    /// <summary>Field units a forager and a hunter move per frame.</summary>
    public const float Speed = 0.006f, HunterSpeed = 0.0045f;

    /// <summary>An agent eats food within <see cref="EatRadius"/>; a hunter catches an agent within
    /// <see cref="CatchRadius"/> (field units).</summary>
    public const float EatRadius = 0.02f, CatchRadius = 0.025f;

    /// <summary>Rewards: per food eaten, when caught, per frame, and per field unit of approach to the food headed for.</summary>
    public const float EatReward = 1f, CaughtReward = -1f, FrameReward = -0.01f, ApproachScale = 20f;

    /// <summary>Frames a hunter rests after a catch.</summary>
    public const int HunterRestFrames = 45;

    private readonly World _world = new();
    private readonly ForagerGroup[] _groups;
    private readonly Random _random;
    private readonly float[] _next = new float[ObservationWidth];

    /// <summary>Creates the scene: <paramref name="agentsPerGroup"/> agents in each group of <paramref name="groups"/>,
    /// placed, with food and hunters, from <paramref name="seed"/>; a decision every
    /// <paramref name="decisionFrames"/> frames (1..8).</summary>
    public ForagersScene(IReadOnlyList<ForagerGroupSpec> groups, int agentsPerGroup, int seed, int decisionFrames, ForagerLearning learning)
    {
        AgentSceneArguments.Check(agentsPerGroup, decisionFrames);
        Seed = seed;
        DecisionFrames = decisionFrames;
        Learning = learning;
        _random = new Random(seed);
        _groups = [.. groups.Select((g, i) => new ForagerGroup(g, i, agentsPerGroup))];
        try
        {
            foreach (ForagerGroup group in _groups)
            {
                Populate(group);
            }
        }
        catch
        {
            _world.Dispose();
            throw;
        }
    }

    public IReadOnlyList<ForagerGroup> Groups => _groups;

    public IReadOnlyList<AgentGroup> AgentGroups => _groups;

    public ForagerLearning Learning { get; }

    /// <summary>What the agents have learned, as <see cref="ModelFingerprint.Of"/> (64 hex digits): equal on every CPU
    /// for the same seed and frames.</summary>
    public string Fingerprint => ModelFingerprint.Of(_world);

    public int Seed { get; }

    /// <summary>Frames between two decisions (an agent repeats its move in between).</summary>
    public int DecisionFrames { get; }

    /// <summary>The ECS world holding every learning agent.</summary>
    public World World => _world;

    /// <summary>Frames run so far.</summary>
    public long Frames { get; private set; }

    /// <summary>Decisions completed so far (each closes with a transition per agent).</summary>
    public long Decisions { get; private set; }

    /// <summary>Simulated seconds so far.</summary>
    public float Time { get; private set; }

    /// <summary>Agents in learning groups.</summary>
    public int LearningAgents => _groups.Where(g => g.Spec.Learns).Sum(g => g.Count);

    /// <summary>Whether learning agents act greedily (epsilon 0, evaluation) or epsilon-greedily.</summary>
    public bool Greedy { get; private set; }

    /// <summary>The last decision's tick report, or null before the first.</summary>
    public TickReport? LastReport { get; private set; }

    /// <summary>Whether the last frame ran the learning tick (opened a decision).</summary>
    public bool Decided { get; private set; }

    /// <summary>Whether the last frame closed a decision (the groups' <see cref="ForagerGroup.MeanReward"/> are new).</summary>
    public bool DecisionClosed { get; private set; }

    /// <summary>Wall-clock time of the last frame (observations, tick, simulation, transitions), in milliseconds.</summary>
    public double LastFrameMs { get; private set; }

    /// <summary>Wall-clock time of the learning tick the last frame ran (on a decision frame), in milliseconds.</summary>
    public double? LastTickMs => Decided ? LastReport?.TotalMilliseconds : null;

    /// <summary>Runs one frame: on a decision frame the learning tick (every learning agent acts on its observation and
    /// trains one batch) and random moves for the baseline; then every agent and hunter moves, catches and meals are
    /// counted; on the last frame of a decision each agent's transition is recorded and its next observation written.
    /// A steady-state frame allocates nothing.</summary>
    public void Frame()
    {
        long start = Stopwatch.GetTimestamp();
        Frames++;
        Time += FrameSeconds;
        Decided = (Frames - 1) % DecisionFrames == 0;
        if (Decided)
        {
            Decide();
        }

        foreach (ForagerGroup group in _groups)
        {
            Step(group);
        }

        DecisionClosed = Frames % DecisionFrames == 0;
        if (DecisionClosed)
        {
            Decisions++;
            foreach (ForagerGroup group in _groups)
            {
                Close(group);
            }
        }

        LastFrameMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Replaces every model of <paramref name="group"/> with a fresh one (new weights, empty replay buffer,
    /// epsilon from the start), as if the group had just spawned; its agents stay where they are.</summary>
    public void Reset(ForagerGroup group)
    {
        if (!group.Spec.Learns)
        {
            return;
        }

        group.Resets++;
        for (int i = 0; i < group.Count; i++)
        {
            ForagerLearning.Destroy(_world, group.Agents[i]);
            group.Agents[i] = Spawn(group, i);
        }
    }

    /// <summary>Sets the learning rate of every agent of <paramref name="group"/>.</summary>
    public void SetLearningRate(ForagerGroup group, float learningRate)
    {
        group.LearningRate = learningRate;
        foreach (Entity agent in group.Agents)
        {
            ForagerLearning.SetLearningRate(_world, group, agent, learningRate);
        }
    }

    /// <summary>Switches every learning agent to greedy (evaluation) or back to its epsilon-greedy schedule.</summary>
    public void SetGreedy(bool greedy)
    {
        Greedy = greedy;
        foreach (ForagerGroup group in _groups)
        {
            foreach (Entity agent in group.Agents)
            {
                ForagerLearning.SetGreedy(_world, agent, greedy);
            }
        }
    }

    public void Dispose()
    {
        Learning.Dispose();
        _world.Dispose();
    }

    private void Decide()
    {
        LastReport = Learning.Run(_world);
        foreach (ForagerGroup group in _groups)
        {
            for (int i = 0; i < group.Count; i++)
            {
                group.Action[i] = group.Spec.Learns ? ForagerLearning.ActionOf(_world, group.Agents[i]) : _random.Next(ActionCount);
                group.Reward[i] = 0;
                group.Done[i] = false;
            }
        }
    }

    /// <summary>Ends the decision for every agent of <paramref name="group"/>: approach reward, next observation, the
    /// transition recorded, a caught agent respawned, and the observation of the next decision written.</summary>
    private void Close(ForagerGroup group)
    {
        double sum = 0;
        for (int i = 0; i < group.Count; i++)
        {
            if (!group.Done[i] && group.FoodGeneration[group.Target[i]] == group.TargetGeneration[i])
            {
                float dx = group.FoodX[group.Target[i]] - group.X[i], dy = group.FoodY[group.Target[i]] - group.Y[i];
                group.Reward[i] += ApproachScale * (group.TargetDistance[i] - MathF.Sqrt((dx * dx) + (dy * dy)));
            }

            Span<float> observation = group.Observation.AsSpan(i * ObservationWidth, ObservationWidth);
            Observe(group, i, _next);
            if (group.Spec.Learns)
            {
                ForagerLearning.Record(_world, group, group.Agents[i], observation, group.Action[i], group.Reward[i], _next, group.Done[i]);
            }

            if (group.Done[i])
            {
                (group.X[i], group.Y[i]) = (_random.NextSingle(), _random.NextSingle());
                Observe(group, i, _next);
            }

            _next.CopyTo(observation);
            if (group.Spec.Learns)
            {
                ForagerLearning.WriteObservation(_world, group, group.Agents[i], observation);
            }

            sum += group.Reward[i];
        }

        group.MeanReward = sum / group.Count;
    }
}
