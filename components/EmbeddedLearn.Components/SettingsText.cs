using System.Globalization;

namespace EmbeddedLearn.Components;

/// <summary>The one wording of a settings field out of range, shared by <see cref="TrainingSettings"/> and
/// <see cref="QLearningSettings"/>: <c>"{field} is {value}; it {rule}"</c>, values in their own type (a float prints as
/// a float, an integer exactly).</summary>
internal static class SettingsText
{
    public static string Describe(string field, float value, string rule) =>
        string.Format(CultureInfo.InvariantCulture, "{0} is {1}; it {2}", field, value, rule);

    public static string Describe(string field, int value, string rule) =>
        string.Format(CultureInfo.InvariantCulture, "{0} is {1}; it {2}", field, value, rule);
}
