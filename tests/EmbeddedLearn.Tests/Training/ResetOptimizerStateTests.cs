using EmbeddedLearn.Backends;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;
using EmbeddedLearn.Training.Stages;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>Repairing a diverged entity: ImportParameters alone is undone by its NaN optimizer state; with
/// ResetOptimizerState it trains exactly as a fresh entity on the repaired parameters.</summary>
public sealed class ResetOptimizerStateTests
{
    public static TheoryData<string> Optimizers => ["momentum", "adam"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_repaired_entity_trains_as_a_fresh_one_only_after_its_optimizer_state_is_reset(string optimizer)
    {
        ModelSpec spec = SwarmWorld.Small;
        TrainingSettings settings = optimizer == "adam" ? TrainingSettings.Adam(0.01f) : TrainingSettings.Sgd(0.05f, momentum: 0.9f);
        using var world = new World();
        using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        // The divergence needs a pipeline without the guard stage: the guard skips non-finite steps, so it would keep
        // the optimizer state finite (the repair path matters for games that drop the guard, or diverge another way).
        List<IPipelineStage> unguarded = TrainingPipeline.DefaultStages();
        unguarded.RemoveAll(s => s is GuardStage);
        using var withoutGuard = new TrainingPipeline(unguarded, new PipelineOptions { Threads = 1 });
        Entity diverged = spec.Spawn(world, settings, seed: 1);
        float[] good = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, diverged, good);

        // Diverge: one step on huge targets with a huge learning rate makes the optimizer state non-finite.
        spec.ChangeSettings(world, diverged, settings with { LearningRate = 1e30f });
        Write(world, spec, diverged, target: 1e30f);
        for (int t = 0; t < 3; t++)
        {
            withoutGuard.Run(world);
        }

        ComponentType state = optimizer == "adam" ? spec.AdamMoments : spec.Momentum;
        Assert.Contains(world.GetSpan<float>(diverged, state).ToArray(), v => !float.IsFinite(v));
        spec.ChangeSettings(world, diverged, settings);

        // Without the reset: import good parameters, one step, NaN again.
        spec.ImportParameters(world, diverged, good);
        Write(world, spec, diverged, target: 0.5f);
        pipeline.Run(world);
        float[] after = new float[good.Length];
        spec.ExportParameters(world, diverged, after);
        Assert.Contains(after, v => !float.IsFinite(v));

        // With the reset: the repaired entity and a fresh entity on the same parameters stay bit-identical.
        spec.ImportParameters(world, diverged, good);
        spec.ResetOptimizerState(world, diverged);
        Assert.Equal(default, world.Get<TrainingState>(diverged));
        Entity fresh = spec.Spawn(world, settings, good);
        for (int t = 0; t < 5; t++)
        {
            Write(world, spec, diverged, target: 0.5f + (0.1f * t));
            Write(world, spec, fresh, target: 0.5f + (0.1f * t));
            pipeline.Run(world);
        }

        float[] repaired = new float[good.Length], reference = new float[good.Length];
        spec.ExportParameters(world, diverged, repaired);
        spec.ExportParameters(world, fresh, reference);
        Assert.All(repaired, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(reference, repaired);
        Assert.NotEqual(good, repaired);
        Assert.Equal(world.Get<TrainingState>(fresh), world.Get<TrainingState>(diverged));
        Assert.Equal(world.GetSpan<float>(fresh, state).ToArray(), world.GetSpan<float>(diverged, state).ToArray());
    }

    [SkippableFact]
    public void On_the_opencl_backend_the_reset_reaches_the_device_copy()
    {
        OpenClTestDevice.Require();
        ModelSpec spec = SwarmWorld.Small;
        TrainingSettings settings = TrainingSettings.Sgd(0.05f, momentum: 0.9f);
        using var world = new World();
        using var cpuWorld = new World();
        List<IPipelineStage> unguarded = TrainingPipeline.DefaultStages(); // without the guard, so the momentum can diverge
        unguarded.RemoveAll(s => s is GuardStage);
        using FallbackPipeline device = TrainingBackends.CreatePipeline(BackendKind.OpenCl, unguarded,
            new PipelineOptions { Threads = 1 }, out _, OpenClTestDevice.Selection);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        Entity diverged = spec.Spawn(world, settings with { LearningRate = 1e30f }, seed: 4);
        float[] good = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, diverged, good);
        Write(world, spec, diverged, target: 1e30f);
        for (int t = 0; t < 3; t++)
        {
            device.Run(world); // momentum diverges on the device
        }

        HostResidency.BeforeHostRead(world);
        Assert.Contains(world.GetSpan<float>(diverged, spec.Momentum).ToArray(), v => !float.IsFinite(v));

        spec.ChangeSettings(world, diverged, settings);
        spec.ImportParameters(world, diverged, good);
        spec.ResetOptimizerState(world, diverged);
        Entity fresh = spec.Spawn(cpuWorld, settings, good);
        for (int t = 0; t < 4; t++)
        {
            Write(world, spec, diverged, target: 0.5f - (0.1f * t));
            Write(cpuWorld, spec, fresh, target: 0.5f - (0.1f * t));
            device.Run(world);
            cpu.Run(cpuWorld);
        }

        Assert.Equal(BackendKind.OpenCl, device.ActiveBackend);
        float[] repaired = new float[good.Length], reference = new float[good.Length];
        spec.ExportParameters(world, diverged, repaired);
        spec.ExportParameters(cpuWorld, fresh, reference);
        for (int i = 0; i < good.Length; i++)
        {
            Assert.True(ParityRunner.RelativeError(repaired[i], reference[i]) <= ParityRunner.RelativeTolerance,
                $"parameter {i}: device {repaired[i]:R}, CPU {reference[i]:R}");
        }

        Assert.Equal(cpuWorld.Get<TrainingState>(fresh) with { GradientNorm = 0f }, world.Get<TrainingState>(diverged) with { GradientNorm = 0f });
    }

    [Fact]
    public void Resetting_an_inference_only_entity_is_refused_and_changes_nothing()
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity inference = spec.SpawnInference(world, seed: 2);
        float[] before = world.GetSpan<float>(inference, spec.Parameters).ToArray();
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => spec.ResetOptimizerState(world, inference));
        Assert.Contains("holds no trainable model of spec", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, world.GetSpan<float>(inference, spec.Parameters).ToArray());
    }

    private static void Write(World world, ModelSpec spec, Entity entity, float target)
    {
        float[] inputs = Enumerable.Range(0, spec.Inputs.ElementCount).Select(i => MathF.Cos(i) * 0.7f).ToArray();
        float[] targets = Enumerable.Repeat(target, spec.Targets.ElementCount).ToArray();
        spec.WriteSamples(world, entity, inputs, targets);
    }
}
