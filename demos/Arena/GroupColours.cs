using System.Globalization;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>The groups' colours (0xAARRGGBB), by position, the same in every scene and everywhere a group is shown:
/// the arena drawing (its bar, a forager's dot), the page's charts and rows, and the headless charts. G1 blue, G2
/// orange, G3 purple, then more: none is the green, yellow or red the scenes use for a low loss, a hit, food or a
/// hunter.</summary>
internal static class GroupColours
{
    private static readonly uint[] Palette = [0xFF4E79A7, 0xFFF28E2B, 0xFFB07AA1, 0xFF76B7B2, 0xFF9C755F, 0xFFFF9DA7];

    /// <summary>The colour of the group at <paramref name="index"/> (0-based; the palette repeats after six).</summary>
    public static uint Of(int index) => Palette[index % Palette.Length];
}

/// <summary>A group's title as the page shows it: its name with the learning rate in force (the name is written with
/// the group's initial one, e.g. "Adam lr 0.01, 4-16-16-2 tanh").</summary>
internal static class GroupTitle
{
    /// <summary><paramref name="name"/> with "lr <paramref name="initial"/>" replaced by "lr <paramref name="current"/>"
    /// (", lr <paramref name="current"/>" added when the name does not say its rate and the rate changed).</summary>
    public static string Of(string name, float initial, float current)
    {
        if (current == initial)
        {
            return name;
        }

        string said = "lr " + initial.ToString(CultureInfo.InvariantCulture), now = "lr " + current.ToString(CultureInfo.InvariantCulture);
        return name.Contains(said, StringComparison.Ordinal) ? name.Replace(said, now, StringComparison.Ordinal) : name + ", " + now;
    }
}
