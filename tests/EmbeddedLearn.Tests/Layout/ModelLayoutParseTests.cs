using EmbeddedLearn.Components;
using Xunit;

namespace EmbeddedLearn.Tests.Layout;

/// <summary>ModelLayout.Parse accepts the documented forms and refuses every malformed part, naming it.</summary>
public sealed class ModelLayoutParseTests
{
    [Theory]
    [InlineData("8,32,32,2", new[] { 8, 32, 32, 2 })]
    [InlineData(" 8 , 32 ,2 ", new[] { 8, 32, 2 })]
    [InlineData("8-32-2", new[] { 8, 32, 2 })]
    [InlineData("4x16x1", new[] { 4, 16, 1 })]
    public void Accepts_comma_dash_and_x_separated_widths(string text, int[] widths)
    {
        Assert.Equal(widths, ModelLayout.Parse(text, Activation.Tanh).Widths.ToArray());
    }

    [Theory]
    [InlineData("2,-5,1", "part 1 ('-5') is negative")]
    [InlineData("1,,2", "part 1 ('') is empty")]
    [InlineData("1,2,", "part 2 ('') is empty")]
    [InlineData(",1,2", "part 0 ('') is empty")]
    [InlineData("2--5", "part 1 ('') is empty")]
    [InlineData("2,+5", "part 1 ('+5') is not a positive integer")]
    [InlineData("2,5.0", "part 1 ('5.0') is not a positive integer")]
    [InlineData("2,99999999999", "part 1 ('99999999999') is not a positive integer")]
    [InlineData("", "part 0 ('') is empty")]
    public void Refuses_a_malformed_part_naming_the_text_and_the_part(string text, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => ModelLayout.Parse(text, Activation.Tanh));
        Assert.Equal("Model layout '" + text + "': " + expected + (expected.EndsWith("negative", StringComparison.Ordinal)
            ? "; every width must be at least 1." : "."), error.Message);
    }

    [Fact]
    public void A_zero_width_is_refused_by_the_constructor_naming_its_position()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => ModelLayout.Parse("3,0,1", Activation.Relu));
        Assert.StartsWith("Model layout width 1 (of [3,0,1]) is 0", error.Message, StringComparison.Ordinal);
    }
}
