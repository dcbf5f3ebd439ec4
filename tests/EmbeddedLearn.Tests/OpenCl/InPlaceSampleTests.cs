using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The samples' way up: on a device that transfers without copies (the cpu family on a CPU device), from an
/// archetype the backend laid out contiguously, the components' own rows are the transfer buffer's storage; from one
/// whose chunks cannot lie back to back, and on a device that copies, a gathered copy. Every way sees every tick's new
/// samples, and leaves out an entity whose input is not finite, as the CPU does.</summary>
public sealed class InPlaceSampleTests
{
    // 64 rows a chunk: contiguous. Rows of ~170 KB: 6 rows a chunk, whose columns are not whole lines: gathered.
    private static readonly ModelSpec Contiguous = ModelSpec.Get(new ModelLayout([8, 32, 32, 2], Activation.Tanh), 4);
    private static readonly ModelSpec Gathered = ModelSpec.Get(new ModelLayout([40, 200, 3], Activation.Tanh), 2);

    [Theory]
    [InlineData(OpenClKernelFamily.Cpu)]
    [InlineData(OpenClKernelFamily.Gpu)]
    public void New_samples_every_tick_and_a_non_finite_input_agree_with_the_CPU_on_both_ways_up(OpenClKernelFamily kernels)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(kernels);
        using var cpuWorld = new World();
        using var gpuWorld = new World();
        List<(ModelSpec Spec, Entity Entity)> entities = Spawn(cpuWorld);
        Assert.Equal(entities, Spawn(gpuWorld));
        using var cpu = new TrainingPipeline(TrainingPipeline.DefaultStages(true), new PipelineOptions { Threads = 2 });
        using var gpu = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, backend, ownsExecutor: false);
        for (int tick = 0; tick < 5; tick++)
        {
            WriteSamples(cpuWorld, entities, tick);
            WriteSamples(gpuWorld, entities, tick);
            cpu.Run(cpuWorld);
            gpu.Run(gpuWorld);
            if (tick == 0)
            {
                // The cpu family on PoCL transfers without copies: the first archetype's samples go up in place. The gpu
                // family there copies as on a GPU, from gathered staging.
                Assert.Equal(kernels == OpenClKernelFamily.Cpu, gpuWorld.GetArchetype(entities[0].Entity).IsContiguous);
                Assert.False(gpuWorld.GetArchetype(entities[^1].Entity).IsContiguous);
            }

            backend.SynchronizeToHost(gpuWorld);
            RandomWorld.AssertSame(cpuWorld, gpuWorld, entities, "tick " + tick);
        }

        // Tick 2 gave entity 5 of each archetype a NaN input: left out then (one backward pass fewer), on both backends.
        foreach (int e in new[] { 5, 70 + 5 })
        {
            Assert.Equal(4, cpuWorld.Get<TrainingState>(entities[e].Entity).BackwardPasses);
            Assert.Equal(4, gpuWorld.Get<TrainingState>(entities[e].Entity).BackwardPasses);
        }

        Assert.Equal(5, gpuWorld.Get<TrainingState>(entities[6].Entity).BackwardPasses);
    }

    [Fact]
    public void Growing_past_the_contiguous_block_and_shrinking_between_ticks_keeps_agreeing_with_the_CPU()
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClKernelFamily.Cpu);
        using var cpuWorld = new World();
        using var gpuWorld = new World();
        var entities = new List<(ModelSpec Spec, Entity Entity)>();
        using var cpu = new TrainingPipeline(TrainingPipeline.DefaultStages(true), new PipelineOptions { Threads = 2 });
        using var gpu = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, backend, ownsExecutor: false);
        for (int tick = 0; tick < 6; tick++)
        {
            // 40 entities (one chunk of 64, the block laid out for it), then 150 more (three chunks past it: the backend
            // lays the archetype out again), then 50 fewer, the last entities moving into the holes.
            int spawn = tick switch { 0 => 40, 2 => 150, _ => 0 };
            for (int i = 0; i < spawn; i++)
            {
                int n = entities.Count;
                Entity c = Contiguous.Spawn(cpuWorld, TrainingSettings.Sgd(0.05f), (ulong)(900 + n));
                Assert.Equal(c, Contiguous.Spawn(gpuWorld, TrainingSettings.Sgd(0.05f), (ulong)(900 + n)));
                entities.Add((Contiguous, c));
            }

            if (tick == 4)
            {
                for (int i = 0; i < 50; i++)
                {
                    cpuWorld.Destroy(entities[i * 3].Entity);
                    gpuWorld.Destroy(entities[i * 3].Entity);
                }

                entities = [.. entities.Where((_, i) => i % 3 != 0 || i >= 150)];
            }

            RandomWorld.WriteSamples(cpuWorld, entities, tick);
            RandomWorld.WriteSamples(gpuWorld, entities, tick);
            cpu.Run(cpuWorld);
            gpu.Run(gpuWorld);
            Archetype archetype = gpuWorld.GetArchetype(entities[0].Entity);
            Assert.True(archetype.IsContiguous, "tick " + tick);
            backend.SynchronizeToHost(gpuWorld);
            RandomWorld.AssertSame(cpuWorld, gpuWorld, entities, "tick " + tick);
        }

        Assert.Equal(140, gpuWorld.GetArchetype(entities[0].Entity).EntityCount);
    }

    /// <summary>70 entities of the contiguous model, then 10 of the gathered one, each spread over the archetypes of the
    /// SGD variants.</summary>
    private static List<(ModelSpec Spec, Entity Entity)> Spawn(World world)
    {
        var entities = new List<(ModelSpec, Entity)>();
        for (int i = 0; i < 80; i++)
        {
            ModelSpec spec = i < 70 ? Contiguous : Gathered;
            // The SGD variants: Adam's first step divides by sqrt(v) + 1e-8, so a gradient near 1e-8 that the backends sum
            // in different orders (seen with other seeds: -1.4523e-8 on the CPU, -1.4755e-8 on PoCL's cpu family) moves the
            // parameter by visibly different amounts; the samples' way up is what is under test here.
            entities.Add((spec, spec.Spawn(world, RandomWorld.Settings(i % 3), (ulong)(500 + i))));
        }

        return entities;
    }

    private static void WriteSamples(World world, List<(ModelSpec Spec, Entity Entity)> entities, int tick)
    {
        RandomWorld.WriteSamples(world, entities, tick);
        if (tick == 2)
        {
            foreach (int e in new[] { 5, 70 + 5 })
            {
                // As a game's bad sensor would: straight into the component, unchecked.
                world.GetSpan<float>(entities[e].Entity, entities[e].Spec.Inputs)[1] = float.NaN;
            }
        }
    }
}
