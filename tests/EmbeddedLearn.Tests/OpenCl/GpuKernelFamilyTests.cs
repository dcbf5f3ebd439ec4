using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The GPU kernel family: how it is chosen, how it tiles a model from the device's limits, and the fallback
/// for a model whose working set does not fit local memory.</summary>
public sealed class GpuKernelFamilyTests
{
    private static readonly DeviceLimits H200Like = new()
    {
        DeviceKind = OpenClDeviceKind.Gpu,
        ComputeUnits = 132,
        MaxWorkGroupSize = 1024,
        KernelWorkGroupSize = 1024,
        PreferredMultiple = 32,
        VectorWidth = 1,
        LocalMemoryBytes = 49152,
        GpuKernelWorkGroupSize = 1024,
        GpuPreferredMultiple = 32,
        SupportsDouble = true,
    };

    [Theory]
    [InlineData("gpu", OpenClKernelFamily.Gpu)]
    [InlineData(" GPU ", OpenClKernelFamily.Gpu)]
    [InlineData("cpu", OpenClKernelFamily.Cpu)]
    public void The_environment_variable_names_a_family(string value, OpenClKernelFamily expected) =>
        Assert.Equal(expected, OpenClSelection.ParseKernels(value));

    [Fact]
    public void Another_value_is_refused_naming_the_variable_and_the_value()
    {
        var error = Assert.Throws<ArgumentException>(() => OpenClSelection.ParseKernels("cuda"));
        Assert.StartsWith("EMBEDDEDLEARN_OPENCL_KERNELS must be 'gpu' or 'cpu', not 'cuda'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_swarm_on_a_GPU_gets_a_warp_per_entity_and_as_many_entities_as_local_memory_holds()
    {
        ModelSpec spec = ModelSpec.Get(new ModelLayout([8, 32, 32, 2], Activation.Tanh), 4);
        GpuTilePlan plan = GpuTilePlan.For(H200Like, spec);
        // Parameters and gradients 2 x 1,410, inputs 4 x 8, activations 4 x 64, outputs 4 x 2, two 4 x 32 buffers.
        Assert.Equal(2820 + 32 + 256 + 8 + 256, plan.FloatsPerEntity);
        Assert.Equal(32, plan.Lanes);
        long perEntity = (plan.FloatsPerEntity * 4L) + (32 * 8) + (DeviceSettingsLayout.StateCount * 8) + (GpuTilePlan.ControlSlots * 4);
        Assert.Equal((int)Math.Min(49152 / perEntity, GpuTilePlan.WarpsPerGroup), plan.EntitiesPerGroup);
        Assert.Equal(plan.EntitiesPerGroup * 32, plan.GroupSize);
        Assert.True(plan.CacheBytes + plan.ReductionBytes + plan.StateBytes + plan.ControlBytes <= 49152);
    }

    [Fact]
    public void Lanes_follow_the_widest_layer_in_whole_warps_and_a_CPU_device_gets_one_entity_per_group()
    {
        ModelSpec wide = ModelSpec.Get(new ModelLayout([3, 40, 2], Activation.Relu), 2);
        Assert.Equal(64, GpuTilePlan.For(H200Like, wide).Lanes);
        GpuTilePlan onCpu = GpuTilePlan.For(H200Like with { DeviceKind = OpenClDeviceKind.Cpu, LocalMemoryBytes = 1 << 20 }, wide);
        Assert.Equal(1, onCpu.EntitiesPerGroup);
    }

    [Fact]
    public void A_model_larger_than_local_memory_does_not_fit()
    {
        ModelSpec big = ModelSpec.Get(new ModelLayout([8, 128, 64, 2], Activation.Tanh), 4); // 9,602 parameters: 77 KB
        Assert.False(GpuTilePlan.For(H200Like, big).Fits);
    }

    [Fact]
    public void A_model_that_does_not_fit_runs_the_cpu_family_kernels_on_the_gpu_layout_and_agrees_with_the_CPU()
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { Kernels = OpenClKernelFamily.Gpu });
        // 8-512-256-2: 136,450 parameters, more than a 1 MiB local memory holds twice.
        ModelSpec spec = ModelSpec.Get(new ModelLayout([8, 512, 256, 2], Activation.Tanh), 2);
        Assert.SkipWhen(2L * spec.Layout.ParameterCount * sizeof(float) <= backend.Device.LocalMemoryBytes, "the device's local memory holds even this model");
        using var cpuWorld = new World();
        using var gpuWorld = new World();
        Entity[] cpuEntities = Spawn(cpuWorld, spec);
        Entity[] gpuEntities = Spawn(gpuWorld, spec);
        using var cpu = new TrainingPipeline(TrainingPipeline.DefaultStages(), new PipelineOptions { Threads = 1 });
        using var gpu = new TrainingPipeline(TrainingPipeline.DefaultStages(), null, backend, ownsExecutor: false);
        for (int tick = 0; tick < 3; tick++)
        {
            WriteSamples(cpuWorld, spec, cpuEntities, tick);
            WriteSamples(gpuWorld, spec, gpuEntities, tick);
            cpu.Run(cpuWorld);
            gpu.Run(gpuWorld);
        }

        int fused = DeviceProfiler.FusedSlot;
        int gpuTick = DeviceProfiler.GpuSlot;
        Assert.True(backend.LastTickDeviceNanoseconds(fused) > 0);
        Assert.Equal(0, backend.LastTickDeviceNanoseconds(gpuTick));
        backend.SynchronizeToHost(gpuWorld);
        for (int i = 0; i < cpuEntities.Length; i++)
        {
            OnBackend.AssertClose(cpuWorld.GetSpan<float>(cpuEntities[i], spec.Parameters), gpuWorld.GetSpan<float>(gpuEntities[i], spec.Parameters));
            OnBackend.AssertClose(cpuWorld.GetSpan<float>(cpuEntities[i], spec.Outputs), gpuWorld.GetSpan<float>(gpuEntities[i], spec.Outputs));
        }
    }

    private static Entity[] Spawn(World world, ModelSpec spec) =>
        [.. Enumerable.Range(0, 3).Select(i => spec.Spawn(world, TrainingSettings.Sgd(0.05f), (ulong)(i + 1)))];

    private static void WriteSamples(World world, ModelSpec spec, Entity[] entities, int tick)
    {
        for (int e = 0; e < entities.Length; e++)
        {
            Span<float> inputs = world.GetSpan<float>(entities[e], spec.Inputs);
            Span<float> targets = world.GetSpan<float>(entities[e], spec.Targets);
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = MathF.Sin((tick * 7) + (e * 3) + i);
            }

            for (int i = 0; i < targets.Length; i++)
            {
                targets[i] = 0.5f * MathF.Cos(tick + e + i);
            }
        }
    }
}
