using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Kernels;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Cpu;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>A world with Q-learning agents of one spec whose replay rings hold random transitions, and a
/// double-precision reference of the TD targets and the gradients they give.</summary>
internal sealed class QAgentCase : IDisposable
{
    private static readonly (string Widths, Activation Activation)[] Layouts =
    [
        ("4,8,3", Activation.Tanh), ("6,16,16,4", Activation.Relu), ("3,5", Activation.Identity),
        ("5,12,2", Activation.Sigmoid), ("7,9,6,5", Activation.LeakyRelu),
    ];

    public QAgentCase(int seed, bool doubleDqn, int agents = 3, int capacity = 16, int recorded = 11,
        Func<LossReduction, TrainingSettings>? training = null)
    {
        Random = new Random(seed);
        (string widths, Activation activation) = Layouts[seed % Layouts.Length];
        Batch = 1 + (seed % 6);
        Spec = QAgentSpec.Get(ModelSpec.Get(ModelLayout.Parse(widths, activation), Batch), capacity);
        Gamma = (float)(0.5 + (0.49 * Random.NextDouble()));
        Reduction = (LossReduction)(seed % 3);
        Q = QLearningSettings.Dqn(gamma: Gamma, doubleDqn: doubleDqn, targetSyncPeriod: 1000, minReplay: 1);
        World = new World();
        for (int a = 0; a < agents; a++)
        {
            Entity e = Spec.Spawn(World, training?.Invoke(Reduction) ?? TrainingSettings.Sgd(0.05f, reduction: Reduction), Q,
                (ulong)((seed * 31) + a));
            // A target network different from the online one, so DQN and Double-DQN differ.
            float[] target = KernelAssert.RandomFloats(Random, Layout.ParameterCount, 0.6);
            target.CopyTo(World.GetSpan<float>(e, Spec.TargetParameters));
            for (int t = 0; t < recorded; t++)
            {
                Spec.Record(World, e, KernelAssert.RandomFloats(Random, Spec.ObservationWidth, 2), Random.Next(Spec.ActionCount),
                    (float)((Random.NextDouble() * 4) - 2), KernelAssert.RandomFloats(Random, Spec.ObservationWidth, 2), Random.Next(4) == 0);
            }

            Agents.Add(e);
        }
    }

    public Random Random { get; }

    public int Batch { get; }

    public float Gamma { get; }

    /// <summary>The MSE reduction of the agents (mean, sum or none, by seed).</summary>
    public LossReduction Reduction { get; }

    public QLearningSettings Q { get; }

    public QAgentSpec Spec { get; }

    public ModelLayout Layout => Spec.Model.Layout;

    public World World { get; }

    public List<Entity> Agents { get; } = [];

    public override string ToString() => $"{Spec} gamma {Gamma} {(Q.DoubleDqn ? "Double-DQN" : "DQN")} reduction {Reduction}";

    public void Dispose() => World.Dispose();

    /// <summary>Parameters of <paramref name="type"/> (engine order) in PyTorch order, as doubles.</summary>
    public double[] TorchDoubles(Entity agent, ComponentType type)
    {
        var torch = new float[Layout.ParameterCount];
        ParameterOrder.ExportTorch(Layout, World.GetSpan<float>(agent, type), torch);
        return KernelAssert.ToDouble(torch);
    }

    /// <summary>The reference TD targets <c>y_j</c> of <paramref name="agent"/>'s sampled batch, from its sampled rows and
    /// the given networks (PyTorch order, doubles).</summary>
    public double[] ReferenceTargets(Entity agent, double[] online, double[] target)
    {
        int n = Spec.ObservationWidth, actions = Spec.ActionCount, width = Spec.SampleWidth;
        ReadOnlySpan<float> sample = World.GetSpan<float>(agent, Spec.ReplaySample);
        var next = new double[Batch * n];
        for (int j = 0; j < Batch; j++)
        {
            for (int k = 0; k < n; k++)
            {
                next[(j * n) + k] = sample[(j * width) + 3 + k];
            }
        }

        double[] qTarget = ReferenceMlp.Forward(Layout, Batch, target, next)[^1];
        double[] qOnline = ReferenceMlp.Forward(Layout, Batch, online, next)[^1];
        var y = new double[Batch];
        for (int j = 0; j < Batch; j++)
        {
            ArraySegment<double> row = new(qTarget, j * actions, actions);
            double value = Q.DoubleDqn ? row[ArgMax(new ArraySegment<double>(qOnline, j * actions, actions))] : row.Max();
            double reward = sample[(j * width) + 1], done = sample[(j * width) + 2];
            y[j] = reward + (Gamma * (1 - done) * value);
        }

        return y;
    }

    private static int ArgMax(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int k = 1; k < values.Count; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }

        return best;
    }
}
