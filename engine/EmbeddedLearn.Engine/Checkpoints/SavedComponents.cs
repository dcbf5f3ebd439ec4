using System.Text.Json;

namespace EmbeddedLearn.Checkpoints;

/// <summary>
/// The one list of plain (struct) components a checkpoint saves with each model, besides the P-float vectors
/// (parameters, gradients, momentum buffer, Adam moments) that <see cref="ModelGroup"/> names. To save another plain
/// component (a quarantine state, say), add a <see cref="PlainTensor"/> for it here; a file without that tensor then no
/// longer matches the groups it describes, so raise <see cref="Checkpoint.FormatVersion"/> too (and read the old version
/// explicitly if old saves must keep loading).
/// </summary>
internal static class SavedComponents
{
    /// <summary>Training counters, settings, the game's key, a Q-learning agent's settings, state and replay fill, and a
    /// PPO brain's settings and state, in file order.</summary>
    public static readonly PlainTensor[] All =
    [
        new StateTensor(), new SettingsTensor(), new KeyTensor(), new QSettingsTensor(), new QStateTensor(), new ReplayStateTensor(),
        new PpoSettingsTensor(), new PpoStateTensor(),
    ];

    /// <summary>How many of <see cref="All"/> format version 1 had (no agents).</summary>
    private const int VersionOneCount = 3;

    /// <summary>How many of <see cref="All"/> format version 2 had (no PPO brains).</summary>
    private const int VersionTwoCount = 6;

    private static readonly string VersionOneColumns = WriteColumns(All.AsSpan(0, VersionOneCount));
    private static readonly string VersionTwoColumns = WriteColumns(All.AsSpan(0, VersionTwoCount));
    private static readonly string CurrentColumns = WriteColumns(All);

    /// <summary>The <c>columns</c> metadata of a file of format <paramref name="version"/>: each plain tensor's suffix
    /// and its column names, as JSON.</summary>
    public static string ColumnsJson(int version) => version == 1 ? VersionOneColumns : version == 2 ? VersionTwoColumns : CurrentColumns;

    private static string WriteColumns(ReadOnlySpan<PlainTensor> tensors)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            foreach (PlainTensor plain in tensors)
            {
                json.WriteStartArray(plain.Suffix);
                foreach (string column in plain.Columns)
                {
                    json.WriteStringValue(column);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
