using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Soak;

/// <summary>One world of keyed learning entities and its pipeline; every choice (which keys spawn, despawn, see bad
/// data) comes from the key and the tick, so two soak worlds fed the same calls hold the same models.</summary>
internal sealed class SoakWorld : IDisposable
{
    public static readonly ModelSpec Spec = ModelSpec.Get(new ModelLayout([6, 16, 2], Activation.Tanh), batch: 4);

    private readonly TrainingPipeline _pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 2 });

    public SoakWorld(World world, Dictionary<long, Entity> byKey)
    {
        World = world;
        ByKey = byKey;
    }

    public World World { get; private set; }

    /// <summary>The entity of each live key.</summary>
    public Dictionary<long, Entity> ByKey { get; private set; }

    public static TrainingSettings SettingsFor(long key) => (key % 5) switch
    {
        0 => TrainingSettings.Adam(0.01f),
        1 => TrainingSettings.AdamW(0.01f),
        2 => TrainingSettings.Sgd(0.05f, momentum: 0.9f) with { MaxGradNorm = 1f },
        3 => TrainingSettings.Sgd(key % 97 == 3 ? 1e30f : 0.05f), // now and then a learning rate that diverges
        _ => TrainingSettings.Sgd(0.02f, momentum: 0.5f, dampening: 0.1f),
    };

    public void Spawn(long key)
    {
        Entity entity = Spec.Spawn(World, SettingsFor(key), (ulong)key);
        World.Add(entity, new ModelKey(key));
        ByKey.Add(key, entity);
    }

    public void Despawn(long key)
    {
        World.Destroy(ByKey[key]);
        ByKey.Remove(key);
    }

    /// <summary>Writes every model's samples for <paramref name="tick"/>: a smooth target of seeded inputs, or NaN /
    /// infinity for the keys <paramref name="bad"/> picks.</summary>
    public void WriteSamples(int tick, Func<long, int, bool> bad)
    {
        foreach ((long key, Entity entity) in ByKey)
        {
            Span<float> inputs = World.GetSpan<float>(entity, Spec.Inputs);
            Span<float> targets = World.GetSpan<float>(entity, Spec.Targets);
            var random = new SoakRandom(((ulong)key * 7919UL) + (ulong)tick);
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = (random.NextSingle() * 2) - 1;
            }

            for (int i = 0; i < targets.Length; i++)
            {
                targets[i] = MathF.Sin(2 * inputs[i % inputs.Length]) * 0.5f;
            }

            if (bad(key, tick))
            {
                (random.NextSingle() < 0.5f ? inputs : targets)[0] = random.NextSingle() < 0.5f ? float.NaN : float.PositiveInfinity;
            }
        }
    }

    public TickReport Run() => _pipeline.Run(World);

    /// <summary>Models holding a non-finite output, or quarantined with a non-finite parameter: what the game must never
    /// be handed.</summary>
    public int CountUnsafe()
    {
        int found = 0;
        foreach (Entity entity in ByKey.Values)
        {
            bool badOutput = !IsFinite(World.GetSpan<float>(entity, Spec.Outputs));
            bool badQuarantine = World.Has<Quarantined>(entity) && !IsFinite(World.GetSpan<float>(entity, Spec.Parameters));
            found += badOutput || badQuarantine ? 1 : 0;
        }

        return found;
    }

    private static bool IsFinite(ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Saves to <paramref name="path"/>, then continues from a fresh world loaded from it.</summary>
    public void SaveAndReload(string path)
    {
        Checkpoint.Save(World, path);
        var fresh = new World();
        LoadedCheckpoint loaded = Checkpoint.Load(fresh, path);
        World.Dispose();
        World = fresh;
        ByKey = loaded.ByKey.ToDictionary(p => p.Key.Value, p => p.Value);
    }

    /// <summary>Whether the model of <paramref name="key"/> is bit for bit the same here and in <paramref name="other"/>:
    /// parameters, gradients, optimizer state, counters, settings, quarantine.</summary>
    public bool SameModel(SoakWorld other, long key)
    {
        Entity a = ByKey[key], b = other.ByKey[key];
        foreach (ComponentType type in (ReadOnlySpan<ComponentType>)[Spec.Parameters, Spec.Gradients, Spec.Momentum, Spec.AdamMoments])
        {
            if (World.Has(a, type) != other.World.Has(b, type)
                || (World.Has(a, type) && !World.GetBytes(a, type).SequenceEqual(other.World.GetBytes(b, type))))
            {
                return false;
            }
        }

        // The outcome of the last tick is not saved in a checkpoint (a loaded model starts with none).
        return World.Get<TrainingState>(a) with { Outcome = TickOutcome.None } == other.World.Get<TrainingState>(b) with { Outcome = TickOutcome.None }
            && World.Get<TrainingSettings>(a) == other.World.Get<TrainingSettings>(b)
            && World.Has<Quarantined>(a) == other.World.Has<Quarantined>(b);
    }

    public void Dispose()
    {
        _pipeline.Dispose();
        World.Dispose();
    }
}
