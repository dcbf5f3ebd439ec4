using System.Diagnostics;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The real-time scene: every turret owns a small network that learns, while the game runs, to lead a target
/// circling it: from where the target is now and where it was a moment ago (4 inputs), predict where it will be
/// when a shell fired now arrives (2 outputs). A turret is two entities of one layout: a learner, trained each frame
/// on four past observations labelled with where the target then went, and an inference-only aimer that gets the
/// learner's latest weights and the current observation. The pipeline trains within a time budget; a shot hits
/// when it lands within the target's radius.
/// </summary>
internal sealed class ArenaScene : IDisposable
{
    private const float FrameSeconds = 1f / 60f;
    private const float Lead = 0.5f; // seconds a shell takes to arrive
    private const float Lag = 0.1f;  // seconds between the two observations fed to the network
    private const float HitRadius = 0.15f;

    private readonly World _world = new();
    private readonly ModelSpec _spec = ModelSpec.Get(new ModelLayout([4, 16, 16, 2], Activation.Tanh), batch: 4);
    private readonly TrainingPipeline _pipeline;
    private readonly Entity[] _learners;
    private readonly Entity[] _aimers;
    private readonly Target[] _targets;
    private readonly Random _random = new(7);
    private float _time;

    public ArenaScene(int turrets, int threads, double budgetMs)
    {
        _pipeline = TrainingPipeline.CreateDefault(new PipelineOptions
        {
            Threads = threads,
            TrainingBudget = TimeSpan.FromMilliseconds(budgetMs),
        });
        _world.Reserve(_spec.AdamSignature, turrets);
        _world.Reserve(_spec.InferenceSignature, turrets);
        _learners = new Entity[turrets];
        _aimers = new Entity[turrets];
        _targets = new Target[turrets];
        for (int i = 0; i < turrets; i++)
        {
            _learners[i] = _spec.Spawn(_world, TrainingSettings.Adam(learningRate: 0.01f), seed: (ulong)i);
            _aimers[i] = _spec.SpawnInference(_world, seed: (ulong)i);
            _targets[i] = new Target(
                Uniform(-0.2f, 0.2f), Uniform(-0.2f, 0.2f), Uniform(0.4f, 0.9f), Uniform(0.6f, 1.6f) * (i % 2 == 0 ? 1 : -1), Uniform(0, 6.28f));
        }
    }

    /// <summary>Simulated seconds so far.</summary>
    public float Time => _time;

    /// <summary>Runs one frame; returns the share of turrets whose shot hits, and the tick report.</summary>
    public (double HitRate, TickReport Report, double FrameMs) Frame()
    {
        long start = Stopwatch.GetTimestamp();
        _time += FrameSeconds;
        WriteSamples();
        TickReport report = _pipeline.Run(_world);
        int hits = 0;
        for (int i = 0; i < _aimers.Length; i++)
        {
            ReadOnlySpan<float> aim = _spec.ReadOutputs(_world, _aimers[i]);
            (float x, float y) = _targets[i].At(_time + Lead);
            float dx = aim[0] - x, dy = aim[1] - y;
            hits += (dx * dx) + (dy * dy) <= HitRadius * HitRadius ? 1 : 0;
        }

        return ((double)hits / _aimers.Length, report, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    public void Dispose()
    {
        _pipeline.Dispose();
        _world.Dispose();
    }

    /// <summary>The learner's batch: observations from Lead seconds ago and earlier, labelled with where the target
    /// went; the aimer's: the observation now, with the learner's weights as of the last frame.</summary>
    private void WriteSamples()
    {
        for (int i = 0; i < _learners.Length; i++)
        {
            Span<float> inputs = _world.GetSpan<float>(_learners[i], _spec.Inputs);
            Span<float> targets = _world.GetSpan<float>(_learners[i], _spec.Targets);
            for (int b = 0; b < 4; b++)
            {
                float seen = _time - Lead - (b * 7 * FrameSeconds);
                Observe(_targets[i], seen, inputs.Slice(4 * b, 4));
                (targets[2 * b], targets[(2 * b) + 1]) = _targets[i].At(seen + Lead);
            }

            Span<float> aimerInputs = _world.GetSpan<float>(_aimers[i], _spec.Inputs);
            Observe(_targets[i], _time, aimerInputs[..4]);
            _world.GetSpan<float>(_learners[i], _spec.Parameters).CopyTo(_world.GetSpan<float>(_aimers[i], _spec.Parameters));
        }
    }

    /// <summary>What a turret sees at <paramref name="t"/>: the target's position then and <see cref="Lag"/> earlier.</summary>
    private static void Observe(Target target, float t, Span<float> features)
    {
        (features[0], features[1]) = target.At(t);
        (features[2], features[3]) = target.At(t - Lag);
    }

    private float Uniform(float low, float high) => low + ((high - low) * _random.NextSingle());
}
