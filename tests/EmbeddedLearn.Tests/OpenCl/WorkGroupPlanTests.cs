using EmbeddedLearn.OpenCl;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The work-group size and entities per work-item chosen from what the device reports.</summary>
public sealed class WorkGroupPlanTests
{
    private static readonly DeviceLimits DataCentreGpu = new()
    {
        ComputeUnits = 132,
        MaxWorkGroupSize = 1024,
        KernelWorkGroupSize = 1024,
        PreferredMultiple = 32,
        LocalMemoryBytes = 48 * 1024,
    };

    [Theory]
    [InlineData(100, 32)] // too few entities to give every unit four groups: one warp per group
    [InlineData(16_384, 32)] // 528 groups wanted; 16,384 / 64 = 256 < 528
    [InlineData(262_144, 256)] // 262,144 / 256 = 1,024 >= 528, / 512 = 512 < 528
    [InlineData(1_048_576, 1024)] // capped by the device
    public void A_GPU_gets_whole_warps_and_enough_groups_for_every_compute_unit(int count, int expected)
    {
        Assert.Equal(expected, WorkGroupPlan.LocalSize(DataCentreGpu, count));
    }

    [Fact]
    public void The_smallest_kernel_limit_caps_the_group()
    {
        DeviceLimits limits = DataCentreGpu with { KernelWorkGroupSize = 256 };

        Assert.Equal(256, WorkGroupPlan.LocalSize(limits, 1_048_576));
    }

    [Fact]
    public void A_preferred_multiple_above_the_limit_falls_back_to_the_limit()
    {
        DeviceLimits limits = DataCentreGpu with { MaxWorkGroupSize = 16, KernelWorkGroupSize = 16, PreferredMultiple = 64 };

        Assert.Equal(16, WorkGroupPlan.LocalSize(limits, 4096));
    }

    [Theory]
    [InlineData(1024, 8)] // 64 work-items of 16 entities; 8 groups of 8 for 2 units
    [InlineData(16_384, 128)] // 1,024 work-items: 8 groups of 128
    public void A_CPU_device_counts_work_items_of_vector_width_entities(int count, int expected)
    {
        var pocl = new DeviceLimits
        {
            ComputeUnits = 2,
            MaxWorkGroupSize = 4096,
            KernelWorkGroupSize = 4096,
            PreferredMultiple = 8,
            VectorWidth = 16,
            LocalMemoryBytes = 1 << 20,
        };

        Assert.Equal(expected, WorkGroupPlan.LocalSize(pocl, count));
    }

    [Theory]
    [InlineData(OpenClDeviceKind.Gpu, 4, 1)]
    [InlineData(OpenClDeviceKind.Accelerator, 8, 1)]
    [InlineData(OpenClDeviceKind.Cpu, 16, 16)]
    [InlineData(OpenClDeviceKind.Cpu, 8, 8)]
    [InlineData(OpenClDeviceKind.Cpu, 3, 2)]
    [InlineData(OpenClDeviceKind.Cpu, 32, 16)]
    [InlineData(OpenClDeviceKind.Cpu, 0, 1)]
    public void Entities_per_work_item_follow_the_device_type_and_native_vector_width(OpenClDeviceKind kind, int native, int expected)
    {
        Assert.Equal(expected, DeviceLimits.ChooseVectorWidth(kind, native));
    }

    [Theory]
    [InlineData(1024, 16, 8, 64)] // 64 items: 8 whole groups
    [InlineData(1000, 16, 8, 64)] // 63 items, rounded up to 8 groups of 8
    [InlineData(100, 1, 32, 128)]
    [InlineData(1, 1, 32, 32)]
    public void The_launch_covers_every_entity_with_whole_groups(int count, int perItem, int local, int expected)
    {
        Assert.Equal(expected, WorkGroupPlan.GlobalSize(count, perItem, local));
    }

    [Fact]
    public void The_stride_unit_is_a_vector_on_a_CPU_and_a_warp_on_a_GPU_never_the_work_group()
    {
        Assert.Equal(32, WorkGroupPlan.StrideAlignment(DataCentreGpu));
        Assert.Equal(16, WorkGroupPlan.StrideAlignment(new DeviceLimits { VectorWidth = 16, PreferredMultiple = 8, MaxWorkGroupSize = 4096 }));

        // 16,384 entities in groups of 128 items x 16 would give a 72 KiB stride, a multiple of 4 KiB; the unit keeps
        // the stride an odd number of cache lines.
        int stride = InterleavedLayout.Stride(16_384, 16);
        Assert.Equal(16_400, stride);
        Assert.Equal(1, (stride * sizeof(float) / 64) % 2);
    }
}
