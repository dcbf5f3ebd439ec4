using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>A world of models over several layouts and every optimizer flavour (RandomWorld's settings), each with a
/// <see cref="ModelKey"/>, plus inference-only models; samples are seeded by key and tick, so a loaded world gets the same
/// samples as the one it was saved from.</summary>
internal sealed class KeyedWorld : IDisposable
{
    private static readonly ModelSpec[] Specs =
    [
        ModelSpec.Get(new ModelLayout([3, 8, 2], Activation.Tanh), 4),
        ModelSpec.Get(new ModelLayout([2, 5, 4, 1], Activation.Relu), 3),
        ModelSpec.Get(new ModelLayout([4, 3], Activation.Identity), 2),
    ];

    private KeyedWorld(World world, Dictionary<ModelKey, (ModelSpec Spec, Entity Entity)> models)
    {
        World = world;
        Models = models;
    }

    public World World { get; }

    /// <summary>Every model by key; inference-only models have negative keys.</summary>
    public Dictionary<ModelKey, (ModelSpec Spec, Entity Entity)> Models { get; }

    public static KeyedWorld Create(int count)
    {
        var world = new World();
        var models = new Dictionary<ModelKey, (ModelSpec, Entity)>();
        for (int i = 0; i < count; i++)
        {
            ModelSpec spec = Specs[i % Specs.Length];
            Entity entity = spec.Spawn(world, RandomWorld.Settings(i / Specs.Length), (ulong)(500 + i));
            world.Add(entity, new ModelKey(1000 + i));
            models.Add(new ModelKey(1000 + i), (spec, entity));
        }

        for (int i = 0; i < 3; i++)
        {
            Entity entity = Specs[i].SpawnInference(world, (ulong)(900 + i));
            world.Add(entity, new ModelKey(-1 - i));
            models.Add(new ModelKey(-1 - i), (Specs[i], entity));
        }

        return new KeyedWorld(world, models);
    }

    /// <summary>Adopts the models of a loaded checkpoint by their keys.</summary>
    public static KeyedWorld Adopt(World world, LoadedCheckpoint loaded) => new(world, loaded.ByKey.ToDictionary(
        pair => pair.Key, pair => (ModelSpec.Find(world.GetArchetype(pair.Value))!, pair.Value)));

    public void WriteSamples(int tick)
    {
        foreach ((ModelKey key, (ModelSpec spec, Entity entity)) in Models)
        {
            var random = new Random(HashCode.Combine(key.Value, tick));
            float[] inputs = Uniform(random, spec.Inputs.ElementCount);
            float[] targets = Uniform(random, spec.Targets.ElementCount);
            if (key.Value < 0)
            {
                spec.WriteInputs(World, entity, inputs);
            }
            else
            {
                spec.WriteSamples(World, entity, inputs, targets);
            }
        }
    }

    /// <summary>The learning state of every model in key order, as bytes: parameters, gradients, momentum, Adam moments,
    /// then counters, settings and key field by field (struct padding holds no state; it may differ between worlds), with
    /// per-tick values such as samples, outputs, loss and the last tick's outcome left out (a checkpoint does not hold
    /// them: a loaded model's first tick sets them anew).</summary>
    public byte[] State()
    {
        HostResidency.BeforeHostRead(World);
        var bytes = new List<byte>();
        foreach ((ModelKey key, (ModelSpec spec, Entity entity)) in Models.OrderBy(m => m.Key.Value))
        {
            foreach (ComponentType type in (ComponentType[])[spec.Parameters, spec.Gradients, spec.Momentum, spec.AdamMoments])
            {
                bytes.AddRange(World.Has(entity, type) ? World.GetBytes(entity, type).ToArray() : [0xEE]);
            }

            bytes.AddRange(World.Has<TrainingState>(entity)
                ? ComponentBytes.Fields(World.Get<TrainingState>(entity) with { Outcome = TickOutcome.None })
                : [0xEE]);

            foreach (ComponentType type in (ComponentType[])[ComponentType.Of<TrainingSettings>(), ComponentType.Of<ModelKey>()])
            {
                bytes.AddRange(World.Has(entity, type) ? ComponentBytes.Of(World, entity, type) : [0xEE]);
            }
        }

        return [.. bytes];
    }

    public void Dispose() => World.Dispose();

    /// <summary><paramref name="count"/> values uniform in [-1, 1).</summary>
    private static float[] Uniform(Random random, int count)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (random.NextSingle() * 2) - 1;
        }

        return values;
    }
}
