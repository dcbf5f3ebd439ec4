using CsCheck;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Stages;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>One bad agent never stops or changes the others: bad data leaves its entity out of the tick, diverging
/// entities have their steps skipped and are quarantined, on every backend.</summary>
public sealed class ContainmentTests
{
    private static readonly float[] BadValues = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Random_nan_and_inf_in_random_entities_leave_them_out_and_the_others_train_bit_for_bit_as_without_them(TestBackend backend)
    {
        using TickExecutor executor = OnBackend.Executor(backend);
        Gen.Select(Gen.Int[0, 1_000_000], Gen.Int[1, 4], Gen.Int[0, 2]).Sample((seed, victims, injectTick) =>
        {
            (World bad, List<(ModelSpec Spec, Entity Entity)> entities) = SwarmWorld.Mixed(16, seed);
            (World good, _) = SwarmWorld.Mixed(16, seed);
            using (bad)
            using (good)
            {
                var random = new Random(seed);
                int[] chosen = Enumerable.Range(0, entities.Count).OrderBy(_ => random.Next()).Take(victims).ToArray();
                using var badPipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(), new PipelineOptions { Threads = 2 }, executor, ownsExecutor: false);
                using var goodPipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(), new PipelineOptions { Threads = 2 }, executor, ownsExecutor: false);
                for (int tick = 0; tick < 3; tick++)
                {
                    SwarmWorld.WriteSamples(bad, entities, tick);
                    SwarmWorld.WriteSamples(good, entities, tick);
                    byte[][] before = chosen.Select(v => OnBackend.Snapshot(bad, [entities[v].Entity])).ToArray();
                    if (tick == injectTick)
                    {
                        foreach (int v in chosen)
                        {
                            (ModelSpec spec, Entity entity) = entities[v];
                            ComponentType type = random.Next(2) == 0 ? spec.Inputs : spec.Targets;
                            bad.GetSpan<float>(entity, type)[random.Next(type.ElementCount)] = BadValues[random.Next(3)];
                        }
                    }

                    TickReport report = badPipeline.Run(bad);
                    if (tick == injectTick)
                    {
                        Assert.Equal(chosen.Select(v => entities[v].Entity).OrderBy(e => e.Id), report.LeftOut.ToArray().OrderBy(e => e.Id));
                        for (int i = 0; i < chosen.Length; i++)
                        {
                            Entity victim = entities[chosen[i]].Entity;
                            byte[] after = OnBackend.Snapshot(bad, [victim]);
                            AssertUntouchedExceptSamplesAndOutcome(bad, victim, before[i], after);
                            Assert.Equal(TickOutcome.LeftOut, bad.Get<TrainingState>(victim).Outcome);
                        }

                        // Give the victims the good samples back, as a game would once its sensor recovers.
                        SwarmWorld.WriteSamples(bad, chosen.Select(v => entities[v]), tick);
                    }
                    else
                    {
                        Assert.Equal(0, report.LeftOut.Length);
                    }

                    goodPipeline.Run(good);
                }

                // Same backend, same executor: the others are bit-for-bit what they are in the run without bad data.
                for (int e = 0; e < entities.Count; e++)
                {
                    if (Array.IndexOf(chosen, e) < 0)
                    {
                        Entity entity = entities[e].Entity;
                        Assert.Equal(OnBackend.Snapshot(good, [entity]), OnBackend.Snapshot(bad, [entity]));
                    }
                }
            }
        }, iter: backend == TestBackend.Cpu ? 25 : 6, threads: 1);
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Entities_left_out_are_not_counted_as_trained_or_inferred(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        var entities = Enumerable.Range(0, 10).Select(i => (spec, spec.Spawn(world, TrainingSettings.Sgd(0.1f), (ulong)i))).ToList();
        using TrainingPipeline pipeline = OnBackend.Default(backend);
        SwarmWorld.WriteSamples(world, entities, 0);
        TickReport clean = pipeline.Run(world);
        Assert.Equal(10, clean.EntitiesTrained);
        Assert.Equal(10, clean.EntitiesInferred);
        float[] before = spec.ReadOutputs(world, entities[2].Item2).ToArray();

        world.GetSpan<float>(entities[2].Item2, spec.Inputs)[0] = float.NaN;
        world.GetSpan<float>(entities[7].Item2, spec.Targets)[0] = float.PositiveInfinity;
        TickReport report = pipeline.Run(world);

        Assert.Equal(2, report.LeftOut.Length);
        Assert.Equal(8, report.EntitiesTrained);
        Assert.Equal(8, report.EntitiesInferred); // the two left out keep last tick's outputs
        Assert.Equal(before, spec.ReadOutputs(world, entities[2].Item2).ToArray());
        Assert.Equal(10, report.Entities);
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void At_scale_entities_with_bad_data_are_left_out_and_reported_in_entity_order_on_one_thread_or_two(TestBackend backend)
    {
        // 5,000 entities: from 4,096 the pipeline's per-entity checks run on the executor's threads, and on OpenCL the
        // scan for values that are not finite runs in the gather; what is left out and reported is what one thread finds.
        ModelSpec spec = SwarmWorld.Small;
        int[] victims = [3, 700, 701, 2048, 4095, 4999];
        foreach (int threads in (int[])[1, 2])
        {
            using var world = new World();
            var entities = Enumerable.Range(0, 5000).Select(i => (spec, spec.Spawn(world, TrainingSettings.Sgd(0.1f), (ulong)i))).ToList();
            using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = threads });
            SwarmWorld.WriteSamples(world, entities, 0);
            pipeline.Run(world);
            SwarmWorld.WriteSamples(world, entities, 1);
            foreach (int v in victims)
            {
                world.GetSpan<float>(entities[v].Item2, v % 2 == 0 ? spec.Inputs : spec.Targets)[v % 3] = BadValues[v % 3];
            }

            TickReport report = pipeline.Run(world);

            Assert.Equal(victims.Select(v => entities[v].Item2), report.LeftOut.ToArray()); // in entity order
            Assert.Equal(5000 - victims.Length, report.EntitiesTrained);
            Assert.Equal(5000 - victims.Length, report.EntitiesInferred);
            for (int e = 0; e < entities.Count; e++)
            {
                TickOutcome expected = Array.IndexOf(victims, e) >= 0 ? TickOutcome.LeftOut : TickOutcome.None;
                Assert.Equal(expected, world.Get<TrainingState>(entities[e].Item2).Outcome);
            }
        }
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void A_diverging_entity_has_its_steps_skipped_is_quarantined_after_three_and_keeps_inferring_while_the_others_train(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        using var reference = new World();
        var healthy = new List<(ModelSpec, Entity)>();
        var twins = new List<(ModelSpec, Entity)>();
        for (int i = 0; i < 6; i++)
        {
            healthy.Add((spec, spec.Spawn(world, TrainingSettings.Adam(0.01f), (ulong)i)));
            twins.Add((spec, spec.Spawn(reference, TrainingSettings.Adam(0.01f), (ulong)i)));
        }

        // Finite but absurd inputs drive a ReLU model's outputs and gradients to infinity and NaN.
        Entity wild = spec.Spawn(world, TrainingSettings.Sgd(0.5f), seed: 99);
        float[] lastFinite = world.GetSpan<float>(wild, spec.Parameters).ToArray();
        using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = 1 });
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        var skipped = new List<int>();
        var quarantined = new List<int>();
        for (int tick = 0; tick < 6; tick++)
        {
            SwarmWorld.WriteSamples(world, healthy, tick);
            SwarmWorld.WriteSamples(reference, twins, tick);
            world.GetSpan<float>(wild, spec.Inputs).Fill(3e38f);
            world.GetSpan<float>(wild, spec.Targets).Fill(-3e38f);
            TickReport report = pipeline.Run(world);
            cpu.Run(reference);
            skipped.Add(report.StepsSkipped.IndexOf(wild) >= 0 ? 1 : 0);
            quarantined.Add(report.NewlyQuarantined.IndexOf(wild) >= 0 ? 1 : 0);
        }

        Assert.Equal([1, 1, 1, 0, 0, 0], skipped); // quarantined after the third: it no longer trains
        Assert.Equal([0, 0, 1, 0, 0, 0], quarantined);
        Assert.True(world.Has<Quarantined>(wild));
        Assert.Equal(3, world.Get<Quarantined>(wild).SinceTick);
        HostResidency.BeforeHostRead(world);
        Assert.Equal(lastFinite, world.GetSpan<float>(wild, spec.Parameters).ToArray());
        Assert.Equal(0, world.Get<TrainingState>(wild).OptimizerSteps);
        Assert.Equal(3, world.Get<TrainingState>(wild).ConsecutiveFailures);
        Assert.Equal(1, world.CountEntities(new QueryDescription().WithAll<Quarantined>()));
        for (int i = 0; i < healthy.Count; i++)
        {
            OnBackend.AssertClose(reference.GetSpan<float>(twins[i].Item2, spec.Parameters), world.GetSpan<float>(healthy[i].Item2, spec.Parameters));
        }

        // Inference keeps running for the quarantined entity: new inputs give new outputs.
        world.GetSpan<float>(wild, spec.Inputs).Fill(0.25f);
        world.GetSpan<float>(wild, spec.Targets).Clear();
        pipeline.Run(world);
        Assert.All(spec.ReadOutputs(world, wild).ToArray(), o => Assert.True(float.IsFinite(o)));

        // Released with a fresh optimizer, it trains again.
        spec.Release(world, wild);
        Assert.False(world.Has<Quarantined>(wild));
        pipeline.Run(world);
        HostResidency.BeforeHostRead(world);
        Assert.Equal(1, world.Get<TrainingState>(wild).OptimizerSteps);
        Assert.Equal(TickOutcome.None, world.Get<TrainingState>(wild).Outcome);
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Clipping_is_per_entity_and_reported(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity clipped = spec.Spawn(world, TrainingSettings.Sgd(0.1f) with { MaxGradNorm = 1e-3f }, seed: 1);
        Entity loose = spec.Spawn(world, TrainingSettings.Sgd(0.1f) with { MaxGradNorm = 1e6f }, seed: 1);
        Entity plain = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 1);
        SwarmWorld.WriteSamples(world, [(spec, clipped)], 0);
        SwarmWorld.WriteSamples(world, [(spec, loose)], 0);
        SwarmWorld.WriteSamples(world, [(spec, plain)], 0);
        // Same samples for all three (WriteSamples seeds by entity id).
        world.GetSpan<float>(clipped, spec.Inputs).CopyTo(world.GetSpan<float>(loose, spec.Inputs));
        world.GetSpan<float>(clipped, spec.Inputs).CopyTo(world.GetSpan<float>(plain, spec.Inputs));
        world.GetSpan<float>(clipped, spec.Targets).CopyTo(world.GetSpan<float>(loose, spec.Targets));
        world.GetSpan<float>(clipped, spec.Targets).CopyTo(world.GetSpan<float>(plain, spec.Targets));
        using TrainingPipeline pipeline = OnBackend.Default(backend);

        TickReport report = pipeline.Run(world);

        Assert.Equal([clipped], report.Clipped.ToArray());
        HostResidency.BeforeHostRead(world);
        float norm = world.Get<TrainingState>(plain).GradientNorm;
        Assert.True(norm > 1e-3f);
        Assert.Equal(norm, world.Get<TrainingState>(clipped).GradientNorm, 5);
        double clippedNorm = GuardStage.Norm(world.GetSpan<float>(clipped, spec.Gradients));
        Assert.Equal(1e-3, clippedNorm, 1e-7);
        Assert.Equal(world.GetSpan<float>(plain, spec.Parameters).ToArray(), world.GetSpan<float>(loose, spec.Parameters).ToArray());
        Assert.Equal(TickOutcome.Clipped, world.Get<TrainingState>(clipped).Outcome);
    }

    [Fact]
    public void Quarantine_and_failure_counts_survive_a_checkpoint()
    {
        ModelSpec spec = SwarmWorld.Small;
        using var folder = new Checkpoints.TempFolder();
        using var world = new World();
        Entity healthy = spec.Spawn(world, TrainingSettings.Adam(0.01f) with { MaxGradNorm = 0.5f }, seed: 1);
        Entity wild = spec.Spawn(world, TrainingSettings.Sgd(0.5f) with { FailuresBeforeQuarantine = 2 }, seed: 2);
        using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        for (int tick = 0; tick < 3; tick++)
        {
            SwarmWorld.WriteSamples(world, [(spec, healthy)], tick);
            world.GetSpan<float>(wild, spec.Inputs).Fill(3e38f);
            world.GetSpan<float>(wild, spec.Targets).Fill(-3e38f);
            pipeline.Run(world);
        }

        Assert.True(world.Has<Quarantined>(wild));
        string path = folder.File("quarantine.safetensors");
        IReadOnlyList<Entity> saved = EmbeddedLearn.Checkpoints.Checkpoint.Save(world, path);
        using var loadedWorld = new World();
        IReadOnlyList<Entity> loaded = EmbeddedLearn.Checkpoints.Checkpoint.Load(loadedWorld, path).Entities;

        for (int i = 0; i < saved.Count; i++)
        {
            Assert.Equal(world.Has<Quarantined>(saved[i]), loadedWorld.Has<Quarantined>(loaded[i]));
            Assert.Equal(world.Get<TrainingState>(saved[i]) with { Outcome = TickOutcome.None }, loadedWorld.Get<TrainingState>(loaded[i]));
            Assert.Equal(world.Get<TrainingSettings>(saved[i]), loadedWorld.Get<TrainingSettings>(loaded[i]));
        }

        Entity loadedWild = loaded[saved.ToList().IndexOf(wild)];
        Assert.Equal(2, loadedWorld.Get<Quarantined>(loadedWild).SinceTick);
        Assert.Equal(2, loadedWorld.Get<TrainingState>(loadedWild).ConsecutiveFailures);
    }

    private static void AssertUntouchedExceptSamplesAndOutcome(World world, Entity victim, byte[] before, byte[] after)
    {
        // Compare component by component, skipping the inputs/targets the test wrote and the TrainingState outcome.
        int offset = 0;
        foreach (ComponentType type in world.GetComponentTypes(victim))
        {
            int size = ComponentBytes.Of(world, victim, type).Length; // the snapshot's length of this component
            bool samples = type.Name.StartsWith("Inputs[", StringComparison.Ordinal) || type.Name.StartsWith("Targets[", StringComparison.Ordinal);
            if (!samples && type != ComponentType.Of<TrainingState>())
            {
                Assert.True(before.AsSpan(offset, size).SequenceEqual(after.AsSpan(offset, size)), type.Name + " of " + victim + " changed");
            }

            offset += size;
        }

        TrainingState state = world.Get<TrainingState>(victim);
        Assert.False(state.StepDue);
    }
}
