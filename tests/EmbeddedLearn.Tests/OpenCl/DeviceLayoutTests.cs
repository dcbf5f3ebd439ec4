using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The interleaved device layout end to end: conversions on upload and read-back, fused against separate
/// launches, and device time per stage.</summary>
public sealed class DeviceLayoutTests
{
    [Theory]
    [InlineData(OpenClKernelFamily.Cpu)]
    [InlineData(OpenClKernelFamily.Gpu)]
    public void State_of_many_chunks_and_odd_counts_comes_back_from_the_device_bit_for_bit(OpenClKernelFamily kernels)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { Kernels = kernels });
        (World world, List<(ModelSpec Spec, Entity Entity)> entities) = SwarmWorld.Mixed(401, seed: 5);
        using (world)
        {
            Assert.Contains(world.Archetypes, a => a.ChunkCount > 1 && a.EntityCount % 2 == 1);
            using var inference = new TrainingPipeline([new EmbeddedLearn.Training.Stages.ForwardStage()], null, backend, ownsExecutor: false);
            SwarmWorld.WriteSamples(world, entities, 0);
            inference.Run(world); // uploads everything; forward changes no state
            var expected = new List<float[]>();
            var expectedState = new List<TrainingState>();
            foreach ((ModelSpec spec, Entity entity) in entities)
            {
                foreach (ComponentType type in StateTypes(spec, world, entity))
                {
                    Span<float> values = world.GetSpan<float>(entity, type);
                    expected.Add(values.ToArray());
                    values.Fill(float.NaN); // only the device copy can restore them
                }

                expectedState.Add(world.Get<TrainingState>(entity));
                world.Get<TrainingState>(entity) = new TrainingState { BackwardPasses = -1 };
            }

            backend.SynchronizeToHost(world);

            int column = 0;
            for (int i = 0; i < entities.Count; i++)
            {
                (ModelSpec spec, Entity entity) = entities[i];
                foreach (ComponentType type in StateTypes(spec, world, entity))
                {
                    Assert.Equal(expected[column++], world.GetSpan<float>(entity, type).ToArray());
                }

                Assert.Equal(expectedState[i], world.Get<TrainingState>(entity));
            }
        }
    }

    [Theory]
    [InlineData(OpenClKernelFamily.Cpu)]
    [InlineData(OpenClKernelFamily.Gpu)]
    public void Fused_and_separate_launches_give_the_same_numbers(OpenClKernelFamily kernels)
    {
        using OpenClBackend fused = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { Kernels = kernels });
        using OpenClBackend separate = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { Kernels = kernels });
        separate.FuseStages = false;
        using var fusedWorld = new World();
        using var separateWorld = new World();
        var fusedModels = new RandomWorld();
        var separateModels = new RandomWorld();
        fusedModels.Spawn(fusedWorld, 45);
        separateModels.Spawn(separateWorld, 45);
        using var fusedPipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, fused, ownsExecutor: false);
        using var separatePipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, separate, ownsExecutor: false);
        for (int tick = 0; tick < 5; tick++)
        {
            fusedModels.WriteSamples(fusedWorld, tick);
            separateModels.WriteSamples(separateWorld, tick);
            fusedPipeline.Run(fusedWorld);
            separatePipeline.Run(separateWorld);
        }

        fused.SynchronizeToHost(fusedWorld);
        separate.SynchronizeToHost(separateWorld);
        for (int i = 0; i < fusedModels.Entities.Count; i++)
        {
            (ModelSpec spec, Entity a) = fusedModels.Entities[i];
            Entity b = separateModels.Entities[i].Entity;
            foreach (ComponentType type in new[] { spec.Parameters, spec.Gradients, spec.Outputs })
            {
                Assert.Equal(separateWorld.GetSpan<float>(b, type).ToArray(), fusedWorld.GetSpan<float>(a, type).ToArray());
            }

            Assert.Equal(separateWorld.Get<TrainingState>(b), fusedWorld.Get<TrainingState>(a));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Device_time_is_recorded_for_the_fused_launch_or_for_every_stage(bool fuse)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend();
        backend.FuseStages = fuse;
        (World world, Entity[] entities) = SwarmWorld.Uniform(33);
        using (world)
        {
            using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, backend, ownsExecutor: false);
            SwarmWorld.WriteSamples(world, entities.Select(e => (SwarmWorld.Swarm, e)), 0);
            pipeline.Run(world);

            var timed = new List<string>();
            for (int slot = 0; slot < OpenClBackend.DeviceTimeSlots.Count; slot++)
            {
                if (backend.LastTickDeviceNanoseconds(slot) > 0)
                {
                    timed.Add(OpenClBackend.DeviceTimeSlots[slot]);
                }
            }

            // SGD entities only: Adam's kernel has no entity to step and is not launched.
            string[] expected = fuse
                ? ["fused_tick", "layout"]
                : ["zero_grad", "forward", "mse_loss", "backward", "guard", "sgd_step", "layout"];
            Assert.Equal(expected, timed);
            Assert.Throws<ArgumentOutOfRangeException>(() => backend.LastTickDeviceNanoseconds(OpenClBackend.DeviceTimeSlots.Count));
        }
    }

    [Theory]
    [InlineData(4)] // the fused launch itself fails: no kernel ran, the live buffers are the tick-start state
    [InlineData(5)] // the conversion after it fails: the fused kernel took the snapshot before changing anything
    public void A_fault_at_or_after_the_fused_launch_restores_the_tick_start_state(int enqueuesBefore)
    {
        var plan = new FaultPlan();
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { FaultInjector = plan });
        (World world, Entity[] entities) = SwarmWorld.Uniform(21); // one archetype: inputs and targets are 4 enqueues
        using (world)
        {
            ModelSpec spec = SwarmWorld.Swarm;
            using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, backend, ownsExecutor: false);
            for (int tick = 0; tick < 2; tick++)
            {
                SwarmWorld.WriteSamples(world, entities.Select(e => (spec, e)), tick);
                pipeline.Run(world);
            }

            backend.SynchronizeToHost(world);
            float[][] before = [.. entities.Select(e => world.GetSpan<float>(e, spec.Parameters).ToArray())];
            float[][] gradientsBefore = [.. entities.Select(e => world.GetSpan<float>(e, spec.Gradients).ToArray())];
            TrainingState[] statesBefore = [.. entities.Select(e => world.Get<TrainingState>(e))];
            SwarmWorld.WriteSamples(world, entities.Select(e => (spec, e)), 2);
            plan.Operation = OpenClOperation.Enqueue;
            plan.After = enqueuesBefore;
            plan.Armed = true;

            Assert.Throws<OpenClException>(() => pipeline.Run(world));
            Assert.True(backend.RecoverToHost(world, out string detail), detail);

            Assert.Equal(1, plan.Fired);
            for (int i = 0; i < entities.Length; i++)
            {
                Assert.Equal(before[i], world.GetSpan<float>(entities[i], spec.Parameters).ToArray());
                Assert.Equal(gradientsBefore[i], world.GetSpan<float>(entities[i], spec.Gradients).ToArray());
                Assert.Equal(statesBefore[i], world.Get<TrainingState>(entities[i]));
            }
        }
    }

    private static IEnumerable<ComponentType> StateTypes(ModelSpec spec, World world, Entity entity)
    {
        foreach (ComponentType type in new[] { spec.Parameters, spec.Gradients, spec.Momentum, spec.AdamMoments })
        {
            if (world.Has(entity, type))
            {
                yield return type;
            }
        }
    }
}
