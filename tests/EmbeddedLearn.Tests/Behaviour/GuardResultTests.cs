using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>The guard checks what a step and a forward pass produce, on every backend: a step whose new parameters or
/// optimizer state are not finite is not applied (a failure, quarantine after enough in a row), and a forward pass
/// whose outputs are not finite leaves the game the last finite ones (the entity sits the tick's training out).</summary>
public sealed class GuardResultTests
{
    /// <summary>Inputs whose gradients stay finite (about 1e31) but whose squares overflow float: Adam's
    /// <c>exp_avg_sq</c> would become +Inf for good.</summary>
    private const float Spike = 1e16f;

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Guard_rejects_an_adam_step_whose_squared_gradients_overflow_and_training_resumes_as_if_the_tick_never_was(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using TickExecutor executor = OnBackend.Executor(backend);
        using var world = new World();
        using var twin = new World(); // the same entity without the spike tick
        Entity entity = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 3);
        Entity reference = spec.Spawn(twin, TrainingSettings.Adam(0.01f), seed: 3);
        using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(), new PipelineOptions { Threads = 2 }, executor, ownsExecutor: false);
        using var twinPipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(), new PipelineOptions { Threads = 2 }, executor, ownsExecutor: false);
        int tick = 0;
        for (; tick < 2; tick++)
        {
            SwarmWorld.WriteSamples(world, [(spec, entity)], tick);
            SwarmWorld.WriteSamples(twin, [(spec, reference)], tick);
            pipeline.Run(world);
            twinPipeline.Run(twin);
        }

        (float[] parameters, float[] moments, TrainingState state) = Read(world, spec, entity);
        world.GetSpan<float>(entity, spec.Inputs).Fill(Spike);
        TickReport report = pipeline.Run(world);

        Assert.Equal([entity], report.StepsSkipped.ToArray());
        Assert.Empty(report.OutputsHeld.ToArray());
        (float[] parametersAfter, float[] momentsAfter, TrainingState stateAfter) = Read(world, spec, entity);
        Assert.True(float.IsFinite(stateAfter.GradientNorm), "the guard passed it: its gradient norm is finite");
        Assert.Equal(parameters, parametersAfter);
        Assert.Equal(moments, momentsAfter);
        Assert.Equal(2, stateAfter.OptimizerSteps);
        Assert.Equal(state.OptimizerSteps, stateAfter.OptimizerSteps);
        Assert.Equal(1, stateAfter.ConsecutiveFailures);
        Assert.False(stateAfter.StepDue);
        Assert.Equal(TickOutcome.StepSkipped, stateAfter.Outcome);

        // Normal ticks again: it steps with t = 3, 4, ... exactly as the twin that never saw the spike.
        for (; tick < 5; tick++)
        {
            SwarmWorld.WriteSamples(world, [(spec, entity)], tick);
            SwarmWorld.WriteSamples(twin, [(spec, reference)], tick);
            Assert.Empty(pipeline.Run(world).StepsSkipped.ToArray());
            twinPipeline.Run(twin);
        }

        (float[] resumed, float[] resumedMoments, TrainingState resumedState) = Read(world, spec, entity);
        (float[] expected, float[] expectedMoments, TrainingState expectedState) = Read(twin, spec, reference);
        Assert.NotEqual(parameters, resumed);
        Assert.Equal(expected, resumed);
        Assert.Equal(expectedMoments, resumedMoments);
        Assert.Equal(5, resumedState.OptimizerSteps);
        Assert.Equal(expectedState.OptimizerSteps, resumedState.OptimizerSteps);
        Assert.Equal(0, resumedState.ConsecutiveFailures);
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Guard_rejects_an_adam_step_with_zero_epsilon_that_would_give_nan_parameters(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Adam(0.01f) with { Epsilon = 0f }, seed: 5);
        Entity healthy = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 6);
        using TrainingPipeline pipeline = OnBackend.Default(backend);
        SwarmWorld.WriteSamples(world, [(spec, entity), (spec, healthy)], 0);
        // Zero inputs: the first layer's weight gradients are exactly 0, so m = v = 0 and the update is 0 / 0 = NaN.
        world.GetSpan<float>(entity, spec.Inputs).Clear();
        (float[] parameters, float[] moments, _) = Read(world, spec, entity);

        TickReport report = pipeline.Run(world);

        Assert.Equal([entity], report.StepsSkipped.ToArray());
        (float[] after, float[] momentsAfter, TrainingState state) = Read(world, spec, entity);
        Assert.Equal(parameters, after);
        Assert.Equal(moments, momentsAfter);
        Assert.Equal(0, state.OptimizerSteps);
        Assert.Equal(1, state.ConsecutiveFailures);
        Assert.Equal(1, Read(world, spec, healthy).State.OptimizerSteps);
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Guard_quarantines_after_rejected_steps_in_a_row_and_the_quarantined_entity_serves_finite_values(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 3);
        using TrainingPipeline pipeline = OnBackend.Default(backend);
        SwarmWorld.WriteSamples(world, [(spec, entity)], 0);
        pipeline.Run(world);
        (float[] parameters, float[] moments, _) = Read(world, spec, entity);
        var skipped = new List<int>();
        var quarantined = new List<int>();
        for (int tick = 1; tick < 6; tick++)
        {
            SwarmWorld.WriteSamples(world, [(spec, entity)], tick);
            world.GetSpan<float>(entity, spec.Inputs).Fill(Spike);
            TickReport report = pipeline.Run(world);
            skipped.Add(report.StepsSkipped.IndexOf(entity) >= 0 ? 1 : 0);
            quarantined.Add(report.NewlyQuarantined.IndexOf(entity) >= 0 ? 1 : 0);
            Assert.All(spec.ReadOutputs(world, entity).ToArray(), o => Assert.True(float.IsFinite(o)));
        }

        Assert.Equal([1, 1, 1, 0, 0], skipped); // quarantined after the third: it no longer trains
        Assert.Equal([0, 0, 1, 0, 0], quarantined);
        Assert.True(world.Has<Quarantined>(entity));
        (float[] after, float[] momentsAfter, TrainingState state) = Read(world, spec, entity);
        Assert.Equal(3, state.ConsecutiveFailures);
        Assert.Equal(1, state.OptimizerSteps);
        Assert.All(after, v => Assert.True(float.IsFinite(v)));
        Assert.All(momentsAfter, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(parameters, after);
        Assert.Equal(moments, momentsAfter);
        float[] exported = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, entity, exported);
        Assert.All(exported, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Guard_holds_the_last_finite_outputs_when_a_forward_pass_overflows_and_the_entity_sits_out_training(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        // Large weights: an input of 1e30 (finite) overflows the outputs (about 1e41), ordinary inputs do not.
        float[] large = Enumerable.Repeat(1e5f, spec.Layout.ParameterCount).ToArray();
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(1e-30f), large);
        Entity inference = spec.SpawnInference(world, seed: 1);
        spec.ImportParameters(world, inference, large);
        Entity healthy = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 2);
        var all = new List<(ModelSpec, Entity)> { (spec, entity), (spec, healthy) }; // the trainable ones
        using TrainingPipeline pipeline = OnBackend.Default(backend);
        SwarmWorld.WriteSamples(world, all, 0);
        world.GetSpan<float>(inference, spec.Inputs).Fill(0.5f);
        TickReport clean = pipeline.Run(world);
        Assert.Empty(clean.OutputsHeld.ToArray());
        float[] outputs = spec.ReadOutputs(world, entity).ToArray();
        float[] inferred = spec.ReadOutputs(world, inference).ToArray();
        Assert.All(outputs.Concat(inferred), o => Assert.True(float.IsFinite(o)));
        (float[] parameters, _, TrainingState state) = Read(world, spec, entity);

        SwarmWorld.WriteSamples(world, all, 1);
        world.GetSpan<float>(entity, spec.Inputs).Fill(1e30f);
        world.GetSpan<float>(inference, spec.Inputs).Fill(1e30f);
        TickReport report = pipeline.Run(world);

        Assert.Equal(new[] { entity, inference }.OrderBy(e => e.Id), report.OutputsHeld.ToArray().OrderBy(e => e.Id));
        Assert.Empty(report.StepsSkipped.ToArray());
        Assert.Empty(report.LeftOut.ToArray());
        Assert.Equal(1, report.EntitiesInferred);
        Assert.Equal(1, report.EntitiesTrained);
        Assert.Equal(outputs, spec.ReadOutputs(world, entity).ToArray());
        Assert.Equal(inferred, spec.ReadOutputs(world, inference).ToArray());
        (float[] after, _, TrainingState stateAfter) = Read(world, spec, entity);
        Assert.Equal(parameters, after);
        Assert.Equal(TickOutcome.OutputsHeld, stateAfter.Outcome);
        Assert.Equal(state with { Outcome = TickOutcome.OutputsHeld }, stateAfter); // no backward pass, no step, no failure

        // Bad data the next tick: still the last finite outputs (the device's copy of the overflow never comes back).
        world.GetSpan<float>(entity, spec.Inputs)[0] = float.NaN;
        world.GetSpan<float>(inference, spec.Inputs)[0] = float.NaN;
        TickReport leftOut = pipeline.Run(world);
        Assert.Equal(2, leftOut.LeftOut.Length);
        Assert.Equal(outputs, spec.ReadOutputs(world, entity).ToArray());
        Assert.Equal(inferred, spec.ReadOutputs(world, inference).ToArray());

        // Ordinary inputs again: new finite outputs, and it trains.
        SwarmWorld.WriteSamples(world, all, 2);
        world.GetSpan<float>(inference, spec.Inputs).Fill(0.25f);
        TickReport recovered = pipeline.Run(world);
        Assert.Empty(recovered.OutputsHeld.ToArray());
        Assert.Equal(3, recovered.EntitiesInferred);
        Assert.NotEqual(outputs, spec.ReadOutputs(world, entity).ToArray());
        Assert.All(spec.ReadOutputs(world, entity).ToArray(), o => Assert.True(float.IsFinite(o)));
        Assert.Equal(state.BackwardPasses + 1, Read(world, spec, entity).State.BackwardPasses);
    }

    private static (float[] Parameters, float[] Moments, TrainingState State) Read(World world, ModelSpec spec, Entity entity)
    {
        HostResidency.BeforeHostRead(world);
        float[] moments = world.Has(entity, spec.AdamMoments) ? world.GetSpan<float>(entity, spec.AdamMoments).ToArray() : [];
        return (world.GetSpan<float>(entity, spec.Parameters).ToArray(), moments, world.Get<TrainingState>(entity));
    }
}
