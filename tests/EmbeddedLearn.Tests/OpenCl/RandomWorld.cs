using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>A seeded world of many entities over several layouts and per-entity settings (SGD, momentum, Nesterov,
/// Adam, K = 1 or 2, every reduction), built the same way in any number of worlds.</summary>
internal sealed class RandomWorld
{
    private static readonly ModelSpec[] Specs =
    [
        ModelSpec.Get(new ModelLayout([3, 8, 2], Activation.Tanh), 4),
        ModelSpec.Get(new ModelLayout([2, 5, 4, 1], Activation.Relu), 3),
        ModelSpec.Get(new ModelLayout([4, 3], Activation.Identity), 2),
        ModelSpec.Get(new ModelLayout([3, 6, 3], Activation.Sigmoid), 2),
        ModelSpec.Get(new ModelLayout([2, 4, 2], Activation.LeakyRelu), 5),
    ];

    public List<(ModelSpec Spec, Entity Entity)> Entities { get; } = [];

    public static TrainingSettings Settings(int i) => (i % 6) switch
    {
        0 => TrainingSettings.Sgd(0.05f),
        1 => TrainingSettings.Sgd(0.02f, momentum: 0.9f, accumulationSteps: 2),
        2 => TrainingSettings.Sgd(0.01f, momentum: 0.8f, nesterov: true, weightDecay: 0.01f, reduction: LossReduction.Sum),
        3 => TrainingSettings.Adam(0.01f),
        4 => TrainingSettings.Adam(0.005f, weightDecay: 0.001f, accumulationSteps: 2, reduction: LossReduction.None),
        _ => TrainingSettings.Sgd(0.03f, momentum: 0.5f, dampening: 0.1f, maximize: true, reduction: LossReduction.Mean, accumulationSteps: 2),
    };

    public void Spawn(World world, int count, int first = 0)
    {
        for (int i = first; i < first + count; i++)
        {
            ModelSpec spec = Specs[i % Specs.Length];
            Entities.Add((spec, spec.Spawn(world, Settings(i / Specs.Length), (ulong)(1000 + i))));
        }
    }

    public void WriteSamples(World world, int tick) => WriteSamples(world, Entities, tick);

    /// <summary>Writes every one of <paramref name="entities"/> tick <paramref name="tick"/>'s samples: uniform in [-1, 1],
    /// seeded by the tick and the entity's id.</summary>
    public static void WriteSamples(World world, IEnumerable<(ModelSpec Spec, Entity Entity)> entities, int tick)
    {
        foreach ((ModelSpec spec, Entity entity) in entities)
        {
            var random = new Random((tick * 7919) + entity.Id);
            float[] inputs = new float[spec.Inputs.ElementCount];
            float[] targets = new float[spec.Targets.ElementCount];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (float)((random.NextDouble() * 2) - 1);
            }

            for (int i = 0; i < targets.Length; i++)
            {
                targets[i] = (float)((random.NextDouble() * 2) - 1);
            }

            spec.WriteSamples(world, entity, inputs, targets);
        }
    }

    /// <summary>Asserts that every entity's parameters, gradients, optimizer state, outputs, loss and counters agree.</summary>
    public static void AssertSame(World expected, World actual, IEnumerable<(ModelSpec Spec, Entity Entity)> entities, string when)
    {
        foreach ((ModelSpec spec, Entity entity) in entities)
        {
            foreach (ComponentType type in new[] { spec.Parameters, spec.Gradients, spec.Momentum, spec.AdamMoments, spec.Outputs })
            {
                if (!expected.Has(entity, type))
                {
                    continue;
                }

                ReadOnlySpan<float> e = expected.GetSpan<float>(entity, type);
                ReadOnlySpan<float> a = actual.GetSpan<float>(entity, type);
                for (int i = 0; i < e.Length; i++)
                {
                    double error = ParityRunner.RelativeError(a[i], e[i]);
                    Assert.True(error <= ParityRunner.RelativeTolerance,
                        $"{when}: {entity} {type.Name}[{i}]: CPU {e[i]:R}, OpenCL {a[i]:R} (relative error {error:E2})");
                }
            }

            double lossError = ParityRunner.RelativeError(actual.Get<Loss>(entity).Value, expected.Get<Loss>(entity).Value);
            Assert.True(lossError <= ParityRunner.RelativeTolerance, $"{when}: {entity} loss differs ({lossError:E2})");
            Behaviour.OnBackend.AssertSameCounters(expected.Get<TrainingState>(entity), actual.Get<TrainingState>(entity), when + ": " + entity);
        }
    }
}
