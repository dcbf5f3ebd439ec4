using EmbeddedLearn.OpenCl;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The host side of the interleaved device layout: stride padding and the conversions.</summary>
public sealed class InterleavedLayoutTests
{
    [Theory]
    [InlineData(0, 64, 64)]
    [InlineData(1, 64, 64)]
    [InlineData(64, 64, 64)]
    [InlineData(65, 64, 192)] // two groups would make the stride a power-of-two multiple: three
    [InlineData(1024, 128, 1152)]
    [InlineData(1000, 8, 1000)] // 125 groups, already odd
    [InlineData(7, 1, 7)]
    [InlineData(8, 1, 9)]
    public void Stride_is_the_smallest_odd_multiple_of_the_alignment_that_holds_every_entity(int count, int alignment, int expected)
    {
        int stride = InterleavedLayout.Stride(count, alignment);

        Assert.Equal(expected, stride);
        Assert.True(stride >= count);
        Assert.Equal(0, stride % alignment);
        Assert.Equal(1, (stride / alignment) % 2);
    }

    [Fact]
    public void Stride_rejects_a_negative_count_and_an_alignment_below_one()
    {
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => InterleavedLayout.Stride(-1, 8)).ParamName);
        Assert.Equal("alignment", Assert.Throws<ArgumentOutOfRangeException>(() => InterleavedLayout.Stride(4, 0)).ParamName);
    }

    [Theory]
    [InlineData(1, 1, new[] { 1 })]
    [InlineData(37, 5, new[] { 37 })]
    [InlineData(37, 5, new[] { 13, 13, 11 })] // several chunks, each written at its first entity
    [InlineData(101, 7, new[] { 1, 50, 3, 47 })]
    public void Interleave_puts_element_k_of_entity_e_at_k_stride_plus_e_and_deinterleave_restores_it(int count, int elements, int[] chunks)
    {
        int stride = InterleavedLayout.Stride(count, 16);
        float[] host = new float[count * elements];
        for (int i = 0; i < host.Length; i++)
        {
            host[i] = i + 0.5f;
        }

        float[] device = new float[stride * elements];
        int first = 0;
        foreach (int rows in chunks)
        {
            InterleavedLayout.Interleave<float>(host.AsSpan(first * elements, rows * elements), elements, stride, first, device);
            first += rows;
        }

        for (int e = 0; e < stride; e++)
        {
            for (int k = 0; k < elements; k++)
            {
                // Entity e's element k, or zero padding past the last entity.
                Assert.Equal(e < count ? host[(e * elements) + k] : 0f, device[(k * stride) + e]);
            }
        }

        float[] back = new float[count * elements];
        first = 0;
        foreach (int rows in chunks)
        {
            InterleavedLayout.Deinterleave<float>(device, elements, stride, first, back.AsSpan(first * elements, rows * elements));
            first += rows;
        }

        Assert.Equal(host, back);
    }

    [Theory]
    [InlineData(37, 5, 4, new[] { 13, 13, 11 })]
    [InlineData(33, 3, 16, new[] { 33 })]
    [InlineData(9, 2, 1, new[] { 4, 5 })]
    public void Tiles_hold_tile_entities_each_element_major_inside(int count, int elements, int tile, int[] chunks)
    {
        int padded = InterleavedLayout.PaddedCount(count, tile);
        float[] host = new float[count * elements];
        for (int i = 0; i < host.Length; i++)
        {
            host[i] = i + 1;
        }

        float[] device = new float[padded * elements];
        int first = 0;
        foreach (int rows in chunks)
        {
            InterleavedLayout.Interleave<float>(host.AsSpan(first * elements, rows * elements), elements, tile, first, device);
            first += rows;
        }

        for (int e = 0; e < padded; e++)
        {
            for (int k = 0; k < elements; k++)
            {
                int at = ((e / tile) * tile * elements) + (k * tile) + (e % tile);
                Assert.Equal(e < count ? host[(e * elements) + k] : 0f, device[at]);
            }
        }

        float[] back = new float[count * elements];
        InterleavedLayout.Deinterleave<float>(device, elements, tile, 0, back);
        Assert.Equal(host, back);
    }

    [Fact]
    public void Counters_round_trip_as_longs()
    {
        long[] state = [5, 2, 1, 6, 3, 0, 7, 4, 1];
        long[] device = new long[3 * 5];
        InterleavedLayout.Interleave<long>(state, 3, 5, 0, device);

        Assert.Equal(new long[] { 5, 6, 7, 0, 0, 2, 3, 4, 0, 0, 1, 0, 1, 0, 0 }, device);
        long[] back = new long[9];
        InterleavedLayout.Deinterleave<long>(device, 3, 5, 0, back);
        Assert.Equal(state, back);
    }

    [Fact]
    public void Rows_that_do_not_fit_the_stride_or_are_not_whole_are_rejected_with_the_numbers()
    {
        float[] device = new float[4 * 8];

        ArgumentException past = Assert.Throws<ArgumentException>(() => InterleavedLayout.Interleave<float>(new float[12], 4, 8, 6, device));
        Assert.Contains("Entities 6..8 of 4 elements do not fit a device span of 32 values in tiles of 8", past.Message, StringComparison.Ordinal);
        ArgumentException ragged = Assert.Throws<ArgumentException>(() => InterleavedLayout.Deinterleave<float>(device, 4, 8, 0, new float[10]));
        Assert.Contains("holds 10 values, not a whole number of rows of 4", ragged.Message, StringComparison.Ordinal);
    }
}
