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

/// <summary>Repairing an entity whose optimizer state is not finite: a step never makes it so (the step stage rejects a
/// step with non-finite results), but a game can write it. ImportParameters alone does not help (every step from the NaN
/// state is rejected, so the entity never trains again); with ResetOptimizerState it trains exactly as a fresh entity on
/// the repaired parameters.</summary>
public sealed class ResetOptimizerStateTests
{
    public static TheoryData<string> Optimizers => ["momentum", "adam"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_repaired_entity_trains_as_a_fresh_one_only_after_its_optimizer_state_is_reset(string optimizer)
    {
        ModelSpec spec = SwarmWorld.Small;
        // Never quarantined, so that the rejected steps below do not stop it training.
        TrainingSettings settings = (optimizer == "adam" ? TrainingSettings.Adam(0.01f) : TrainingSettings.Sgd(0.05f, momentum: 0.9f))
            with { FailuresBeforeQuarantine = 0 };
        using var world = new World();
        using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        // Without the guard stage, the step stage alone keeps the state finite.
        List<IPipelineStage> unguarded = TrainingPipeline.DefaultStages();
        unguarded.RemoveAll(s => s is GuardStage);
        using var withoutGuard = new TrainingPipeline(unguarded, new PipelineOptions { Threads = 1 });
        Entity diverged = spec.Spawn(world, settings, seed: 1);
        float[] good = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, diverged, good);

        // A huge learning rate on huge targets: every step would make the parameters or the state non-finite; none is
        // applied.
        spec.ChangeSettings(world, diverged, settings with { LearningRate = 1e30f });
        Write(world, spec, diverged, target: 1e30f);
        for (int t = 0; t < 3; t++)
        {
            Assert.Equal([diverged], withoutGuard.Run(world).StepsSkipped.ToArray());
        }

        ComponentType state = optimizer == "adam" ? spec.AdamMoments : spec.Momentum;
        Assert.All(world.GetSpan<float>(diverged, state).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(good, Export(world, spec, diverged));
        spec.ChangeSettings(world, diverged, settings);
        Write(world, spec, diverged, target: 0.5f);
        Assert.Empty(pipeline.Run(world).StepsSkipped.ToArray()); // a first step (SGD's ignores the old momentum)
        Assert.Equal(1, world.Get<TrainingState>(diverged).OptimizerSteps);

        // The game corrupts the state. Without the reset: import good parameters; every step is rejected.
        world.GetSpan<float>(diverged, state).Fill(float.NaN);
        spec.ImportParameters(world, diverged, good);
        Write(world, spec, diverged, target: 0.5f);
        Assert.Equal([diverged], pipeline.Run(world).StepsSkipped.ToArray());
        Assert.Equal(good, Export(world, spec, diverged));

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

    [Fact]
    public void On_the_opencl_backend_the_reset_reaches_the_device_copy()
    {
        OpenClTestDevice.Require();
        ModelSpec spec = SwarmWorld.Small;
        TrainingSettings settings = TrainingSettings.Sgd(0.05f, momentum: 0.9f);
        using var world = new World();
        using var cpuWorld = new World();
        using FallbackPipeline device = TrainingBackends.CreatePipeline(BackendKind.OpenCl, TrainingPipeline.DefaultStages(),
            new PipelineOptions { Threads = 1 }, out _, OpenClTestDevice.Selection);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        Entity diverged = spec.Spawn(world, settings, seed: 4);
        float[] good = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, diverged, good);
        Write(world, spec, diverged, target: 0.5f);
        Assert.Empty(device.Run(world).StepsSkipped.ToArray()); // a first step (SGD's ignores the old momentum)
        float[] stepped = Export(world, spec, diverged);

        // The game corrupts the momentum (host write, sent to the device).
        HostResidency.BeforeHostRead(world);
        world.GetSpan<float>(diverged, spec.Momentum).Fill(float.NaN);
        HostResidency.AfterHostWrite(world);
        for (int t = 0; t < 2; t++)
        {
            Assert.Equal([diverged], device.Run(world).StepsSkipped.ToArray()); // every step from it is rejected
        }

        HostResidency.BeforeHostRead(world);
        Assert.All(world.GetSpan<float>(diverged, spec.Momentum).ToArray(), v => Assert.True(float.IsNaN(v)));
        Assert.Equal(stepped, Export(world, spec, diverged));

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

    private static float[] Export(World world, ModelSpec spec, Entity entity)
    {
        float[] parameters = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, entity, parameters);
        return parameters;
    }

    private static void Write(World world, ModelSpec spec, Entity entity, float target)
    {
        float[] inputs = Enumerable.Range(0, spec.Inputs.ElementCount).Select(i => MathF.Cos(i) * 0.7f).ToArray();
        float[] targets = Enumerable.Repeat(target, spec.Targets.ElementCount).ToArray();
        spec.WriteSamples(world, entity, inputs, targets);
    }
}
