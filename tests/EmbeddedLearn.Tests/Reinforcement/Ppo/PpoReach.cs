using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>
/// A 1-D reach-the-goal world for the PPO tests: <c>brains</c> brains of <c>members</c> members each; a member sees
/// <c>[position, goal - position]</c>, moves by 0.1 times its action (continuous, clipped to [-1, 1]; discrete: 0 left,
/// 1 stay, 2 right), gets +1 and a new goal on reaching it (done), -0.05 otherwise. Deterministic from its seed; the
/// game's side (<see cref="Observe"/>, <see cref="Apply"/>) allocates nothing.
/// </summary>
internal sealed class PpoReach : IDisposable
{
    private readonly float[] _position;
    private readonly float[] _goal;
    private readonly Random _random;

    public PpoReach(int brains, int members, PpoActionKind kind = PpoActionKind.Continuous, int horizon = 16, int minibatch = 64,
        int seed = 3, string layout = "2,16,16", TrainingSettings? training = null, PpoSettings? ppo = null,
        Activation activation = Activation.Tanh)
    {
        _random = new Random(seed);
        int outputs = kind == PpoActionKind.Continuous ? 2 : 4;
        Spec = PpoSpec.Get(ModelSpec.Get(ModelLayout.Parse(layout + "," + outputs, activation), minibatch), kind, members, horizon);
        Brains = new Entity[brains];
        Members = new Entity[brains * members];
        _position = new float[Members.Length];
        _goal = new float[Members.Length];
        for (int b = 0; b < brains; b++)
        {
            Brains[b] = Spec.Spawn(World, training ?? TrainingSettings.Adam(0.003f) with { MaxGradNorm = 0.5f },
                ppo ?? PpoSettings.Ppo(gamma: 0.95f, epochs: 2, initialLogStd: -0.5f, entropyCoefficient: 0.001f), seed: (ulong)(seed + b));
            for (int i = 0; i < members; i++)
            {
                Entity member = World.Create();
                Spec.Join(World, Brains[b], member);
                Members[(b * members) + i] = member;
                _goal[(b * members) + i] = (_random.NextSingle() * 2) - 1;
            }
        }
    }

    public World World { get; } = new();

    public PpoSpec Spec { get; }

    public Entity[] Brains { get; }

    public Entity[] Members { get; }

    /// <summary>Goals reached at the last <see cref="Apply"/>.</summary>
    public int Reached { get; private set; }

    /// <summary>Every member observes (<paramref name="bad"/>, when not negative, observes NaN).</summary>
    public void Observe(int bad = -1)
    {
        Span<float> seen = stackalloc float[2];
        for (int i = 0; i < Members.Length; i++)
        {
            seen[0] = i == bad ? float.NaN : _position[i];
            seen[1] = _goal[i] - _position[i];
            Spec.Observe(World, Members[i], seen);
        }
    }

    /// <summary>Every member applies its action and is rewarded.</summary>
    public void Apply()
    {
        Reached = 0;
        for (int i = 0; i < Members.Length; i++)
        {
            ReadOnlySpan<float> action = Spec.Action(World, Members[i]);
            float move = Spec.Kind == PpoActionKind.Continuous ? Math.Clamp(action[0], -1f, 1f) : action[0] - 1f;
            _position[i] = Math.Clamp(_position[i] + (0.1f * move), -1f, 1f);
            bool done = Math.Abs(_goal[i] - _position[i]) < 0.05f;
            if (done)
            {
                Reached++;
                _goal[i] = (_random.NextSingle() * 2) - 1;
            }

            Spec.Reward(World, Members[i], done ? 1f : -0.05f, done);
        }
    }

    /// <summary>One decision: observe, run, apply.</summary>
    public void Step(TrainingPipeline pipeline)
    {
        Observe();
        pipeline.Run(World);
        Apply();
    }

    /// <summary>The parameters (engine order) and log-std of every brain, concatenated.</summary>
    public float[] Snapshot()
    {
        var all = new List<float>();
        foreach (Entity brain in Brains)
        {
            all.AddRange(World.GetSpan<float>(brain, Spec.Model.Parameters).ToArray());
            if (Spec.LogStd is not null)
            {
                all.AddRange(Spec.ReadLogStd(World, brain).ToArray());
            }
        }

        return [.. all];
    }

    public void Dispose() => World.Dispose();
}
