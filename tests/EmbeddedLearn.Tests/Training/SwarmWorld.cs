using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Tests.Training;

/// <summary>Builds worlds of learning entities with per-entity settings and seeded samples.</summary>
internal static class SwarmWorld
{
    public static readonly ModelSpec Swarm = ModelSpec.Get(new ModelLayout([8, 32, 32, 2], Activation.Tanh), 4);
    public static readonly ModelSpec Small = ModelSpec.Get(new ModelLayout([3, 5, 2], Activation.Relu), 3);

    /// <summary>A world of <paramref name="count"/> swarm entities with SGD lr 0.01 (the design's workload).</summary>
    public static (World World, Entity[] Entities) Uniform(int count)
    {
        var world = new World();
        world.Reserve(Swarm.PlainSignature, count);
        var entities = new Entity[count];
        for (int i = 0; i < count; i++)
        {
            entities[i] = Swarm.Spawn(world, TrainingSettings.Sgd(0.01f), (ulong)i);
        }

        return (world, entities);
    }

    /// <summary>A world mixing two layouts and every optimizer flavour, K = 1 or 2, per entity.</summary>
    public static (World World, List<(ModelSpec Spec, Entity Entity)> Entities) Mixed(int count, int seed)
    {
        var world = new World();
        var random = new Random(seed);
        var entities = new List<(ModelSpec, Entity)>();
        for (int i = 0; i < count; i++)
        {
            ModelSpec spec = i % 3 == 0 ? Small : Swarm;
            int k = 1 + (i % 2);
            TrainingSettings settings = (i % 4) switch
            {
                0 => TrainingSettings.Sgd(0.02f, accumulationSteps: k),
                1 => TrainingSettings.Sgd(0.01f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f, accumulationSteps: k),
                2 => TrainingSettings.Adam(0.005f, weightDecay: 0.001f, accumulationSteps: k),
                _ => TrainingSettings.Sgd(0.03f, momentum: 0.5f, dampening: 0.2f, reduction: LossReduction.Sum, accumulationSteps: k),
            };
            entities.Add((spec, spec.Spawn(world, settings, (ulong)random.Next())));
        }

        return (world, entities);
    }

    /// <summary>Writes seeded samples into every entity: targets are a fixed function of the inputs.</summary>
    public static void WriteSamples(World world, IEnumerable<(ModelSpec Spec, Entity Entity)> entities, int tick)
    {
        foreach ((ModelSpec spec, Entity entity) in entities)
        {
            var random = new Random((entity.Id * 7919) + tick);
            Span<float> inputs = world.GetSpan<float>(entity, spec.Inputs);
            Span<float> targets = world.GetSpan<float>(entity, spec.Targets);
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (float)((random.NextDouble() * 2) - 1);
            }

            for (int i = 0; i < targets.Length; i++)
            {
                targets[i] = MathF.Sin(inputs[i % inputs.Length] * 3);
            }
        }
    }
}
