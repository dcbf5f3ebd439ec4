using EmbeddedLearn.Components;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Layout;

/// <summary>Layouts and batches whose sizes overflow are refused with the layout and the limit named, never with a
/// bare OverflowException, and before anything is registered or allocated.</summary>
public sealed class SizeLimitTests
{
    [Fact]
    public void A_parameter_count_beyond_int_range_is_refused_naming_the_layout_and_the_limit()
    {
        // 50,000 x 50,000 = 2.5e9 weights in the first layer alone.
        ArgumentException error = Assert.Throws<ArgumentException>(() => new ModelLayout([50_000, 50_000, 1], Activation.Tanh));
        Assert.Equal("Model layout [50000,50000,1] has at least 2500050000 parameters (counting layers 0 to 0); "
            + "the limit is 2147483647. (Parameter 'widths')", error.Message);
    }

    [Theory]
    [InlineData(new[] { 8, 32, 2 }, 200_000_000)]       // batch x width: 1.6e9 input floats
    [InlineData(new[] { 1, 1, 1 }, int.MaxValue)]        // 4 x batch x out overflows int, not long
    [InlineData(new[] { 16_000, 16_000 }, 1)]            // P = 256 M: 2P Adam moments exceed the limit even under SGD
    public void A_spec_too_large_for_one_entity_is_refused_naming_layout_batch_and_limit(int[] widths, int batch)
    {
        var layout = new ModelLayout(widths, Activation.Relu);
        ArgumentException error = Assert.Throws<ArgumentException>(() => ModelSpec.Get(layout, batch));
        Assert.StartsWith("Model layout " + layout + " with batch " + batch + ": one entity needs "
            + ModelSpec.EntityBytes(layout, batch) + " bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("the limit is 1073741824 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(ModelSpec.EntityBytes(layout, batch) > ModelSpec.MaxEntityBytes);
    }

    [Fact]
    public void Entity_bytes_count_parameters_gradients_momentum_adam_samples_and_activations()
    {
        var layout = new ModelLayout([8, 32, 32, 2], Activation.Tanh); // P = 1,410, hidden 64
        long floats = (5 * 1_410) + (4 * 8) + (4 * 4 * 2) + (4 * 64);
        Assert.Equal(4 * floats, ModelSpec.EntityBytes(layout, 4));
        Assert.Equal(long.MaxValue, ModelSpec.EntityBytes(new ModelLayout([int.MaxValue - 1, 1], Activation.Tanh), int.MaxValue));
    }
}
