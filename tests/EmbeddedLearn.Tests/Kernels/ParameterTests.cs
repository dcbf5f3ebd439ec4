using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

public class ParameterTests
{
    private static readonly ModelLayout Layout = ModelLayout.Parse("5,7,3,2", Activation.Tanh);

    [Fact]
    public void Import_then_export_round_trips_exactly()
    {
        float[] torch = KernelAssert.RandomFloats(new Random(5), Layout.ParameterCount);
        var engine = new float[torch.Length];
        var back = new float[torch.Length];
        ParameterOrder.ImportTorch(Layout, torch, engine);
        ParameterOrder.ExportTorch(Layout, engine, back);
        Assert.Equal(torch, back);
        Assert.NotEqual(torch, engine);
    }

    [Fact]
    public void Import_transposes_each_weight()
    {
        var layout = ModelLayout.Parse("2,3", Activation.Identity);
        float[] torch = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // W [[1,2],[3,4],[5,6]], b [7,8,9]
        var engine = new float[9];
        ParameterOrder.ImportTorch(layout, torch, engine);
        Assert.Equal(new float[] { 1, 3, 5, 2, 4, 6, 7, 8, 9 }, engine);
    }

    [Fact]
    public void Default_init_is_within_bounds_deterministic_and_seed_dependent()
    {
        var a = new float[Layout.ParameterCount];
        var b = new float[Layout.ParameterCount];
        var c = new float[Layout.ParameterCount];
        ParameterInit.Default(Layout, 42, a);
        ParameterInit.Default(Layout, 42, b);
        ParameterInit.Default(Layout, 43, c);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        for (int l = 0; l < Layout.LayerCount; l++)
        {
            float bound = (float)(1 / Math.Sqrt(Layout.LayerInput(l)));
            int start = Layout.WeightOffset(l), end = Layout.BiasOffset(l) + Layout.LayerOutput(l);
            for (int k = start; k < end; k++)
            {
                Assert.InRange(a[k], -bound, bound);
                Assert.True(a[k] < bound);
            }
        }

        Assert.Equal(Layout.ParameterCount, a.Distinct().Count());
    }

    [Fact]
    public void Default_init_is_the_same_on_every_machine()
    {
        var layout = ModelLayout.Parse("1,1", Activation.Identity);
        var p = new float[2];
        ParameterInit.Default(layout, 0, p);

        // SplitMix64(0) first outputs: 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
        Assert.Equal(((0xE220A8397B1DCDAFUL >> 40) * (2f / (1 << 24))) - 1f, p[0]);
        Assert.Equal(((0x6E789E6AA1B965F4UL >> 40) * (2f / (1 << 24))) - 1f, p[1]);
    }
}
