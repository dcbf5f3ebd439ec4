using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>A one-dimensional corridor game: cells 0..5, the goal at 5. Each agent sees its cell one-hot, moves left
/// (action 0) or right (action 1), gets +1 and starts again from a random cell when it reaches the goal (done), and
/// pays 0.01 per move otherwise. The optimal policy is "right" everywhere.</summary>
internal sealed class Corridor : IDisposable
{
    public const int Cells = 6;

    private readonly int[] _cell;
    private readonly Random _random;
    private readonly float[] _observation = new float[Cells];
    private readonly float[] _next = new float[Cells];

    public Corridor(int agents, int seed)
    {
        Spec = QAgentSpec.Get(ModelSpec.Get(ModelLayout.Parse("6,16,2", Activation.Tanh), 16), 256);
        _random = new Random(seed);
        QLearningSettings q = QLearningSettings.Dqn(gamma: 0.9f, targetSyncPeriod: 50, epsilonDecayDecisions: 400, minReplay: 32);
        _cell = new int[agents];
        for (int a = 0; a < agents; a++)
        {
            Agents.Add(Spec.Spawn(World, TrainingSettings.Adam(learningRate: 0.01f), q, (ulong)(seed + a)));
            _cell[a] = _random.Next(Cells - 1);
            OneHot(_cell[a], World.GetSpan<float>(Agents[a], Spec.Observation));
        }
    }

    public QAgentSpec Spec { get; }

    public World World { get; } = new();

    public List<Entity> Agents { get; } = [];

    /// <summary>Applies every agent's chosen action, records the transition and writes the next observation.</summary>
    public void Step()
    {
        for (int a = 0; a < Agents.Count; a++)
        {
            Entity e = Agents[a];
            int action = World.Get<QAgentState>(e).Action;
            OneHot(_cell[a], _observation);
            int cell = Math.Max(0, _cell[a] + (action == 1 ? 1 : -1));
            bool done = cell == Cells - 1;
            OneHot(cell, _next);
            Spec.Record(World, e, _observation, action, done ? 1f : -0.01f, _next, done);
            _cell[a] = done ? _random.Next(Cells - 1) : cell;
            OneHot(_cell[a], World.GetSpan<float>(e, Spec.Observation));
        }
    }

    public void Dispose() => World.Dispose();

    public static void OneHot(int cell, Span<float> into)
    {
        into.Clear();
        into[cell] = 1f;
    }
}
